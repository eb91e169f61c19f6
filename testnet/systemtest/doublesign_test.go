//go:build system

package systemtest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// privValidatorKey is the part of priv_validator_key.json the test reads.
type privValidatorKey struct {
	Address string `json:"address"` // upper-case hex
	PubKey  struct {
		Value string `json:"value"` // base64
	} `json:"pub_key"`
}

type misbehaviourJSON struct {
	ID               string `json:"id"`
	ConsensusAddress string `json:"consensus_address"`
	Moniker          string `json:"moniker"`
	OrganizationID   string `json:"organization_id"`
	PubKey           string `json:"pub_key"`
	Kind             string `json:"kind"`
	InfractionHeight string `json:"infraction_height"`
	InfractionTime   string `json:"infraction_time"`
	TotalVotingPower string `json:"total_voting_power"`
	Height           string `json:"height"`
	Time             string `json:"time"`
	Outcome          string `json:"outcome"`
}

type misbehavioursJSON struct {
	Misbehaviours     []misbehaviourJSON `json:"misbehaviours"`
	RemovedValidators []struct {
		Validator      consortiumValidatorJSON `json:"validator"`
		MisbehaviourID string                  `json:"misbehaviour_id"`
	} `json:"removed_validators"`
}

type consortiumValidatorJSON struct {
	Moniker        string `json:"moniker"`
	OrganizationID string `json:"organization_id"`
	PubKey         string `json:"pub_key"`
	Power          string `json:"power"`
}

// cometValidators lists the addresses CometBFT RPC /validators reports at
// the latest height.
func (n *Node) cometValidators() ([]string, error) {
	var res struct {
		Result struct {
			Validators []struct {
				Address string `json:"address"`
			} `json:"validators"`
		} `json:"result"`
	}
	if err := getJSON(fmt.Sprintf("http://127.0.0.1:%d/validators", n.RPCPort), &res); err != nil {
		return nil, err
	}
	var out []string
	for _, v := range res.Result.Validators {
		out = append(out, v.Address)
	}
	return out, nil
}

// duplicateValidator makes a second home for src's validator key: src's
// config with fresh loopback ports, a new node key, an empty chain and a
// signing state reset to height 0, so the copy signs whatever it sees next
// (the safety net that stops a restarted validator from double signing is
// exactly what this throws away).
func duplicateValidator(t *testing.T, src *Node) *Node {
	t.Helper()
	dup := &Node{t: t, Bin: src.Bin, Home: filepath.Join(t.TempDir(), "duplicate"),
		RPCPort: freePort(t), P2PPort: freePort(t), APIPort: freePort(t), GRPCPort: freePort(t)}
	require.NoError(t, os.MkdirAll(filepath.Join(dup.Home, "config"), 0o700))
	require.NoError(t, os.MkdirAll(filepath.Join(dup.Home, "data"), 0o700))
	ports := strings.NewReplacer(
		"127.0.0.1:"+strconv.Itoa(src.RPCPort), "127.0.0.1:"+strconv.Itoa(dup.RPCPort),
		"127.0.0.1:"+strconv.Itoa(src.P2PPort), "127.0.0.1:"+strconv.Itoa(dup.P2PPort),
		"127.0.0.1:"+strconv.Itoa(src.APIPort), "127.0.0.1:"+strconv.Itoa(dup.APIPort),
		"127.0.0.1:"+strconv.Itoa(src.GRPCPort), "127.0.0.1:"+strconv.Itoa(dup.GRPCPort),
	)
	for _, name := range []string{"config.toml", "app.toml", "client.toml", "genesis.json", "priv_validator_key.json"} {
		bz, err := os.ReadFile(filepath.Join(src.Home, "config", name))
		require.NoError(t, err)
		if strings.HasSuffix(name, ".toml") {
			bz = []byte(ports.Replace(string(bz)))
		}
		require.NoError(t, os.WriteFile(filepath.Join(dup.Home, "config", name), bz, 0o600))
	}
	// node_key.json is left out: CometBFT generates a new one, so the peers
	// see a distinct node (they refuse a second connection from one id).
	require.NoError(t, os.WriteFile(filepath.Join(dup.Home, "data", "priv_validator_state.json"),
		[]byte(`{"height":"0","round":0,"step":0}`), 0o600))
	t.Cleanup(dup.Stop)
	return dup
}

// TestDoubleSign (fault test 5): the key of one of four validators runs in
// a second process. CometBFT turns the conflicting votes into evidence, the
// consortium records the misbehaviour and removes the validator, CometBFT
// drops it from its set, and the three others go on in agreement.
func TestDoubleSign(t *testing.T) {
	start := time.Now()
	ln := NewLocalnet(t, 4)
	ln.LaunchAll(2, 60*time.Second)
	t.Logf("four validators at height 2 after %s", time.Since(start).Round(time.Second))
	n0 := ln.Nodes[0]
	victim := ln.Nodes[3]
	honest := ln.Nodes[:3]

	var key privValidatorKey
	bz, err := os.ReadFile(filepath.Join(victim.Home, "config", "priv_validator_key.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(bz, &key))
	require.NotEmpty(t, key.Address)

	var vals struct {
		Validators []consortiumValidatorJSON `json:"validators"`
		TotalPower string                    `json:"total_power"`
	}
	require.NoError(t, getJSON(n0.REST("/shiplog/consortium/v1/validators"), &vals))
	require.Len(t, vals.Validators, 4)
	var moniker, org string
	for _, v := range vals.Validators {
		if v.PubKey == key.PubKey.Value {
			moniker, org = v.Moniker, v.OrganizationID
		}
	}
	require.NotEmpty(t, moniker, "node3's key is a consortium validator")
	cometVals, err := n0.cometValidators()
	require.NoError(t, err)
	require.Contains(t, cometVals, key.Address)

	// The same key, a second process: it syncs and starts signing too.
	dup := duplicateValidator(t, victim)
	dup.Launch()

	// Evidence is committed and the consortium records it.
	var recs misbehavioursJSON
	n0.waitFor("misbehaviour record", 60*time.Second, func() error {
		if err := getJSON(n0.REST("/shiplog/consortium/v1/misbehaviours"), &recs); err != nil {
			return err
		}
		if len(recs.Misbehaviours) == 0 {
			return fmt.Errorf("no misbehaviour recorded yet (duplicate at height %d)", dup.heightOrZero())
		}
		return nil
	})
	dup.Kill()
	t.Logf("evidence recorded after %s", time.Since(start).Round(time.Second))

	// Oldest record: the one that removed the validator.
	first := recs.Misbehaviours[len(recs.Misbehaviours)-1]
	require.Equal(t, moniker, first.Moniker)
	require.Equal(t, org, first.OrganizationID)
	require.Equal(t, key.PubKey.Value, first.PubKey)
	require.Equal(t, "MISBEHAVIOUR_KIND_DUPLICATE_VOTE", first.Kind)
	require.Equal(t, "MISBEHAVIOUR_OUTCOME_REMOVED", first.Outcome)
	require.Equal(t, "40", first.TotalVotingPower)
	infraction, err := strconv.ParseInt(first.InfractionHeight, 10, 64)
	require.NoError(t, err)
	recorded, err := strconv.ParseInt(first.Height, 10, 64)
	require.NoError(t, err)
	require.Positive(t, infraction)
	require.Greater(t, recorded, infraction)
	require.NotEmpty(t, first.InfractionTime)
	require.NotEmpty(t, first.Time)
	require.True(t, strings.HasPrefix(first.ConsensusAddress, "ship"), first.ConsensusAddress)
	for _, r := range recs.Misbehaviours {
		require.Equal(t, moniker, r.Moniker, "only node3's key double signed")
	}
	require.Len(t, recs.RemovedValidators, 1)
	require.Equal(t, moniker, recs.RemovedValidators[0].Validator.Moniker)
	require.Equal(t, first.ID, recs.RemovedValidators[0].MisbehaviourID)

	// The filtered query through the CLI (autocli) finds the same record.
	stdout, stderr, err := n0.CLI("q", "consortium", "misbehaviours", "--validator", first.ConsensusAddress, "--output", "json")
	require.NoError(t, err, stderr)
	var cliRecs misbehavioursJSON
	require.NoError(t, json.Unmarshal([]byte(strings.TrimSpace(stdout)), &cliRecs), stdout)
	require.NotEmpty(t, cliRecs.Misbehaviours)
	require.Equal(t, first.ID, cliRecs.Misbehaviours[len(cliRecs.Misbehaviours)-1].ID)

	// Out of the consortium's set at once, out of CometBFT's two blocks later.
	require.NoError(t, getJSON(n0.REST("/shiplog/consortium/v1/validators"), &vals))
	require.Len(t, vals.Validators, 3)
	require.Equal(t, "30", vals.TotalPower)
	for _, v := range vals.Validators {
		require.NotEqual(t, key.PubKey.Value, v.PubKey)
	}
	n0.waitFor("CometBFT validator set without node3", 30*time.Second, func() error {
		addrs, err := n0.cometValidators()
		if err != nil {
			return err
		}
		if len(addrs) != 3 {
			return fmt.Errorf("CometBFT reports %d validators: %v", len(addrs), addrs)
		}
		for _, a := range addrs {
			if a == key.Address {
				return fmt.Errorf("%s still in CometBFT's set", a)
			}
		}
		return nil
	})

	// The three others keep committing blocks and agree on the app hash;
	// node3, now a full node, follows them.
	h := ln.MinHeight(honest...)
	ln.WaitForHeight(h+3, 30*time.Second, honest...)
	victim.WaitForHeight(h+3, 30*time.Second)
	requireSameAppHash(t, ln)
	t.Logf("done after %s", time.Since(start).Round(time.Second))
}

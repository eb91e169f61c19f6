//go:build system

package systemtest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// localRecordArgs is recordArgs signed by another key.
func localRecordArgs(externalID, from string) []string {
	args := recordArgs(externalID)
	return append(args[:len(args)-1], from)
}

type acked struct{ org, externalID, id string }

// TestLocalnetFourValidators: four validators of four organisations from
// `shiplogd testnet init-files`; a record through one node is readable on all;
// a validator killed with SIGKILL does not stop the chain (30 of 40 power
// remain), catches up after a restart, and every node then agrees on the app
// hash and holds every acknowledged record exactly once. Then two of four
// stop (no blocks), one returns (blocks resume), and all four restart (state
// and records persist).
func TestLocalnetFourValidators(t *testing.T) {
	ln := NewLocalnet(t, 4)
	require.Len(t, ln.Accounts, 8)
	ln.LaunchAll(3, 90*time.Second)
	n0, n1, n3 := ln.Nodes[0], ln.Nodes[1], ln.Nodes[3]
	// Two nodes that dial each other at once can each drop the other's
	// connection as a duplicate; CometBFT then redials a persistent peer
	// every 5-8 s, so a full mesh can take several rounds (a run of
	// this test has missed a 30 s bound with the chain making blocks).
	for i, n := range ln.Nodes {
		n.waitFor(fmt.Sprintf("node%d's 3 peers", i), 90*time.Second, func() error {
			if peers, err := n.Peers(); err != nil || peers != 3 {
				return fmt.Errorf("%d peers (%v)", peers, err)
			}
			return nil
		})
	}

	var records []acked
	record := func(n *Node, org, externalID string) {
		t.Helper()
		res := n.Tx(localRecordArgs(externalID, org+"-deployer")...)
		require.Zero(t, res.Code, res.RawLog)
		committed := n.WaitForTx(res.TxHash, 45*time.Second)
		require.Zero(t, committed.Code, committed.RawLog)
		var got deploymentJSON
		require.NoError(t, getJSON(n.REST("/shiplog/deployments/v1/external/"+org+"/"+externalID), &got))
		records = append(records, acked{org: org, externalID: externalID, id: got.Deployment.ID})
	}
	readOn := func(n *Node, r acked, timeout time.Duration) {
		t.Helper()
		n.waitFor("record "+r.org+"/"+r.externalID, timeout, func() error {
			var got deploymentJSON
			if err := getJSON(n.REST("/shiplog/deployments/v1/external/"+r.org+"/"+r.externalID), &got); err != nil {
				return err
			}
			if got.Deployment.ID != r.id || got.Deployment.OrganizationID != r.org || got.Deployment.ExternalID != r.externalID {
				return fmt.Errorf("got %+v, want %+v", got.Deployment, r)
			}
			return nil
		})
	}

	// A CI job of org1 records through node1; every node serves it.
	record(n1, "org1", "ln-ci-1")
	for _, n := range ln.Nodes {
		readOn(n, records[0], 15*time.Second)
	}

	// node3 dies without warning while org0's CI keeps recording via node0.
	n3Address := validatorAddress(t, n3)
	n3.Kill()
	for i := 1; i <= 5; i++ {
		record(n0, "org0", fmt.Sprintf("ln-ci-down-%d", i))
	}
	live := ln.Nodes[:3]
	h := ln.MinHeight(live...)
	ln.WaitForHeight(h+2, 30*time.Second, live...)

	// node3 restarts, replays its WAL, catches up with the others and signs
	// again. How long that took is printed (a figure, not a pass mark).
	restarted := time.Now()
	n3.Launch()
	target := ln.MinHeight(live...)
	n3.WaitForHeight(target, 60*time.Second)
	n3.WaitForREST(30 * time.Second)
	for h := target; ; h++ {
		n0.WaitForHeight(h+1, 30*time.Second) // the commit of h is in h+1
		if signedBy(t, n0, h, n3Address) {
			t.Logf("node3 signed block %d, %.1f s after its restart from kill -9", h, time.Since(restarted).Seconds())
			break
		}
		require.Less(t, h, target+60, "node3 signs no commit within 60 blocks of its restart")
	}

	// Same app hash everywhere at a height all four have committed (block
	// H+1 carries the app hash after H, so ask for a block all have).
	common := ln.MinHeight(ln.Nodes...)
	require.GreaterOrEqual(t, common, target)
	want, err := n0.AppHashAt(common)
	require.NoError(t, err)
	require.NotEmpty(t, want)
	for i, n := range ln.Nodes {
		got, err := n.AppHashAt(common)
		require.NoError(t, err)
		require.Equal(t, want, got, "node%d's app hash at height %d", i, common)
	}

	// Every acknowledged record is on every node, exactly once: in state
	// (the plain list) and in the node-local index (the environment filter
	// reads it), which node3 kept through its kill and catch-up.
	require.Len(t, records, 6)
	for i, n := range ln.Nodes {
		for _, r := range records {
			readOn(n, r, 15*time.Second)
		}
		for _, filter := range []string{"", "environment=production&"} {
			var list struct {
				Deployments []struct {
					ID             string `json:"id"`
					OrganizationID string `json:"organization_id"`
					ExternalID     string `json:"external_id"`
				} `json:"deployments"`
			}
			require.NoError(t, getJSON(n.REST("/shiplog/deployments/v1/deployments?"+filter+"pagination.limit=100"), &list))
			seen := map[string]int{}
			for _, d := range list.Deployments {
				seen[d.OrganizationID+"/"+d.ExternalID]++
			}
			require.Len(t, list.Deployments, len(records), "node%d's deployments (%q)", i, filter)
			for _, r := range records {
				require.Equal(t, 1, seen[r.org+"/"+r.externalID], "node%d (%q): %s/%s", i, filter, r.org, r.externalID)
			}
		}
	}
	requireSameAppHash(t, ln)

	// Two of four stopped: 20 of 40 power is not more than 2/3, so no block
	// may be committed (safety over liveness).
	n2 := ln.Nodes[2]
	n2.Stop()
	n3.Stop()
	halted := ln.MinHeight(n0, n1)
	time.Sleep(8 * time.Second) // eight block intervals
	require.LessOrEqual(t, ln.MinHeight(n0, n1), halted+1, "no new blocks with half of the power")
	// One comes back: blocks resume, without divergence.
	n2.Launch()
	ln.WaitForHeight(halted+3, 60*time.Second, n0, n1, n2)
	n3.Launch()
	n3.WaitForHeight(ln.MinHeight(n0, n1, n2), 60*time.Second)
	n2.WaitForREST(30 * time.Second)
	n3.WaitForREST(30 * time.Second)
	requireSameAppHash(t, ln)

	// All four stopped and restarted: state and records persist, and the
	// chain goes on.
	before := ln.MinHeight(ln.Nodes...)
	for _, n := range ln.Nodes {
		n.Stop()
	}
	ln.LaunchAll(before+2, 90*time.Second)
	for _, n := range ln.Nodes {
		for _, r := range records {
			readOn(n, r, 15*time.Second)
		}
	}
	record(n0, "org0", "ln-ci-after-restart")
	for _, n := range ln.Nodes {
		readOn(n, records[len(records)-1], 15*time.Second)
	}
	requireSameAppHash(t, ln)
}

// requireSameAppHash checks every node reports the same app hash at the
// highest height all of them have committed.
func requireSameAppHash(t *testing.T, ln *Localnet) {
	t.Helper()
	common := ln.MinHeight(ln.Nodes...)
	want, err := ln.Nodes[0].AppHashAt(common)
	require.NoError(t, err)
	require.NotEmpty(t, want)
	for i, n := range ln.Nodes {
		got, err := n.AppHashAt(common)
		require.NoError(t, err)
		require.Equal(t, want, got, "node%d's app hash at height %d", i, common)
	}
}

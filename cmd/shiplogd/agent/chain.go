package agent

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authsign "github.com/cosmos/cosmos-sdk/x/auth/signing"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/cosmos/gogoproto/proto"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/shiplog/shiplog/x/aiops/types"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
)

// Chain is what the agent needs from the chain; GRPCChain is the real one,
// tests use fakes.
type Chain interface {
	// Address is the detector account (bech32).
	Address() string
	LatestHeight(ctx context.Context) (int64, error)
	// BlockEvents returns the events of the successful transactions and of
	// the block itself at height.
	BlockEvents(ctx context.Context, height int64) ([]abci.Event, error)
	Deployment(ctx context.Context, id uint64) (deploymentstypes.Deployment, error)
	Detectors(ctx context.Context, address string) ([]types.Detector, error)
	// Verdicts returns the verdicts of a deployment submitted by address.
	Verdicts(ctx context.Context, deploymentID uint64, address string) ([]types.Verdict, error)
	// Submit signs msg with the detector key, broadcasts it, waits for it to
	// be in a block and returns the result. A transaction the chain refused
	// is a *TxError.
	Submit(ctx context.Context, msg sdk.Msg) (TxResult, error)
}

// TxResult is a committed transaction.
type TxResult struct {
	Hash   string
	Height int64
	// Responses are the encoded Msg responses (one per message).
	Responses [][]byte
}

// TxError is a transaction refused in CheckTx or in the block.
type TxError struct {
	Hash      string
	Codespace string
	Code      uint32
	Log       string
}

func (e *TxError) Error() string {
	if e.Hash == "" && e.Code == 0 {
		return "tx refused: " + e.Log
	}
	return fmt.Sprintf("tx %s refused: %s code %d: %s", e.Hash, e.Codespace, e.Code, e.Log)
}

// Is lets errors.Is match a registered error by codespace and code.
func (e *TxError) Is(target error) bool {
	var reg interface {
		Codespace() string
		ABCICode() uint32
	}
	if !errors.As(target, &reg) {
		return false
	}
	if e.Code != 0 {
		return reg.Codespace() == e.Codespace && reg.ABCICode() == e.Code
	}
	// A simulation refusal carries only the message.
	return strings.Contains(e.Log, target.Error())
}

// GRPCChain talks to a node over gRPC (queries, simulation, broadcast) and
// CometBFT RPC (blocks), signing with a keyring key.
type GRPCChain struct {
	conn          *grpc.ClientConn
	rpc           *rpchttp.HTTP
	txCfg         client.TxConfig
	chainID       string
	commitTimeout time.Duration

	kr      keyring.Keyring
	keyName string
	pubKey  cryptotypes.PubKey
	addr    string
	accNum  uint64
}

// DialChain connects to the node and loads the detector key.
func DialChain(ctx context.Context, cfg *Config, cdc codec.Codec, txCfg client.TxConfig) (*GRPCChain, error) {
	kr, err := keyring.New(sdk.KeyringServiceName(), cfg.Key.Backend, cfg.Key.Home, os.Stdin, cdc)
	if err != nil {
		return nil, fmt.Errorf("keyring %s in %s: %w", cfg.Key.Backend, cfg.Key.Home, err)
	}
	rec, err := kr.Key(cfg.Key.Name)
	if err != nil {
		return nil, fmt.Errorf("key %q: %w", cfg.Key.Name, err)
	}
	pub, err := rec.GetPubKey()
	if err != nil {
		return nil, err
	}
	conn, err := grpc.NewClient(cfg.Chain.GRPC, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, fmt.Errorf("gRPC %s: %w", cfg.Chain.GRPC, err)
	}
	rpc, err := rpchttp.New(cfg.Chain.RPC, "/websocket")
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("CometBFT RPC %s: %w", cfg.Chain.RPC, err)
	}
	c := &GRPCChain{
		conn: conn, rpc: rpc, txCfg: txCfg, chainID: cfg.Chain.ChainID, commitTimeout: cfg.Chain.CommitTimeout,
		kr: kr, keyName: cfg.Key.Name, pubKey: pub, addr: sdk.AccAddress(pub.Address()).String(),
	}
	return c, nil
}

// Close closes the gRPC connection.
func (c *GRPCChain) Close() error { return c.conn.Close() }

func (c *GRPCChain) Address() string { return c.addr }

func (c *GRPCChain) LatestHeight(ctx context.Context) (int64, error) {
	st, err := c.rpc.Status(ctx)
	if err != nil {
		return 0, err
	}
	return st.SyncInfo.LatestBlockHeight, nil
}

func (c *GRPCChain) BlockEvents(ctx context.Context, height int64) ([]abci.Event, error) {
	res, err := c.rpc.BlockResults(ctx, &height)
	if err != nil {
		return nil, err
	}
	var events []abci.Event
	for _, tx := range res.TxsResults {
		if tx.Code == 0 {
			events = append(events, tx.Events...)
		}
	}
	return append(events, res.FinalizeBlockEvents...), nil
}

func (c *GRPCChain) Deployment(ctx context.Context, id uint64) (deploymentstypes.Deployment, error) {
	res, err := deploymentstypes.NewQueryClient(c.conn).Deployment(ctx, &deploymentstypes.QueryDeploymentRequest{Id: id})
	if err != nil {
		return deploymentstypes.Deployment{}, grpcError(err)
	}
	return res.Deployment, nil
}

func (c *GRPCChain) Detectors(ctx context.Context, address string) ([]types.Detector, error) {
	res, err := types.NewQueryClient(c.conn).Detectors(ctx, &types.QueryDetectorsRequest{Address: address})
	if err != nil {
		return nil, grpcError(err)
	}
	return res.Detectors, nil
}

func (c *GRPCChain) Verdicts(ctx context.Context, deploymentID uint64, address string) ([]types.Verdict, error) {
	res, err := types.NewQueryClient(c.conn).Verdicts(ctx, &types.QueryVerdictsRequest{DeploymentId: deploymentID, Detector: address})
	if err != nil {
		return nil, grpcError(err)
	}
	return res.Verdicts, nil
}

// grpcError marks answers that will not change on retry as permanent.
func grpcError(err error) error {
	switch status.Code(err) {
	case codes.InvalidArgument, codes.NotFound, codes.PermissionDenied, codes.FailedPrecondition, codes.Unimplemented:
		return Permanent(err)
	}
	return err
}

// Submit signs an unordered transaction (no sequence to track, so retries
// and restarts never collide on nonces), simulates it for gas, broadcasts it
// and waits for it in a block.
func (c *GRPCChain) Submit(ctx context.Context, msg sdk.Msg) (TxResult, error) {
	if c.accNum == 0 {
		info, err := authtypes.NewQueryClient(c.conn).AccountInfo(ctx, &authtypes.QueryAccountInfoRequest{Address: c.addr})
		if err != nil {
			return TxResult{}, fmt.Errorf("account %s (is the detector key a member?): %w", c.addr, grpcError(err))
		}
		c.accNum = info.Info.AccountNumber
	}
	svc := txtypes.NewServiceClient(c.conn)
	probe, err := c.sign(ctx, msg, 100_000_000)
	if err != nil {
		return TxResult{}, Permanent(err)
	}
	sim, err := svc.Simulate(ctx, &txtypes.SimulateRequest{TxBytes: probe})
	if err != nil {
		// The simulation runs the message: a refusal here is the chain's answer.
		if st := status.Convert(err); st.Code() == codes.Unknown || st.Code() == codes.InvalidArgument {
			return TxResult{}, &TxError{Log: "simulation: " + st.Message(), Codespace: simCodespace(st.Message()), Code: simCode(st.Message())}
		}
		return TxResult{}, fmt.Errorf("simulate: %w", err)
	}
	txBytes, err := c.sign(ctx, msg, sim.GasInfo.GasUsed*13/10+20_000)
	if err != nil {
		return TxResult{}, Permanent(err)
	}
	res, err := svc.BroadcastTx(ctx, &txtypes.BroadcastTxRequest{TxBytes: txBytes, Mode: txtypes.BroadcastMode_BROADCAST_MODE_SYNC})
	if err != nil {
		return TxResult{}, fmt.Errorf("broadcast: %w", err)
	}
	if r := res.TxResponse; r.Code != 0 {
		return TxResult{}, &TxError{Hash: r.TxHash, Codespace: r.Codespace, Code: r.Code, Log: r.RawLog}
	}
	return c.waitForTx(ctx, res.TxResponse.TxHash)
}

func (c *GRPCChain) waitForTx(ctx context.Context, hash string) (TxResult, error) {
	svc := txtypes.NewServiceClient(c.conn)
	deadline := time.Now().Add(c.commitTimeout)
	for {
		res, err := svc.GetTx(ctx, &txtypes.GetTxRequest{Hash: hash})
		if err == nil && res.TxResponse != nil {
			r := res.TxResponse
			if r.Code != 0 {
				return TxResult{}, &TxError{Hash: hash, Codespace: r.Codespace, Code: r.Code, Log: r.RawLog}
			}
			out := TxResult{Hash: hash, Height: r.Height}
			data, err := hex.DecodeString(r.Data)
			if err != nil {
				return out, nil
			}
			var msgData sdk.TxMsgData
			if err := proto.Unmarshal(data, &msgData); err == nil {
				for _, any := range msgData.MsgResponses {
					out.Responses = append(out.Responses, any.Value)
				}
			}
			return out, nil
		}
		if time.Now().After(deadline) {
			// Not known to be lost: the caller checks the chain before resubmitting.
			return TxResult{}, fmt.Errorf("tx %s not in a block within %s", hash, c.commitTimeout)
		}
		if err := sleepCtx(ctx, 300*time.Millisecond); err != nil {
			return TxResult{}, err
		}
	}
}

// simCodespace and simCode read "codespace: x, code: n" back from a
// simulation error message when the node includes them; otherwise the
// error is reported as the chain's without a code.
func simCodespace(msg string) string {
	if _, rest, ok := strings.Cut(msg, "codespace: "); ok {
		cs, _, _ := strings.Cut(rest, ",")
		return strings.TrimSpace(cs)
	}
	return ""
}

func simCode(msg string) uint32 {
	if _, rest, ok := strings.Cut(msg, "code: "); ok {
		var n uint32
		if _, err := fmt.Sscanf(rest, "%d", &n); err == nil {
			return n
		}
	}
	return 0
}

func (c *GRPCChain) sign(ctx context.Context, msg sdk.Msg, gas uint64) ([]byte, error) {
	b := c.txCfg.NewTxBuilder()
	if err := b.SetMsgs(msg); err != nil {
		return nil, err
	}
	b.SetGasLimit(gas)
	b.SetUnordered(true)
	// Unordered transactions are told apart by (signer, timeout).
	b.SetTimeoutTimestamp(time.Now().Add(2 * time.Minute).UTC())
	sig := signing.SignatureV2{PubKey: c.pubKey, Data: &signing.SingleSignatureData{SignMode: signing.SignMode_SIGN_MODE_DIRECT}}
	if err := b.SetSignatures(sig); err != nil {
		return nil, err
	}
	signBytes, err := authsign.GetSignBytesAdapter(ctx, c.txCfg.SignModeHandler(), signing.SignMode_SIGN_MODE_DIRECT,
		authsign.SignerData{Address: c.addr, ChainID: c.chainID, AccountNumber: c.accNum, PubKey: c.pubKey}, b.GetTx())
	if err != nil {
		return nil, err
	}
	bz, _, err := c.kr.Sign(c.keyName, signBytes, signing.SignMode_SIGN_MODE_DIRECT)
	if err != nil {
		return nil, err
	}
	sig.Data.(*signing.SingleSignatureData).Signature = bz
	if err := b.SetSignatures(sig); err != nil {
		return nil, err
	}
	return c.txCfg.TxEncoder()(b.GetTx())
}

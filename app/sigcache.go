package app

import (
	"bytes"
	"crypto/sha256"
	"sync"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	"github.com/cosmos/cosmos-sdk/x/auth/ante"
	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"
)

// DefaultSignatureCacheSize bounds the signature cache: a little more than
// CometBFT's default mempool (5,000 transactions) can hold.
const DefaultSignatureCacheSize = 8192

// SignatureCache remembers the transactions whose signatures this node has
// verified in CheckTx, so that FinalizeBlock does not verify them a second
// time (a secp256k1 check is about 130 us, a fifth of a delivered record).
//
// Whether a signature verifies is a pure function of the transaction bytes,
// the chain id, and each signer's account number and public key, which is
// what an entry holds. A hit therefore gives the result a verification
// would give, on every node, so skipping it cannot change the state or the
// app hash; nodes without the entry (other validators, a node replaying
// blocks) simply verify. Gas is charged by SigGasConsumeDecorator either way.
type SignatureCache struct {
	mu      sync.Mutex
	max     int
	entries map[[32]byte][]cachedSigner
}

// cachedSigner is a signer's account as it was when its signature verified.
type cachedSigner struct {
	accountNumber uint64
	pubKey        []byte
}

// NewSignatureCache holds at most max transactions; 0 disables it.
func NewSignatureCache(max int) *SignatureCache {
	return &SignatureCache{max: max, entries: make(map[[32]byte][]cachedSigner)}
}

// Len is the number of transactions remembered.
func (c *SignatureCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

func (c *SignatureCache) add(key [32]byte, signers []cachedSigner) {
	if c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// Transactions dropped from the mempool are never delivered; rather
	// than track them, the cache starts over when full.
	if len(c.entries) >= c.max {
		clear(c.entries)
	}
	c.entries[key] = signers
}

// take removes and returns the entry of key.
func (c *SignatureCache) take(key [32]byte) ([]cachedSigner, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	signers, ok := c.entries[key]
	if ok {
		delete(c.entries, key)
	}
	return signers, ok
}

// cacheKey binds the transaction bytes to the chain id the sign bytes
// carry.
func cacheKey(ctx sdk.Context) [32]byte {
	h := sha256.New()
	h.Write([]byte(ctx.ChainID()))
	h.Write([]byte{0})
	h.Write(ctx.TxBytes())
	var key [32]byte
	h.Sum(key[:0])
	return key
}

// cacheableSigners reads each signer's account number and public key, as
// SigVerificationDecorator will, outside the transaction's gas meter (a node
// with a cache hit must use exactly the gas of a node without one), or
// reports false when the transaction's
// validity could depend on more than that: a signature mode other than
// direct or legacy amino JSON (SIGN_MODE_TEXTUAL renders chain state), a
// multisig, or a signer without a public key.
func cacheableSigners(ctx sdk.Context, ak ante.AccountKeeper, tx sdk.Tx) ([]cachedSigner, bool) {
	sigTx, ok := tx.(authsigning.Tx)
	if !ok || ctx.BlockHeight() == 0 || len(ctx.TxBytes()) == 0 {
		return nil, false
	}
	sigs, err := sigTx.GetSignaturesV2()
	if err != nil {
		return nil, false
	}
	signers, err := sigTx.GetSigners()
	if err != nil || len(signers) != len(sigs) {
		return nil, false
	}
	unmetered := ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
	out := make([]cachedSigner, len(signers))
	for i, sig := range sigs {
		single, ok := sig.Data.(*signing.SingleSignatureData)
		if !ok || (single.SignMode != signing.SignMode_SIGN_MODE_DIRECT && single.SignMode != signing.SignMode_SIGN_MODE_LEGACY_AMINO_JSON) {
			return nil, false
		}
		acc := ak.GetAccount(unmetered, signers[i])
		if acc == nil || acc.GetPubKey() == nil {
			return nil, false
		}
		out[i] = cachedSigner{accountNumber: acc.GetAccountNumber(), pubKey: acc.GetPubKey().Bytes()}
	}
	return out, true
}

func sameSigners(a, b []cachedSigner) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].accountNumber != b[i].accountNumber || !bytes.Equal(a[i].pubKey, b[i].pubKey) {
			return false
		}
	}
	return true
}

// SkipVerifiedSignatures goes right before SigVerificationDecorator. In
// FinalizeBlock, a transaction this node verified in CheckTx, with the same
// signer accounts, skips the signature check; everything else in the
// decorator (sequence, unordered nonce) still runs.
type SkipVerifiedSignatures struct {
	cache *SignatureCache
	ak    ante.AccountKeeper
}

func (d SkipVerifiedSignatures) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	if simulate || ctx.ExecMode() != sdk.ExecModeFinalize || !ctx.IsSigverifyTx() {
		return next(ctx, tx, simulate)
	}
	cached, ok := d.cache.take(cacheKey(ctx))
	if !ok {
		return next(ctx, tx, simulate)
	}
	current, ok := cacheableSigners(ctx, d.ak, tx)
	if !ok || !sameSigners(cached, current) {
		return next(ctx, tx, simulate)
	}
	newCtx, err := next(ctx.WithIsSigverifyTx(false), tx, simulate)
	return newCtx.WithIsSigverifyTx(true), err
}

// RememberVerifiedSignatures goes right after SigVerificationDecorator, so
// it runs only for transactions whose signatures verified: in CheckTx (not
// re-checks, which skip verification) it remembers them for
// SkipVerifiedSignatures.
type RememberVerifiedSignatures struct {
	cache *SignatureCache
	ak    ante.AccountKeeper
}

func (d RememberVerifiedSignatures) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	if !simulate && ctx.ExecMode() == sdk.ExecModeCheck && ctx.IsSigverifyTx() {
		if signers, ok := cacheableSigners(ctx, d.ak, tx); ok {
			d.cache.add(cacheKey(ctx), signers)
		}
	}
	return next(ctx, tx, simulate)
}

// SignatureCache is the node's cache of signatures verified in CheckTx.
func (app *App) SignatureCache() *SignatureCache { return app.sigCache }

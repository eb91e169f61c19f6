package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"sync"

	"google.golang.org/protobuf/types/known/anypb"

	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	"github.com/cosmos/cosmos-sdk/x/auth/ante"
	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"
	txsigning "github.com/cosmos/cosmos-sdk/x/tx/signing"
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
	// known holds, by address, the account number and public key of
	// signers whose signatures verified in CheckTx: what Preverify needs
	// to check a new transaction of theirs without reading state. An
	// entry is only a guess; every use compares it with the account.
	known map[string]knownSigner
}

// knownSigner is a signer's account as a verified transaction showed it.
type knownSigner struct {
	accountNumber uint64
	pubKey        cryptotypes.PubKey
}

// cachedSigner is a signer's account as it was when its signature verified.
type cachedSigner struct {
	accountNumber uint64
	pubKey        []byte
}

// NewSignatureCache holds at most max transactions; 0 disables it.
func NewSignatureCache(max int) *SignatureCache {
	return &SignatureCache{max: max, entries: make(map[[32]byte][]cachedSigner), known: make(map[string]knownSigner)}
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

// learn remembers the accounts of signers that just verified.
func (c *SignatureCache) learn(addrs [][]byte, signers []cachedSigner, pubKeys []cryptotypes.PubKey) {
	if c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.known)+len(addrs) > c.max {
		clear(c.known)
	}
	for i, a := range addrs {
		c.known[string(a)] = knownSigner{accountNumber: signers[i].accountNumber, pubKey: pubKeys[i]}
	}
}

func (c *SignatureCache) knownSigner(addr []byte) (knownSigner, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k, ok := c.known[string(addr)]
	return k, ok
}

// has reports whether key has an entry, leaving it in place.
func (c *SignatureCache) has(key [32]byte) ([]cachedSigner, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	signers, ok := c.entries[key]
	return signers, ok
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
func cacheKey(ctx sdk.Context) [32]byte { return txCacheKey(ctx.ChainID(), ctx.TxBytes()) }

func txCacheKey(chainID string, txBytes []byte) [32]byte {
	h := sha256.New()
	h.Write([]byte(chainID))
	h.Write([]byte{0})
	h.Write(txBytes)
	var key [32]byte
	h.Sum(key[:0])
	return key
}

// cacheableSigners reads each signer's account number and public key (and
// returns the signers' addresses and keys with them), as
// SigVerificationDecorator will, outside the transaction's gas meter (a node
// with a cache hit must use exactly the gas of a node without one), or
// reports false when the transaction's validity could depend on more than
// that: a signature mode other than direct or legacy amino JSON
// (SIGN_MODE_TEXTUAL renders chain state), a multisig, or a signer without a
// public key.
func cacheableSigners(ctx sdk.Context, ak ante.AccountKeeper, tx sdk.Tx) ([]cachedSigner, [][]byte, []cryptotypes.PubKey, bool) {
	if ctx.BlockHeight() == 0 || len(ctx.TxBytes()) == 0 {
		return nil, nil, nil, false
	}
	_, signers, ok := cacheableSignatures(tx)
	if !ok {
		return nil, nil, nil, false
	}
	unmetered := ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
	out := make([]cachedSigner, len(signers))
	pubKeys := make([]cryptotypes.PubKey, len(signers))
	for i, signer := range signers {
		acc := ak.GetAccount(unmetered, signer)
		if acc == nil || acc.GetPubKey() == nil {
			return nil, nil, nil, false
		}
		pubKeys[i] = acc.GetPubKey()
		out[i] = cachedSigner{accountNumber: acc.GetAccountNumber(), pubKey: pubKeys[i].Bytes()}
	}
	return out, signers, pubKeys, true
}

// cacheableSignatures returns the signatures of tx and their signers, or
// false unless each is a single signature in direct or legacy amino JSON
// mode.
func cacheableSignatures(tx sdk.Tx) ([]signing.SignatureV2, [][]byte, bool) {
	sigTx, ok := tx.(authsigning.Tx)
	if !ok {
		return nil, nil, false
	}
	sigs, err := sigTx.GetSignaturesV2()
	if err != nil {
		return nil, nil, false
	}
	signers, err := sigTx.GetSigners()
	if err != nil || len(signers) != len(sigs) {
		return nil, nil, false
	}
	for _, sig := range sigs {
		single, ok := sig.Data.(*signing.SingleSignatureData)
		if !ok || (single.SignMode != signing.SignMode_SIGN_MODE_DIRECT && single.SignMode != signing.SignMode_SIGN_MODE_LEGACY_AMINO_JSON) {
			return nil, nil, false
		}
	}
	return sigs, signers, true
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
// signer accounts, skips the signature check; in CheckTx, so does one that
// Preverify checked on its way in. Everything else in the decorator
// (sequence, unordered nonce) still runs.
type SkipVerifiedSignatures struct {
	cache *SignatureCache
	ak    ante.AccountKeeper
}

func (d SkipVerifiedSignatures) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	if simulate || !ctx.IsSigverifyTx() {
		return next(ctx, tx, simulate)
	}
	var cached []cachedSigner
	var ok bool
	switch ctx.ExecMode() {
	case sdk.ExecModeFinalize:
		cached, ok = d.cache.take(cacheKey(ctx))
	case sdk.ExecModeCheck:
		// The entry stays for FinalizeBlock.
		cached, ok = d.cache.has(cacheKey(ctx))
	}
	if !ok {
		return next(ctx, tx, simulate)
	}
	current, _, _, ok := cacheableSigners(ctx, d.ak, tx)
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
		if signers, addrs, pubKeys, ok := cacheableSigners(ctx, d.ak, tx); ok {
			d.cache.add(cacheKey(ctx), signers)
			d.cache.learn(addrs, signers, pubKeys)
		}
	}
	return next(ctx, tx, simulate)
}

// Preverify checks the signatures of a transaction before it is handed to
// CometBFT's mempool, on the caller's goroutine, and remembers it when they
// verify, so that CheckTx skips the check (see SkipVerifiedSignatures).
// CheckTx, FinalizeBlock and Commit share one lock, and the secp256k1
// check was the largest part of CheckTx; here it runs beside a block being
// executed instead of after it.
//
// It reads no state: the signers' account numbers and keys come from
// transactions of theirs that verified in CheckTx, and CheckTx compares
// them with the accounts before it relies on the entry. A transaction that
// cannot be checked this way (a new signer, another sign mode, bytes that
// do not decode) is left to CheckTx, which reports any error.
func (app *App) Preverify(ctx context.Context, txBytes []byte) {
	// Decoded once here for CheckTx, its re-checks and FinalizeBlock too.
	tx, err := app.txCache.Decode(txBytes)
	if err != nil {
		return
	}
	sigs, signers, ok := cacheableSignatures(tx)
	if !ok {
		return
	}
	adaptable, ok := tx.(authsigning.V2AdaptableTx)
	if !ok {
		return
	}
	chainID := app.ChainID()
	txData := adaptable.GetSigningTxData()
	entry := make([]cachedSigner, len(sigs))
	for i, sig := range sigs {
		known, ok := app.sigCache.knownSigner(signers[i])
		if !ok {
			return
		}
		anyPubKey, err := codectypes.NewAnyWithValue(known.pubKey)
		if err != nil {
			return
		}
		signerData := txsigning.SignerData{
			Address:       sdk.AccAddress(signers[i]).String(),
			ChainID:       chainID,
			AccountNumber: known.accountNumber,
			Sequence:      sig.Sequence,
			PubKey:        &anypb.Any{TypeUrl: anyPubKey.TypeUrl, Value: anyPubKey.Value},
		}
		if authsigning.VerifySignature(ctx, known.pubKey, signerData, sig.Data, app.txConfig.SignModeHandler(), txData) != nil {
			return
		}
		entry[i] = cachedSigner{accountNumber: known.accountNumber, pubKey: known.pubKey.Bytes()}
	}
	app.sigCache.add(txCacheKey(chainID, txBytes), entry)
}

// SignatureCache is the node's cache of signatures verified in CheckTx.
func (app *App) SignatureCache() *SignatureCache { return app.sigCache }

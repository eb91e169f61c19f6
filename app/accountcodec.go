package app

import (
	"bytes"
	"sync"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
)

// DefaultAccountCodecSize bounds the accounts AccountCodec keeps decoded:
// far more than the signers of a block, a few megabytes at most.
const DefaultAccountCodecSize = 8192

// AccountCodec is the codec x/auth's keeper decodes accounts with. It
// decodes each distinct stored account once and hands out copies of the
// result.
//
// Every transaction reads its signer's account several times in CheckTx and
// again in FinalizeBlock: the SDK's ante decorators (public key, signature
// gas, signature check, sequence) each read it, and so does the signature
// cache. Each read decoded the account anew, unpacking its public key
// through the interface registry; under single-record load that was about
// 5% of a node's CPU.
//
// The store is still read as before, so gas is what it was, and a decoded
// account is a pure function of its bytes, so a hit returns what a decode
// would, on every node: nothing in consensus can tell the two apart. Only
// base accounts are kept (what members sign with); module accounts and
// anything else are decoded every time.
type AccountCodec struct {
	codec.Codec
	mu  sync.Mutex
	max int
	// decoded maps an account's stored bytes to its decoded value, which
	// is never handed out itself: callers get copies they may change.
	decoded map[string]*authtypes.BaseAccount
}

// NewAccountCodec wraps cdc, keeping at most max accounts decoded; 0
// disables the cache.
func NewAccountCodec(cdc codec.Codec, max int) *AccountCodec {
	return &AccountCodec{Codec: cdc, max: max, decoded: make(map[string]*authtypes.BaseAccount)}
}

// UnmarshalInterface decodes bz into ptr, from the cache when ptr is an
// account and bz a base account decoded before.
func (c *AccountCodec) UnmarshalInterface(bz []byte, ptr any) error {
	out, ok := ptr.(*sdk.AccountI)
	if !ok || c.max <= 0 {
		return c.Codec.UnmarshalInterface(bz, ptr)
	}
	c.mu.Lock()
	cached, hit := c.decoded[string(bz)]
	c.mu.Unlock()
	if hit {
		*out = copyBaseAccount(cached)
		return nil
	}
	if err := c.Codec.UnmarshalInterface(bz, ptr); err != nil {
		return err
	}
	base, ok := (*out).(*authtypes.BaseAccount)
	if !ok {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// Old versions of accounts (a sequence since incremented) are never
	// read again; rather than track them, the cache starts over when full.
	if len(c.decoded) >= c.max {
		clear(c.decoded)
	}
	c.decoded[string(bz)] = copyBaseAccount(base)
	return nil
}

// Len is the number of accounts kept decoded.
func (c *AccountCodec) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.decoded)
}

// copyBaseAccount copies an account deep enough that nothing done to the
// copy reaches the original: BaseAccount's setters assign its fields, and
// SetPubKey a new Any, but the Any and its bytes are copied too, in case a
// caller writes into them. Only the public key the Any holds decoded is
// shared; nothing changes a key in place.
func copyBaseAccount(acc *authtypes.BaseAccount) *authtypes.BaseAccount {
	out := *acc
	if acc.PubKey != nil {
		pk := *acc.PubKey
		pk.Value = bytes.Clone(pk.Value)
		out.PubKey = &pk
	}
	return &out
}

// AccountCodec is the codec x/auth's keeper decodes accounts with.
func (app *App) AccountCodec() *AccountCodec { return app.accountCodec }

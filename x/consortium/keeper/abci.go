package keeper

import (
	"context"
	"math"
	"time"

	"cosmossdk.io/collections"
	abci "github.com/cometbft/cometbft/abci/types"
	cmtcrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/shiplog/shiplog/x/consortium/types"
)

// EndBlocker expires due proposals and hands this block's validator-set
// changes to CometBFT. It is the only source of validator updates.
func (k Keeper) EndBlocker(ctx context.Context) ([]abci.ValidatorUpdate, error) {
	if err := k.expireProposals(ctx); err != nil {
		return nil, err
	}
	return k.flushValidatorUpdates(ctx)
}

func (k Keeper) expireProposals(ctx context.Context) error {
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	rng := new(collections.Range[collections.Pair[time.Time, uint64]]).
		EndInclusive(collections.Join(now, uint64(math.MaxUint64)))
	keys, err := k.ExpiryQueue.Iterate(ctx, rng)
	if err != nil {
		return err
	}
	due, err := keys.Keys()
	if err != nil {
		return err
	}
	for _, key := range due {
		p, err := k.Proposals.Get(ctx, key.K2())
		if err != nil {
			return err
		}
		if err := k.finalize(ctx, &p, types.PROPOSAL_STATUS_EXPIRED, ""); err != nil {
			return err
		}
	}
	return nil
}

func (k Keeper) flushValidatorUpdates(ctx context.Context) ([]abci.ValidatorUpdate, error) {
	pending, err := k.PendingPower.Iterate(ctx, nil)
	if err != nil {
		return nil, err
	}
	kvs, err := pending.KeyValues()
	if err != nil {
		return nil, err
	}
	var updates []abci.ValidatorUpdate
	for _, kv := range kvs {
		power, err := k.currentPower(ctx, kv.Key)
		if err != nil {
			return nil, err
		}
		if err := k.PendingPower.Remove(ctx, kv.Key); err != nil {
			return nil, err
		}
		if power == kv.Value.Power {
			continue
		}
		updates = append(updates, validatorUpdate(kv.Value.PubKey, power))
	}
	return updates, nil
}

func validatorUpdate(pubKey []byte, power int64) abci.ValidatorUpdate {
	return abci.ValidatorUpdate{
		PubKey: cmtcrypto.PublicKey{Sum: &cmtcrypto.PublicKey_Ed25519{Ed25519: pubKey}},
		Power:  power,
	}
}

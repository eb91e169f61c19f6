package app

import (
	"testing"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"
)

// emitting is a decorator that emits the given events, then calls next.
type emitting []sdk.Event

func (e emitting) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	ctx.EventManager().EmitEvents(sdk.Events(e))
	return next(ctx, tx, simulate)
}

func TestWithoutTxEventsKeepsOtherEvents(t *testing.T) {
	events := sdk.NewEventManager()
	ctx := sdk.Context{}.WithEventManager(events)
	events.EmitEvent(sdk.NewEvent("before"))

	var nextSaw *sdk.EventManager
	handler := sdk.ChainAnteDecorators(withoutTxEvents{emitting{
		sdk.NewEvent(sdk.EventTypeTx, sdk.NewAttribute(sdk.AttributeKeySignature, "c2ln")),
		sdk.NewEvent("pubkey_set", sdk.NewAttribute("address", "ship1")),
		sdk.NewEvent(sdk.EventTypeTx, sdk.NewAttribute(sdk.AttributeKeyAccountSequence, "ship1/0")),
	}}, emitting{sdk.NewEvent("after")}, recordingNext{&nextSaw})
	_, err := handler(ctx, nil, false)
	require.NoError(t, err)

	// The rest of the chain emits into the transaction's own manager, which
	// holds every event but the decorator's tx events, in order.
	require.Same(t, events, nextSaw)
	var types []string
	for _, ev := range events.Events() {
		types = append(types, ev.Type)
	}
	require.Equal(t, []string{"before", "pubkey_set", "after"}, types)
}

// recordingNext is the last decorator: it records the event manager it was
// handed.
type recordingNext struct{ saw **sdk.EventManager }

func (r recordingNext) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	*r.saw = ctx.EventManager()
	return next(ctx, tx, simulate)
}

package types_test

import (
	"math"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/deployments/types"
)

// TestEventDeploymentRecordedToEvent holds the hand-written encoding to the
// SDK's generic one on the inputs where JSON encoders differ.
func TestEventDeploymentRecordedToEvent(t *testing.T) {
	cases := map[string]types.EventDeploymentRecorded{
		"empty": {},
		"typical": {
			Id: 42, Service: "checkout", Environment: "prod", Version: "v1.2.3",
			Status: types.DEPLOYMENT_STATUS_SUCCEEDED, Strategy: types.STRATEGY_CANARY,
			Deployer: "shiplog1qy352eufqy352eufqy352eufqy352euf3ytd0v", OrganizationId: "acme",
			ExternalId: "gh-run-991", RollbackOf: 7,
			ArtifactDigests: []string{"sha256:ab12", "sha256:cd34"},
		},
		"escapes": {
			Service: `quote" back\slash <html>&amp; tab	nl` + "\n\x01\u2028",
			Version: "ünïcødé ✓", ExternalId: "\xff\xfe invalid utf-8",
			ArtifactDigests: []string{"", "<>&"},
		},
		"limits and unnamed enums": {
			Id: math.MaxUint64, RollbackOf: math.MaxUint64,
			Status: types.DeploymentStatus(99), Strategy: types.Strategy(-3),
		},
		"empty digest list": {ArtifactDigests: []string{}},
		// Each byte at the edges of what is quoted without the encoder.
		"one escape each": {
			Service: "a<", Environment: "a>", Version: "a&", Deployer: `a"`, OrganizationId: `a\`,
			ExternalId: "a\x7f", ArtifactDigests: []string{"\x1f", " ~", "a\u00e9", "a\u2029"},
		},
	}
	for name, ev := range cases {
		t.Run(name, func(t *testing.T) {
			want, err := sdk.TypedEventToEvent(&ev)
			require.NoError(t, err)
			got := ev.ToEvent()
			require.Equal(t, want, got)

			parsed, err := sdk.ParseTypedEvent(abci.Event(got))
			require.NoError(t, err)
			if ev.ArtifactDigests == nil {
				ev.ArtifactDigests = []string{} // JSON cannot tell nil from empty
			}
			if name == "escapes" {
				return // invalid UTF-8 comes back as U+FFFD
			}
			require.Equal(t, &ev, parsed)
		})
	}
}

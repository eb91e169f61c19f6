package types_test

import (
	"bytes"
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/consortium/types"
)

// shipAddr is a valid ship bech32 account address (20 bytes of n).
func shipAddr(n byte) string {
	return mustBech(bytes.Repeat([]byte{n}, 20))
}

func TestValidateOrganizationID(t *testing.T) {
	tests := []struct {
		id string
		ok bool
	}{
		{"acme", true},
		{"a", true},
		{"0", true},
		{"acme-corp", true},
		{"42-labs", true},
		{"acme-", true},
		{strings.Repeat("a", types.MaxOrganizationIDLength), true},
		{strings.Repeat("a", types.MaxOrganizationIDLength+1), false},
		{"", false},
		{"-acme", false},
		{"Acme", false},
		{"ACME", false},
		{"acme corp", false},
		{"acme_corp", false},
		{"acme.corp", false},
		{"acmé", false},
		{" acme", false},
		{"acme\n", false},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			err := types.ValidateOrganizationID(tc.id)
			if tc.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, types.ErrInvalidOrganization)
		})
	}
}

func TestOrganizationValidate(t *testing.T) {
	tests := []struct {
		name string
		o    types.Organization
		ok   bool
	}{
		{"ok", types.Organization{Id: "acme", Name: "Acme Corp"}, true},
		{"unicode name", types.Organization{Id: "acme", Name: "Acmé GmbH"}, true},
		{"name at max", types.Organization{Id: "acme", Name: strings.Repeat("é", types.MaxNameLength/2)}, true},
		{"name over max", types.Organization{Id: "acme", Name: strings.Repeat("n", types.MaxNameLength+1)}, false},
		{"empty name", types.Organization{Id: "acme"}, false},
		{"name not UTF-8", types.Organization{Id: "acme", Name: "\xff\xfe"}, false},
		{"bad id", types.Organization{Id: "Acme", Name: "Acme"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.o.Validate()
			if tc.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, types.ErrInvalidOrganization)
			require.NotErrorIs(t, err, types.ErrInvalidParams, "one error class per failure")
		})
	}
}

func TestMemberValidate(t *testing.T) {
	ok := types.Member{Address: shipAddr(1), OrganizationId: "acme", Roles: []types.Role{types.ROLE_DEPLOYER}}
	with := func(edit func(*types.Member)) types.Member {
		m := ok
		m.Roles = append([]types.Role(nil), ok.Roles...)
		edit(&m)
		return m
	}
	tests := []struct {
		name string
		m    types.Member
		err  error
	}{
		{"ok", ok, nil},
		{"inactive is still valid", with(func(m *types.Member) { m.Active = false }), nil},
		{"several roles", with(func(m *types.Member) { m.Roles = types.AllRoles }), nil},
		{"empty address", with(func(m *types.Member) { m.Address = "" }), types.ErrInvalidMember},
		{"garbage address", with(func(m *types.Member) { m.Address = "ship1xyz" }), types.ErrInvalidMember},
		{"other prefix", with(func(m *types.Member) { m.Address = bechWith("cosmos", bytes.Repeat([]byte{1}, 20)) }), types.ErrInvalidMember},
		{"bad organization", with(func(m *types.Member) { m.OrganizationId = "Acme" }), types.ErrInvalidOrganization},
		{"no organization", with(func(m *types.Member) { m.OrganizationId = "" }), types.ErrInvalidOrganization},
		{"no role", with(func(m *types.Member) { m.Roles = nil }), types.ErrInvalidMember},
		{"unspecified role", with(func(m *types.Member) { m.Roles = []types.Role{types.ROLE_UNSPECIFIED} }), types.ErrInvalidMember},
		{"duplicate role", with(func(m *types.Member) { m.Roles = []types.Role{types.ROLE_DEPLOYER, types.ROLE_DEPLOYER} }), types.ErrInvalidMember},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.m.Validate()
			if tc.err == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.err)
		})
	}
}

func key(n byte) []byte { return bytes.Repeat([]byte{n}, 32) }

func TestValidatorValidate(t *testing.T) {
	ok := types.Validator{Moniker: "acme-1", OrganizationId: "acme", PubKey: key(1), Power: 10}
	with := func(edit func(*types.Validator)) types.Validator {
		v := ok
		edit(&v)
		return v
	}
	tests := []struct {
		name string
		v    types.Validator
		err  error
	}{
		{"ok", ok, nil},
		{"power 1", with(func(v *types.Validator) { v.Power = 1 }), nil},
		{"power at max", with(func(v *types.Validator) { v.Power = types.MaxValidatorPower }), nil},
		{"power over max", with(func(v *types.Validator) { v.Power = types.MaxValidatorPower + 1 }), types.ErrInvalidValidator},
		{"power 0", with(func(v *types.Validator) { v.Power = 0 }), types.ErrInvalidValidator},
		{"negative power", with(func(v *types.Validator) { v.Power = -5 }), types.ErrInvalidValidator},
		{"no key", with(func(v *types.Validator) { v.PubKey = nil }), types.ErrInvalidValidator},
		{"31-byte key", with(func(v *types.Validator) { v.PubKey = key(1)[:31] }), types.ErrInvalidValidator},
		{"33-byte key (secp256k1 size)", with(func(v *types.Validator) { v.PubKey = append(key(1), 2) }), types.ErrInvalidValidator},
		{"empty moniker", with(func(v *types.Validator) { v.Moniker = "" }), types.ErrInvalidValidator},
		{"moniker at max", with(func(v *types.Validator) { v.Moniker = strings.Repeat("m", types.MaxMonikerLength) }), nil},
		{"moniker over max", with(func(v *types.Validator) { v.Moniker = strings.Repeat("m", types.MaxMonikerLength+1) }), types.ErrInvalidValidator},
		{"moniker not UTF-8", with(func(v *types.Validator) { v.Moniker = "\xc3" }), types.ErrInvalidValidator},
		{"bad organization", with(func(v *types.Validator) { v.OrganizationId = "-acme" }), types.ErrInvalidOrganization},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.v.Validate()
			if tc.err == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.err)
		})
	}
}

func TestConsensusAddress(t *testing.T) {
	sum := sha256.Sum256(key(7))
	addr := types.ConsensusAddress(key(7))
	require.Equal(t, sum[:20], []byte(addr))
	require.True(t, strings.HasPrefix(addr.String(), "shipvalcons1"))

	v := types.Validator{Moniker: "acme-1", PubKey: key(7), Power: 3}
	require.Equal(t, "acme-1 ("+addr.String()+", power 3)", v.Describe())
}

func TestValidateProposalText(t *testing.T) {
	tests := []struct {
		name, title, summary string
		ok                   bool
	}{
		{"ok", "Admit globex", "Globex joins", true},
		{"empty summary", "Admit globex", "", true},
		{"title at max", strings.Repeat("t", types.MaxTitleLength), "", true},
		{"summary at max", "t", strings.Repeat("s", types.MaxSummaryLength), true},
		{"empty title", "", "s", false},
		{"title over max", strings.Repeat("t", types.MaxTitleLength+1), "", false},
		{"summary over max", "t", strings.Repeat("s", types.MaxSummaryLength+1), false},
		{"title not UTF-8", "\xff", "", false},
		{"summary not UTF-8", "t", "\xff", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := types.ValidateProposalText(tc.title, tc.summary)
			if tc.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, types.ErrInvalidProposal)
		})
	}
}

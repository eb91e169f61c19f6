package types

import (
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
)

// Proposals carry messages as Any; these hooks resolve them to concrete
// sdk.Msg values whenever a transaction, a stored proposal, a query response
// or the genesis state is decoded.
var (
	_ codectypes.UnpackInterfacesMessage = MsgSubmitProposal{}
	_ codectypes.UnpackInterfacesMessage = Proposal{}
	_ codectypes.UnpackInterfacesMessage = GenesisState{}
	_ codectypes.UnpackInterfacesMessage = QueryProposalResponse{}
	_ codectypes.UnpackInterfacesMessage = QueryProposalsResponse{}
)

func unpackMsgs(anys []*codectypes.Any, unpacker codectypes.AnyUnpacker) error {
	for _, a := range anys {
		var msg sdk.Msg
		if err := unpacker.UnpackAny(a, &msg); err != nil {
			return err
		}
	}
	return nil
}

func (m MsgSubmitProposal) UnpackInterfaces(unpacker codectypes.AnyUnpacker) error {
	return unpackMsgs(m.Messages, unpacker)
}

func (p Proposal) UnpackInterfaces(unpacker codectypes.AnyUnpacker) error {
	return unpackMsgs(p.Messages, unpacker)
}

func (gs GenesisState) UnpackInterfaces(unpacker codectypes.AnyUnpacker) error {
	for _, p := range gs.Proposals {
		if err := p.UnpackInterfaces(unpacker); err != nil {
			return err
		}
	}
	return nil
}

func (r QueryProposalResponse) UnpackInterfaces(unpacker codectypes.AnyUnpacker) error {
	return r.Proposal.UnpackInterfaces(unpacker)
}

func (r QueryProposalsResponse) UnpackInterfaces(unpacker codectypes.AnyUnpacker) error {
	for _, p := range r.Proposals {
		if err := p.UnpackInterfaces(unpacker); err != nil {
			return err
		}
	}
	return nil
}

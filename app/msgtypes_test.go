package app_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"reflect"
	"strings"
	"testing"

	dbm "github.com/cosmos/cosmos-db"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	gogoproto "github.com/cosmos/gogoproto/proto"
	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
)

// Every shiplog message a transaction can carry has a generated
// protobuf-v2 type, so that finding its signers decodes into a struct
// rather than dynamicpb's reflective maps.
func TestTransactionMessagesHaveGeneratedV2Types(t *testing.T) {
	c := newChain(t, dbm.NewMemDB())
	ours := 0
	for _, url := range c.app.InterfaceRegistry().ListImplementations(sdk.MsgInterfaceProtoName) {
		if !strings.HasPrefix(url, "/shiplog.") {
			continue
		}
		ours++
		typ, err := protoregistry.GlobalTypes.FindMessageByURL(url)
		require.NoError(t, err, "%s has no protobuf-v2 type: run make proto-gen", url)
		_, dynamic := typ.New().Interface().(*dynamicpb.Message)
		require.False(t, dynamic, url)
	}
	require.GreaterOrEqual(t, ours, 33, "every module's messages are registered")
}

// A transaction the app decodes carries its messages as the generated
// v2 types, with the signers the messages name.
func TestDecodedTransactionUsesGeneratedV2Types(t *testing.T) {
	c := newChain(t, dbm.NewMemDB())
	c.initChain(c.genesis())
	tx, err := c.app.TxConfig().TxDecoder()(c.signTx(c.admin, nil, recordMsg(addr(c.admin), "ext-1")))
	require.NoError(t, err)
	v2tx, ok := tx.(interface {
		GetMsgsV2() ([]proto.Message, error)
		GetSigners() ([][]byte, error)
	})
	require.True(t, ok)
	msgs, err := v2tx.GetMsgsV2()
	require.NoError(t, err)
	require.Len(t, msgs, 1)
	require.Equal(t, "github.com/shiplog/shiplog/api/shiplog/deployments/v1", reflect.TypeOf(msgs[0]).Elem().PkgPath(),
		"decoded as %T", msgs[0])
	deployer := msgs[0].ProtoReflect().Descriptor().Fields().ByName("deployer")
	require.Equal(t, addr(c.admin), msgs[0].ProtoReflect().Get(deployer).String())
	signers, err := v2tx.GetSigners()
	require.NoError(t, err)
	require.Equal(t, [][]byte{c.admin.PubKey().Address().Bytes()}, signers)
}

// Amino-JSON sign bytes (hardware wallets sign those) are built from the
// decoded v2 messages: a transaction signed that way verifies and commits,
// and one signed over other sign bytes (another account number) is refused.
func TestAminoJSONSignedTransactionVerifies(t *testing.T) {
	c := newChain(t, dbm.NewMemDB())
	c.initChain(c.genesis())
	accNum, seq := c.account(c.admin)
	msg := recordMsg(addr(c.admin), "amino-1")

	wrong := c.signMode(c.admin, signing.SignMode_SIGN_MODE_LEGACY_AMINO_JSON, accNum+1, seq, 1_000_000, nil, msg)
	res := c.checkTx(wrong)
	require.Equal(t, sdkerrors.ErrUnauthorized.ABCICode(), res.Code, res.Log)
	require.Contains(t, res.Log, "signature verification failed")

	tx := c.signMode(c.admin, signing.SignMode_SIGN_MODE_LEGACY_AMINO_JSON, accNum, seq, 1_000_000, nil, msg)
	require.Zero(t, c.checkTx(tx).Code)
	block := c.nextBlock(tx)
	require.Zero(t, block.TxResults[0].Code, block.TxResults[0].Log)
}

// The v2 types are generated from the same .proto files as the gogoproto
// types: their descriptors differ only in file options (go_package, and the
// gogoproto options protoc-gen-gocosmos adds). A .proto change without
// `make proto-gen` shows here.
func TestV2DescriptorsMatchGogoproto(t *testing.T) {
	files := 0
	protoregistry.GlobalFiles.RangeFiles(func(fd protoreflect.FileDescriptor) bool {
		if !strings.HasPrefix(fd.Path(), "shiplog/") {
			return true
		}
		files++
		v2 := protodesc.ToFileDescriptorProto(fd)
		gogo := gogoDescriptor(t, fd.Path())
		v2.Options, gogo.Options = nil, nil
		if !proto.Equal(v2, gogo) {
			t.Errorf("%s: the v2 and gogoproto descriptors differ (run make proto-gen):\n%s",
				fd.Path(), cmp.Diff(gogo, v2, protocmp.Transform()))
		}
		return true
	})
	require.Equal(t, 10, files, "tx.proto and types.proto of five modules")
}

func gogoDescriptor(t *testing.T, path string) *descriptorpb.FileDescriptorProto {
	t.Helper()
	gz := gogoproto.FileDescriptor(path)
	require.NotNil(t, gz, "%s is not in gogoproto's registry", path)
	r, err := gzip.NewReader(bytes.NewReader(gz))
	require.NoError(t, err)
	raw, err := io.ReadAll(r)
	require.NoError(t, err)
	fd := &descriptorpb.FileDescriptorProto{}
	require.NoError(t, proto.Unmarshal(raw, fd))
	return fd
}

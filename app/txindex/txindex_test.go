package txindex_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/app/txindex"
)

// result is a transaction result with a message event whose sender and
// action are indexed and whose module is not.
func result(sender, action string) *abci.ExecTxResult {
	return &abci.ExecTxResult{Events: []abci.Event{{Type: "message", Attributes: []abci.EventAttribute{
		{Key: "action", Value: action, Index: true},
		{Key: "sender", Value: sender, Index: true},
		{Key: "module", Value: "deployments", Index: false},
	}}}}
}

type tx struct {
	bytes  []byte
	result *abci.ExecTxResult
}

func txOf(sender, action string, n int) tx {
	return tx{bytes: []byte(fmt.Sprintf("%s-%s-%d", sender, action, n)), result: result(sender, action)}
}

func hashOf(t tx) []byte { h := sha256.Sum256(t.bytes); return h[:] }

func commitBlock(t *testing.T, x *txindex.Index, height int64, txs ...tx) {
	t.Helper()
	bytes, results := make([][]byte, len(txs)), make([]*abci.ExecTxResult, len(txs))
	for i, tx := range txs {
		bytes[i], results[i] = tx.bytes, tx.result
	}
	require.NoError(t, x.Stage(height, bytes, results))
	require.NoError(t, x.Commit())
}

func search(t *testing.T, x *txindex.Index, query string, desc bool, offset, limit uint64) ([]txindex.Position, uint64) {
	t.Helper()
	q, err := txindex.ParseQuery(query)
	require.NoError(t, err)
	page, err := x.Search(context.Background(), q, desc, offset, limit)
	require.NoError(t, err)
	return page.Positions, page.Total
}

func pos(height int64, index uint32) txindex.Position {
	return txindex.Position{Height: height, Index: index}
}

func TestIndexFindsCommittedTransactions(t *testing.T) {
	x := txindex.New(dbm.NewMemDB())
	a1, a2, b1, a3 := txOf("alice", "record", 1), txOf("alice", "record", 2), txOf("bob", "record", 1), txOf("alice", "transition", 3)
	commitBlock(t, x, 2, a1, b1)
	commitBlock(t, x, 3) // an empty block
	commitBlock(t, x, 5, a2, a3)
	height, err := x.Height()
	require.NoError(t, err)
	require.EqualValues(t, 5, height)

	for _, c := range []struct {
		tx  tx
		pos txindex.Position
	}{{a1, pos(2, 0)}, {b1, pos(2, 1)}, {a2, pos(5, 0)}, {a3, pos(5, 1)}} {
		got, found, err := x.Lookup(hashOf(c.tx))
		require.NoError(t, err)
		require.True(t, found, string(c.tx.bytes))
		require.Equal(t, c.pos, got)
	}
	_, found, err := x.Lookup(hashOf(txOf("carol", "record", 1)))
	require.NoError(t, err)
	require.False(t, found)

	all := []txindex.Position{pos(2, 0), pos(2, 1), pos(5, 0), pos(5, 1)}
	for _, c := range []struct {
		query string
		want  []txindex.Position
	}{
		{"message.sender='alice'", []txindex.Position{pos(2, 0), pos(5, 0), pos(5, 1)}},
		{"message.sender='bob'", []txindex.Position{pos(2, 1)}},
		{"message.sender='alice' AND message.action='record'", []txindex.Position{pos(2, 0), pos(5, 0)}},
		{"message.action='record' AND message.sender='alice' AND tx.height > 2", []txindex.Position{pos(5, 0)}},
		{"tm.event='Tx' AND message.sender='alice' AND tx.height <= 2", []txindex.Position{pos(2, 0)}},
		{"tx.height >= 2 AND tx.height < 5", []txindex.Position{pos(2, 0), pos(2, 1)}},
		{"tx.height = 5", []txindex.Position{pos(5, 0), pos(5, 1)}},
		{"tm.event='Tx'", all},
		{fmt.Sprintf("tx.hash='%X'", hashOf(b1)), []txindex.Position{pos(2, 1)}},
		{fmt.Sprintf("tx.hash='%x' AND message.sender='bob'", hashOf(b1)), []txindex.Position{pos(2, 1)}},
		// Nothing matches: a condition the transaction fails, attributes
		// that are not indexed, values that are not there, empty ranges.
		{fmt.Sprintf("tx.hash='%X' AND message.sender='alice'", hashOf(b1)), nil},
		{fmt.Sprintf("tx.hash='%X' AND tx.hash='%X'", hashOf(b1), hashOf(a1)), nil},
		{"message.module='deployments'", nil},
		{"message.sender='carol'", nil},
		{"message.sender='alice' AND tx.height > 5", nil},
		{"tx.height > 3 AND tx.height < 5", nil},
		{"tx.height < 0", nil},
	} {
		got, total := search(t, x, c.query, false, 0, 100)
		require.Equal(t, c.want, got, c.query)
		require.EqualValues(t, len(c.want), total, c.query)
	}

	// Pages: in either order, the total counts every match.
	got, total := search(t, x, "tm.event='Tx'", true, 0, 3)
	require.Equal(t, []txindex.Position{pos(5, 1), pos(5, 0), pos(2, 1)}, got)
	require.EqualValues(t, 4, total)
	got, total = search(t, x, "tm.event='Tx'", true, 3, 3)
	require.Equal(t, []txindex.Position{pos(2, 0)}, got)
	require.EqualValues(t, 4, total)
	got, total = search(t, x, "message.sender='alice'", false, 1, 1)
	require.Equal(t, []txindex.Position{pos(5, 0)}, got)
	require.EqualValues(t, 3, total)
	got, total = search(t, x, "message.sender='alice'", false, 9, 1)
	require.Empty(t, got)
	require.EqualValues(t, 3, total)

	// A query is answered up to the height the caller says is committed.
	q, err := txindex.ParseQuery("message.sender='alice'")
	require.NoError(t, err)
	page, err := x.Search(context.Background(), q.UpTo(4), false, 0, 100)
	require.NoError(t, err)
	require.Equal(t, []txindex.Position{pos(2, 0)}, page.Positions)
}

// An attribute's key and value are kept apart: key "a.b" with value "cd"
// is not key "a.bc" with value "d".
func TestIndexKeepsKeysAndValuesApart(t *testing.T) {
	x := txindex.New(dbm.NewMemDB())
	one := tx{bytes: []byte("one"), result: &abci.ExecTxResult{Events: []abci.Event{{Type: "a", Attributes: []abci.EventAttribute{{Key: "b", Value: "cd", Index: true}}}}}}
	two := tx{bytes: []byte("two"), result: &abci.ExecTxResult{Events: []abci.Event{{Type: "a", Attributes: []abci.EventAttribute{{Key: "bc", Value: "d", Index: true}}}}}}
	commitBlock(t, x, 1, one, two)
	got, _ := search(t, x, "a.b='cd'", false, 0, 10)
	require.Equal(t, []txindex.Position{pos(1, 0)}, got)
	got, _ = search(t, x, "a.bc='d'", false, 0, 10)
	require.Equal(t, []txindex.Position{pos(1, 1)}, got)
	got, _ = search(t, x, "a.b='c'", false, 0, 10)
	require.Empty(t, got)
}

// Staged entries are invisible until Commit; a block staged again (a
// replay) replaces what was staged; a block whose results do not match its
// transactions is refused and stages nothing.
func TestIndexStagesUntilCommit(t *testing.T) {
	x := txindex.New(dbm.NewMemDB())
	a, b := txOf("alice", "record", 1), txOf("bob", "record", 1)
	require.NoError(t, x.Stage(1, [][]byte{a.bytes}, []*abci.ExecTxResult{a.result}))
	_, found, err := x.Lookup(hashOf(a))
	require.NoError(t, err)
	require.False(t, found, "staged, not committed")
	height, err := x.Height()
	require.NoError(t, err)
	require.Zero(t, height)

	require.NoError(t, x.Stage(1, [][]byte{b.bytes}, []*abci.ExecTxResult{b.result}))
	require.NoError(t, x.Commit())
	_, found, err = x.Lookup(hashOf(a))
	require.NoError(t, err)
	require.False(t, found, "replaced by the second staging")
	got, found, err := x.Lookup(hashOf(b))
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, pos(1, 0), got)

	require.NoError(t, x.Stage(2, [][]byte{a.bytes}, []*abci.ExecTxResult{a.result}))
	err = x.Stage(2, [][]byte{a.bytes, b.bytes}, []*abci.ExecTxResult{a.result})
	require.ErrorContains(t, err, "block 2 has 2 transactions and 1 results")
	require.NoError(t, x.Commit())
	_, found, err = x.Lookup(hashOf(a))
	require.NoError(t, err)
	require.False(t, found)
	height, err = x.Height()
	require.NoError(t, err)
	require.EqualValues(t, 1, height)
	require.NoError(t, x.Commit(), "nothing staged")
}

func TestLookupRejectsMalformedHashes(t *testing.T) {
	x := txindex.New(dbm.NewMemDB())
	_, _, err := x.Lookup([]byte{1, 2, 3})
	require.ErrorIs(t, err, txindex.ErrInvalidHash)
	require.ErrorContains(t, err, "3 bytes, want 32")

	for _, s := range []string{"", "xyz", "ABCD", fmt.Sprintf("%X00", hashOf(txOf("a", "b", 1)))} {
		_, err := txindex.ParseHash(s)
		require.ErrorIs(t, err, txindex.ErrInvalidHash, s)
		require.ErrorContains(t, err, "is not 64 hex digits", s)
	}
}

func TestParseQueryNamesWhatItCannotAnswer(t *testing.T) {
	for _, c := range []struct{ query, want string }{
		{"", "the query is empty"},
		{"message.sender=", "invalid transaction query"},
		{"message.sender CONTAINS 'ali'", "event attributes are matched by ="},
		{"message.sender EXISTS", "event attributes are matched by ="},
		{"shiplog.deployments.v1.EventDeploymentRecorded.count > 5", "event attributes are matched by ="},
		{"message.sender = DATE 2026-11-28", "event attributes are matched by ="},
		{"tx.height = '5'", "tx.height is compared with a block height"},
		{"tx.height = 1.5", `"1.5" is not a block height`},
		{"tx.height CONTAINS '5'", "tx.height is compared with a block height"},
		{"tx.height EXISTS", "tx.height is compared with a block height"},
		{"tx.hash = 5", "tx.hash is matched by = with a quoted hex hash"},
		{"tx.hash CONTAINS 'AB'", "tx.hash is matched by = with a quoted hex hash"},
		{"tx.hash = 'AB'", `"AB" is not 64 hex digits`},
		{"tm.event = 'NewBlock'", "only tm.event='Tx' selects transactions"},
	} {
		_, err := txindex.ParseQuery(c.query)
		require.Error(t, err, c.query)
		require.ErrorContains(t, err, c.want, c.query)
		require.True(t, txindex.ErrInvalidQuery.Is(err) || txindex.ErrInvalidHash.Is(err), "%s: %v", c.query, err)
	}
}

// A search stops when its caller gives up (a client's deadline).
func TestSearchStopsWhenTheContextIsDone(t *testing.T) {
	x := txindex.New(dbm.NewMemDB())
	txs := make([]tx, 5000)
	for i := range txs {
		txs[i] = txOf("alice", "record", i)
	}
	commitBlock(t, x, 1, txs...)
	q, err := txindex.ParseQuery("message.sender='alice'")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = x.Search(ctx, q, false, 0, 10)
	require.ErrorIs(t, err, context.Canceled)
	page, err := x.Search(context.Background(), q, false, 0, 10)
	require.NoError(t, err)
	require.EqualValues(t, 5000, page.Total)
}

// The same bytes included again fail (a replay); their hash keeps leading
// to the first inclusion, whether that was in an earlier block or earlier
// in the same one, while the failed copy is still found by its attributes.
func TestFailedDuplicateKeepsTheFirstPosition(t *testing.T) {
	x := txindex.New(dbm.NewMemDB())
	a := txOf("alice", "record", 1)
	failed := tx{bytes: a.bytes, result: result("alice", "record")}
	failed.result.Code = 5
	commitBlock(t, x, 1, a, failed)
	commitBlock(t, x, 2, failed)
	got, found, err := x.Lookup(hashOf(a))
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, pos(1, 0), got)
	positions, total := search(t, x, "message.sender='alice'", false, 0, 10)
	require.Equal(t, []txindex.Position{pos(1, 0), pos(1, 1), pos(2, 0)}, positions)
	require.EqualValues(t, 3, total)

	// A failed transaction seen for the first time is indexed, and a later
	// success of the same bytes takes its hash.
	b := txOf("bob", "record", 1)
	failedB := tx{bytes: b.bytes, result: result("bob", "record")}
	failedB.result.Code = 5
	commitBlock(t, x, 3, failedB)
	got, _, err = x.Lookup(hashOf(b))
	require.NoError(t, err)
	require.Equal(t, pos(3, 0), got)
	commitBlock(t, x, 4, b)
	got, _, err = x.Lookup(hashOf(b))
	require.NoError(t, err)
	require.Equal(t, pos(4, 0), got)
}

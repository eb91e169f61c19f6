// Package txindex is the node's own transaction index: each committed
// transaction's hash, and each of its indexed event attributes, lead to its
// position in the chain (block height and index in the block). The
// transaction and its result stay where CometBFT keeps them anyway, in the
// block store and the state store's block results; the node's transaction
// service reads them from there (see app/txservice.go).
//
// It replaces CometBFT's kv indexer, which stored every transaction and its
// full result a second time (about 1,080 bytes per single-record
// transaction) under its random hash, in a goleveldb database whose
// compactions took a growing share of a loaded node's CPU: 5% a minute into
// a run at 1,500 transactions/s, 15% three minutes in. Here a transaction
// costs a 12-byte position under its hash, an empty key per block position
// and one empty key per indexed attribute (message.action and
// message.sender by default), in pebble.
//
// Layout (heights and indexes big-endian, so positions sort in chain order):
//
//	0x00 'h'                                   -> height of the last committed block
//	0x01 | hash(32)                            -> height(8) | index(4)
//	0x02 | height(8) | index(4)                -> (empty)
//	0x03 | uvarint len | key | uvarint len | value | height(8) | index(4) -> (empty)
//
// where key is "<event type>.<attribute key>", as CometBFT's queries name it.
package txindex

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"

	errorsmod "cosmossdk.io/errors"
	abci "github.com/cometbft/cometbft/abci/types"
	dbm "github.com/cosmos/cosmos-db"
)

const (
	prefixMeta     = 0x00
	prefixHash     = 0x01
	prefixPosition = 0x02
	prefixAttr     = 0x03
)

var heightKey = []byte{prefixMeta, 'h'}

// positionLen is the encoded size of a Position.
const positionLen = 8 + 4

// Position is where a transaction is in the chain.
type Position struct {
	Height int64
	Index  uint32
}

func (p Position) appendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint64(b, uint64(p.Height))
	return binary.BigEndian.AppendUint32(b, p.Index)
}

func decodePosition(b []byte) (Position, error) {
	if len(b) != positionLen {
		return Position{}, fmt.Errorf("txindex: position of %d bytes, want %d", len(b), positionLen)
	}
	return Position{Height: int64(binary.BigEndian.Uint64(b)), Index: binary.BigEndian.Uint32(b[8:])}, nil
}

// Index is the transaction index over a node-local database. Stage and
// Commit run in the ABCI lane, one block at a time; lookups and searches
// run on query goroutines and read only committed entries.
type Index struct {
	db dbm.DB

	staged       dbm.Batch
	stagedHeight int64
}

// New returns the index kept in db.
func New(db dbm.DB) *Index { return &Index{db: db} }

// Stage records a finalized block's transactions for the next Commit: each
// transaction under its hash and its position, and every event attribute
// the node marked for indexing (app.toml's index-events; all of them when
// that list is empty) under its key and value. A block finalized again
// before Commit (a replay) replaces what was staged; a block that cannot be
// staged leaves nothing staged.
func (x *Index) Stage(height int64, txs [][]byte, results []*abci.ExecTxResult) error {
	if x.staged != nil {
		x.staged.Close()
		x.staged = nil
	}
	if len(txs) != len(results) {
		return fmt.Errorf("txindex: block %d has %d transactions and %d results", height, len(txs), len(results))
	}
	batch := x.db.NewBatch()
	if err := x.stageBlock(batch, height, txs, results); err != nil {
		batch.Close()
		return err
	}
	x.staged, x.stagedHeight = batch, height
	return nil
}

func (x *Index) stageBlock(batch dbm.Batch, height int64, txs [][]byte, results []*abci.ExecTxResult) error {
	// Every key is a new slice: a batch may keep the slices it is given
	// (cosmos-db's in-memory one does).
	empty := []byte{}
	for i, tx := range txs {
		pos := Position{Height: height, Index: uint32(i)}
		hash := sha256.Sum256(tx)
		hashKey := append([]byte{prefixHash}, hash[:]...)
		known, err := x.failedDuplicate(hashKey, tx, txs[:i], results[i])
		if err != nil {
			return err
		}
		if !known {
			if err := batch.Set(hashKey, pos.appendTo(nil)); err != nil {
				return err
			}
		}
		if err := batch.Set(pos.appendTo([]byte{prefixPosition}), empty); err != nil {
			return err
		}
		for _, event := range results[i].Events {
			for _, attr := range event.Attributes {
				if !attr.Index || attr.Key == "" {
					continue
				}
				if err := batch.Set(pos.appendTo(appendAttr(nil, event.Type+"."+attr.Key, attr.Value)), empty); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// failedDuplicate reports whether a failed transaction's bytes are already
// indexed or earlier in its block. The same bytes included again fail, as
// a replay; their hash keeps leading to the first, as in CometBFT's index,
// so a client waiting for its transaction is not shown the duplicate's
// failure. Only failed transactions pay for the lookup.
func (x *Index) failedDuplicate(hashKey, tx []byte, earlier [][]byte, result *abci.ExecTxResult) (bool, error) {
	if result.Code == 0 {
		return false, nil
	}
	for _, e := range earlier {
		if bytes.Equal(e, tx) {
			return true, nil
		}
	}
	return x.db.Has(hashKey)
}

// Commit writes the staged block, and the height it brings the index to,
// durably. The node calls it before the state's commit, so that a crash in
// between leaves the index a block ahead of the state, never behind: the
// block is then finalized again and staged with the same entries.
func (x *Index) Commit() error { return x.commit(true) }

// CommitUnsynced is Commit without waiting for the disk, for a rebuild
// that closes (and so syncs) the database when it is done.
func (x *Index) CommitUnsynced() error { return x.commit(false) }

func (x *Index) commit(sync bool) error {
	if x.staged == nil {
		return nil
	}
	defer func() {
		x.staged.Close()
		x.staged = nil
	}()
	if err := x.staged.Set(heightKey, binary.BigEndian.AppendUint64(nil, uint64(x.stagedHeight))); err != nil {
		return err
	}
	if sync {
		return x.staged.WriteSync()
	}
	return x.staged.Write()
}

// Height is the last block committed to the index, 0 before the first.
func (x *Index) Height() (int64, error) {
	bz, err := x.db.Get(heightKey)
	if err != nil || bz == nil {
		return 0, err
	}
	return int64(binary.BigEndian.Uint64(bz)), nil
}

// Lookup returns the position of the transaction with the given hash.
func (x *Index) Lookup(hash []byte) (Position, bool, error) {
	if len(hash) != sha256.Size {
		return Position{}, false, errorsmod.Wrapf(ErrInvalidHash, "%d bytes, want %d", len(hash), sha256.Size)
	}
	bz, err := x.db.Get(append([]byte{prefixHash}, hash...))
	if err != nil || bz == nil {
		return Position{}, false, err
	}
	pos, err := decodePosition(bz)
	return pos, err == nil, err
}

// Page is one page of a search: the positions on it, in the order asked
// for, and how many transactions match in all.
type Page struct {
	Positions []Position
	Total     uint64
}

// Search returns the positions of the transactions matching q in chain
// order (descending if desc), skipping the first offset and keeping at
// most limit. Total counts every match, so a search walks all of them: the
// entries of its first attribute condition (or of its height range when it
// has none) between its height bounds, probing the others' for each. It
// stops with ctx's error when ctx is done (a client's deadline).
func (x *Index) Search(ctx context.Context, q Query, desc bool, offset, limit uint64) (Page, error) {
	var page Page
	keep := func(pos Position) {
		page.Total++
		if page.Total > offset && uint64(len(page.Positions)) < limit {
			page.Positions = append(page.Positions, pos)
		}
	}
	if q.none {
		return page, nil
	}
	if q.hash != nil {
		pos, found, err := x.Lookup(q.hash)
		if err != nil || !found {
			return page, err
		}
		if ok, err := x.matches(q, q.attrs, pos); err != nil || !ok {
			return page, err
		}
		keep(pos)
		return page, nil
	}
	prefix, others := []byte{prefixPosition}, q.attrs
	if len(q.attrs) > 0 {
		prefix, others = appendAttr(nil, q.attrs[0].key, q.attrs[0].value), q.attrs[1:]
	}
	start := binary.BigEndian.AppendUint64(bytes.Clone(prefix), uint64(q.minHeight))
	end := prefixEnd(prefix)
	if q.maxHeight < math.MaxInt64 {
		end = binary.BigEndian.AppendUint64(bytes.Clone(prefix), uint64(q.maxHeight+1))
	}
	var (
		it  dbm.Iterator
		err error
	)
	if desc {
		it, err = x.db.ReverseIterator(start, end)
	} else {
		it, err = x.db.Iterator(start, end)
	}
	if err != nil {
		return page, err
	}
	defer it.Close()
	for n := 0; it.Valid(); it.Next() {
		if n++; n%ctxCheckInterval == 0 && ctx.Err() != nil {
			return page, ctx.Err()
		}
		key := it.Key()
		pos, err := decodePosition(key[len(key)-positionLen:])
		if err != nil {
			return page, err
		}
		ok, err := x.matches(q, others, pos)
		if err != nil {
			return page, err
		}
		if ok {
			keep(pos)
		}
	}
	return page, it.Error()
}

// ctxCheckInterval is how many entries a search walks between looks at
// its context.
const ctxCheckInterval = 4096

// matches reports whether the transaction at pos is within q's heights and
// has every attribute in attrs.
func (x *Index) matches(q Query, attrs []attribute, pos Position) (bool, error) {
	if pos.Height < q.minHeight || pos.Height > q.maxHeight {
		return false, nil
	}
	var key []byte
	for _, a := range attrs {
		key = pos.appendTo(appendAttr(key[:0], a.key, a.value))
		if has, err := x.db.Has(key); err != nil || !has {
			return false, err
		}
	}
	return true, nil
}

// appendAttr appends the attribute entries' prefix for key = value: each
// length-prefixed, so that no key and value run into another pair's.
func appendAttr(b []byte, key, value string) []byte {
	b = append(b, prefixAttr)
	b = binary.AppendUvarint(b, uint64(len(key)))
	b = append(b, key...)
	b = binary.AppendUvarint(b, uint64(len(value)))
	return append(b, value...)
}

// prefixEnd is the first key after every key starting with prefix.
func prefixEnd(prefix []byte) []byte {
	end := bytes.Clone(prefix)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

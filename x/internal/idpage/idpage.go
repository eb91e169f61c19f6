// Package idpage serves newest-first pages of records keyed by sequential
// uint64 ids, read through collections indexes. The modules' list queries
// share it: pick the most selective index as a Source, then Collect a page.
//
// A page cursor is the id to continue from (inclusive), 8 bytes big-endian in
// pagination.key. Offsets, totals and reverse order would need full scans or
// a second ordering, so they are refused rather than silently ignored.
package idpage

import (
	"context"
	"encoding/binary"

	"cosmossdk.io/collections"
	"cosmossdk.io/collections/indexes"
	errorsmod "cosmossdk.io/errors"
	"github.com/cosmos/cosmos-sdk/types/query"
)

// Source yields ids in descending order.
type Source interface {
	// Next returns the next id, or ok=false when there is none left.
	Next() (id uint64, ok bool, err error)
	Close() error
}

// iterSource adapts a collections iterator.
type iterSource struct {
	valid   func() bool
	advance func()
	key     func() (uint64, error)
	closer  func() error
	started bool
}

// Iter adapts an iterator that is already positioned on its first element
// and ordered by descending id.
func Iter(valid func() bool, advance func(), key func() (uint64, error), closer func() error) Source {
	return &iterSource{valid: valid, advance: advance, key: key, closer: closer}
}

func (s *iterSource) Next() (uint64, bool, error) {
	if s.started {
		s.advance()
	}
	s.started = true
	if !s.valid() {
		return 0, false, nil
	}
	id, err := s.key()
	return id, err == nil, err
}

func (s *iterSource) Close() error { return s.closer() }

// Records walks the ids in [lo, hi] of a map keyed by id, newest first.
func Records[V any](ctx context.Context, m interface {
	Iterate(context.Context, collections.Ranger[uint64]) (collections.Iterator[uint64, V], error)
}, lo, hi uint64,
) (Source, error) {
	it, err := m.Iterate(ctx, new(collections.Range[uint64]).StartInclusive(lo).EndInclusive(hi).Descending())
	if err != nil {
		return nil, err
	}
	return Iter(it.Valid, it.Next, it.Key, it.Close), nil
}

// PairKeys walks the ids in [lo, hi] under one prefix of a (reference, id)
// key set, newest first.
func PairKeys[R any](ctx context.Context, ks collections.KeySet[collections.Pair[R, uint64]], ref R, lo, hi uint64) (Source, error) {
	it, err := ks.Iterate(ctx, collections.NewPrefixedPairRange[R, uint64](ref).StartInclusive(lo).EndInclusive(hi).Descending())
	if err != nil {
		return nil, err
	}
	return Iter(it.Valid, it.Next, func() (uint64, error) {
		k, err := it.Key()
		return k.K2(), err
	}, it.Close), nil
}

// Multi walks the ids in [lo, hi] under one reference key of a Multi index,
// newest first.
func Multi[R, V any](ctx context.Context, m *indexes.Multi[R, uint64, V], ref R, lo, hi uint64) (Source, error) {
	it, err := m.Iterate(ctx, collections.NewPrefixedPairRange[R, uint64](ref).StartInclusive(lo).EndInclusive(hi).Descending())
	if err != nil {
		return nil, err
	}
	return Iter(it.Valid, it.Next, it.PrimaryKey, it.Close), nil
}

// mergeSource merges descending sources into one descending sequence.
type mergeSource struct {
	srcs  []Source
	heads []uint64
	live  []bool
}

// Merge merges descending sources into one descending sequence; it takes
// ownership of srcs (closing them on error and on Close).
func Merge(srcs []Source) (Source, error) {
	m := &mergeSource{srcs: srcs, heads: make([]uint64, len(srcs)), live: make([]bool, len(srcs))}
	for i := range srcs {
		if err := m.pull(i); err != nil {
			_ = CloseAll(srcs)
			return nil, err
		}
	}
	return m, nil
}

func (m *mergeSource) pull(i int) error {
	id, ok, err := m.srcs[i].Next()
	m.heads[i], m.live[i] = id, ok
	return err
}

func (m *mergeSource) Next() (uint64, bool, error) {
	best := -1
	for i, ok := range m.live {
		if ok && (best < 0 || m.heads[i] > m.heads[best]) {
			best = i
		}
	}
	if best < 0 {
		return 0, false, nil
	}
	id := m.heads[best]
	return id, true, m.pull(best)
}

func (m *mergeSource) Close() error { return CloseAll(m.srcs) }

// CloseAll closes every source and returns the first error.
func CloseAll(srcs []Source) error {
	var first error
	for _, s := range srcs {
		if err := s.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Limits are a query's default and maximum page sizes.
type Limits struct {
	Default, Max uint64
}

// ParsePage reads the id to continue from (def when the request has no key)
// and the page size; invalid is the module's error for bad requests.
func ParsePage(p *query.PageRequest, def uint64, limits Limits, invalid *errorsmod.Error) (start, limit uint64, err error) {
	start, limit = def, limits.Default
	if p == nil {
		return start, limit, nil
	}
	switch {
	case p.Offset != 0:
		return 0, 0, errorsmod.Wrap(invalid, "pagination.offset is not supported; use pagination.key")
	case p.CountTotal:
		return 0, 0, errorsmod.Wrap(invalid, "pagination.count_total is not supported")
	case p.Reverse:
		return 0, 0, errorsmod.Wrap(invalid, "pagination.reverse is not supported; results are newest first")
	}
	if len(p.Key) != 0 {
		if len(p.Key) != 8 {
			return 0, 0, errorsmod.Wrapf(invalid, "pagination.key must be 8 bytes, got %d", len(p.Key))
		}
		start = binary.BigEndian.Uint64(p.Key)
		if start == 0 {
			return 0, 0, errorsmod.Wrap(invalid, "pagination.key names id 0; ids start at 1")
		}
	}
	if p.Limit != 0 {
		limit = min(p.Limit, limits.Max)
	}
	return start, limit, nil
}

// NextKey is the cursor that continues a page at id.
func NextKey(id uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, id)
}

// Collect reads ids from src and keeps the records load accepts (ok=false
// skips a record that fails a residual filter), up to limit. The response's
// next key names the first accepted record beyond the page. It closes src.
func Collect[T any](src Source, limit uint64, load func(id uint64) (T, bool, error)) (out []T, page *query.PageResponse, err error) {
	defer func() {
		if cerr := src.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	out = make([]T, 0, min(limit, 16))
	page = &query.PageResponse{}
	for {
		id, ok, err := src.Next()
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			return out, page, nil
		}
		rec, keep, err := load(id)
		if err != nil {
			return nil, nil, err
		}
		if !keep {
			continue
		}
		if uint64(len(out)) == limit {
			page.NextKey = NextKey(id)
			return out, page, nil
		}
		out = append(out, rec)
	}
}

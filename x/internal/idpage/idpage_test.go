package idpage_test

import (
	"testing"

	errorsmod "cosmossdk.io/errors"
	"github.com/cosmos/cosmos-sdk/types/query"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/internal/idpage"
)

var errInvalid = errorsmod.Register("idpage_test", 2, "invalid request")

// slice is a Source over ids already in descending order.
type slice struct {
	ids    []uint64
	closed bool
}

func (s *slice) Next() (uint64, bool, error) {
	if len(s.ids) == 0 {
		return 0, false, nil
	}
	id := s.ids[0]
	s.ids = s.ids[1:]
	return id, true, nil
}

func (s *slice) Close() error { s.closed = true; return nil }

func TestMergeIsDescendingAndClosesAll(t *testing.T) {
	a, b, c := &slice{ids: []uint64{9, 4, 1}}, &slice{ids: []uint64{8, 7}}, &slice{}
	m, err := idpage.Merge([]idpage.Source{a, b, c})
	require.NoError(t, err)
	var got []uint64
	for {
		id, ok, err := m.Next()
		require.NoError(t, err)
		if !ok {
			break
		}
		got = append(got, id)
	}
	require.Equal(t, []uint64{9, 8, 7, 4, 1}, got)
	require.NoError(t, m.Close())
	require.True(t, a.closed && b.closed && c.closed)
}

func TestCollectPagesAndFilters(t *testing.T) {
	even := func(id uint64) (uint64, bool, error) { return id, id%2 == 0, nil }
	src := &slice{ids: []uint64{10, 9, 8, 7, 6, 5, 4}}
	out, page, err := idpage.Collect(src, 2, even)
	require.NoError(t, err)
	require.Equal(t, []uint64{10, 8}, out)
	require.Equal(t, idpage.NextKey(6), page.NextKey, "the next key names the first kept record beyond the page")
	require.True(t, src.closed)

	out, page, err = idpage.Collect(&slice{ids: []uint64{3, 2}}, 5, even)
	require.NoError(t, err)
	require.Equal(t, []uint64{2}, out)
	require.Nil(t, page.NextKey, "last page")
}

func TestParsePage(t *testing.T) {
	limits := idpage.Limits{Default: 100, Max: 1000}
	start, limit, err := idpage.ParsePage(nil, 77, limits, errInvalid)
	require.NoError(t, err)
	require.Equal(t, []uint64{77, 100}, []uint64{start, limit})

	start, limit, err = idpage.ParsePage(&query.PageRequest{Key: idpage.NextKey(42), Limit: 5000}, 77, limits, errInvalid)
	require.NoError(t, err)
	require.Equal(t, []uint64{42, 1000}, []uint64{start, limit}, "limits are capped, not refused")

	for name, req := range map[string]*query.PageRequest{
		"pagination.offset":      {Offset: 3},
		"pagination.count_total": {CountTotal: true},
		"pagination.reverse":     {Reverse: true},
		"must be 8 bytes":        {Key: []byte{1, 2}},
		"names id 0":             {Key: idpage.NextKey(0)},
	} {
		_, _, err := idpage.ParsePage(req, 77, limits, errInvalid)
		require.ErrorIs(t, err, errInvalid, name)
		require.ErrorContains(t, err, name)
	}
}

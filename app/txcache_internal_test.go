package app

import (
	"errors"
	"sync"
	"testing"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"
)

// fakeTx is a decoded transaction whose signers fail when bad is set.
type fakeTx struct {
	sdk.Tx
	body string
	bad  bool
}

func (t *fakeTx) GetSigners() ([][]byte, error) {
	if t.bad {
		return nil, errors.New("no signer")
	}
	return [][]byte{[]byte("signer")}, nil
}

// countingDecoder decodes "bad" to a transaction without signers, "err" to
// an error, anything else to a fakeTx, and counts its calls.
type countingDecoder struct {
	mu    sync.Mutex
	calls int
}

func (d *countingDecoder) decode(bz []byte) (sdk.Tx, error) {
	d.mu.Lock()
	d.calls++
	d.mu.Unlock()
	switch string(bz) {
	case "err":
		return nil, errors.New("undecodable")
	case "bad":
		return &fakeTx{body: "bad", bad: true}, nil
	}
	return &fakeTx{body: string(bz)}, nil
}

func (d *countingDecoder) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.calls
}

func TestDecodedTxCacheDecodeAndTake(t *testing.T) {
	d := &countingDecoder{}
	c := NewDecodedTxCache(d.decode, 1<<20)

	first, err := c.Decode([]byte("tx-a"))
	require.NoError(t, err)
	again, err := c.Decode([]byte("tx-a"))
	require.NoError(t, err)
	require.Same(t, first, again, "a second decode is a hit")
	require.Equal(t, 1, d.count())
	require.Equal(t, 1, c.Len())

	taken, err := c.Take([]byte("tx-a"))
	require.NoError(t, err)
	require.Same(t, first, taken, "FinalizeBlock gets the checked transaction")
	require.Zero(t, c.Len(), "and takes it out")
	fresh, err := c.Take([]byte("tx-a"))
	require.NoError(t, err)
	require.NotSame(t, first, fresh, "an executed transaction is never handed out again")
	require.Equal(t, 2, d.count())
	require.Zero(t, c.Len(), "Take does not keep what it decodes")
	require.Zero(t, c.bytes)
}

func TestDecodedTxCacheKeepsNoFailures(t *testing.T) {
	d := &countingDecoder{}
	c := NewDecodedTxCache(d.decode, 1<<20)
	_, err := c.Decode([]byte("err"))
	require.ErrorContains(t, err, "undecodable")
	tx, err := c.Decode([]byte("bad"))
	require.NoError(t, err, "the ante handler reports a signer error, not the decoder")
	require.True(t, tx.(*fakeTx).bad)
	require.Zero(t, c.Len())
}

// An entry that no re-check touches leaves at the second rotation; one that
// is touched after each commit stays.
func TestDecodedTxCacheRotation(t *testing.T) {
	d := &countingDecoder{}
	c := NewDecodedTxCache(d.decode, 1<<20)
	_, _ = c.Decode([]byte("waiting"))
	_, _ = c.Decode([]byte("evicted"))
	for range 3 {
		c.Rotate()
		_, _ = c.Decode([]byte("waiting")) // CometBFT's re-check
	}
	require.Equal(t, 1, c.Len())
	require.Equal(t, len("waiting"), c.bytes)
	require.Equal(t, 2, d.count(), "re-checks were hits")

	c.Rotate()
	_, err := c.Take([]byte("waiting"))
	require.NoError(t, err)
	require.Equal(t, 2, d.count(), "taken from the previous generation")
	require.Zero(t, c.Len())
	require.Zero(t, c.bytes)
}

func TestDecodedTxCacheByteBound(t *testing.T) {
	d := &countingDecoder{}
	c := NewDecodedTxCache(d.decode, 10)
	_, _ = c.Decode([]byte("123456"))
	_, _ = c.Decode([]byte("abcdef")) // 12 bytes would exceed 10: not kept
	require.Equal(t, 1, c.Len())
	_, _ = c.Decode([]byte("abcdef"))
	require.Equal(t, 3, d.count())
	_, _ = c.Take([]byte("123456"))
	_, _ = c.Decode([]byte("abcdef")) // room again
	require.Equal(t, 1, c.Len())
	require.Equal(t, 6, c.bytes)

	off := NewDecodedTxCache(d.decode, 0)
	_, _ = off.Decode([]byte("x"))
	_, _ = off.Decode([]byte("x"))
	require.Zero(t, off.Len())
}

// Preverify (gRPC goroutines) and the ABCI lane use the cache at once; run
// with -race.
func TestDecodedTxCacheConcurrentUse(t *testing.T) {
	d := &countingDecoder{}
	c := NewDecodedTxCache(d.decode, 1<<20)
	txs := [][]byte{[]byte("a"), []byte("b"), []byte("c"), []byte("d")}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				tx := txs[(w+i)%len(txs)]
				switch i % 7 {
				case 0:
					c.Rotate()
				case 1:
					_, _ = c.Take(tx)
				default:
					got, err := c.Decode(tx)
					require.NoError(t, err)
					require.Equal(t, string(tx), got.(*fakeTx).body)
				}
			}
		}()
	}
	wg.Wait()
	total := 0
	for _, e := range c.previous {
		total += e.size
	}
	for _, e := range c.current {
		total += e.size
	}
	require.Equal(t, total, c.bytes)
}

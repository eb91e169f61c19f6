package txindex

import (
	"encoding/hex"
	"math"
	"strconv"

	errorsmod "cosmossdk.io/errors"
	"github.com/cometbft/cometbft/libs/pubsub/query/syntax"
)

// Reserved query keys, as in CometBFT's event queries.
const (
	keyEvent  = "tm.event"
	keyHash   = "tx.hash"
	keyHeight = "tx.height"
)

// Query is a parsed transaction query: CometBFT's event query language
// (conditions joined by AND) restricted to what the index answers. Event
// attributes match by equality (message.sender='ship1...'), tx.height by
// =, <, <=, > and >=, tx.hash by equality; tm.event='Tx' is accepted and
// says nothing more.
type Query struct {
	hash                 []byte
	minHeight, maxHeight int64
	attrs                []attribute
	// none is a query no transaction can match (two hashes, an empty
	// height range).
	none bool
}

type attribute struct{ key, value string }

// ParseQuery parses a transaction query, naming what it cannot answer.
func ParseQuery(s string) (Query, error) {
	if s == "" {
		return Query{}, errorsmod.Wrap(ErrInvalidQuery, "the query is empty; for instance message.sender='ship1...'")
	}
	conditions, err := syntax.Parse(s)
	if err != nil {
		return Query{}, errorsmod.Wrap(ErrInvalidQuery, err.Error())
	}
	q := Query{minHeight: 1, maxHeight: math.MaxInt64}
	for _, c := range conditions {
		switch c.Tag {
		case keyEvent:
			if c.Op != syntax.TEq || c.Arg.Value() != "Tx" {
				return Query{}, errorsmod.Wrapf(ErrInvalidQuery, "%s: only %s='Tx' selects transactions", c, keyEvent)
			}
		case keyHash:
			hash, err := parseHashCondition(c)
			if err != nil {
				return Query{}, err
			}
			if q.hash != nil && string(q.hash) != string(hash) {
				q.none = true
			}
			q.hash = hash
		case keyHeight:
			if err := q.boundHeight(c); err != nil {
				return Query{}, err
			}
		default:
			if c.Op != syntax.TEq || (c.Arg.Type != syntax.TString && c.Arg.Type != syntax.TNumber) {
				return Query{}, errorsmod.Wrapf(ErrInvalidQuery,
					"%s: event attributes are matched by = with a string or a number; %s also takes <, <=, > and >=", c, keyHeight)
			}
			q.attrs = append(q.attrs, attribute{key: c.Tag, value: c.Arg.Value()})
		}
	}
	if q.minHeight > q.maxHeight {
		q.none = true
	}
	return q, nil
}

// UpTo is q restricted to transactions at or below height.
func (q Query) UpTo(height int64) Query {
	q.maxHeight = min(q.maxHeight, height)
	q.none = q.none || q.minHeight > q.maxHeight
	return q
}

func parseHashCondition(c syntax.Condition) ([]byte, error) {
	if c.Op != syntax.TEq || c.Arg.Type != syntax.TString {
		return nil, errorsmod.Wrapf(ErrInvalidQuery, "%s: %s is matched by = with a quoted hex hash", c, keyHash)
	}
	return ParseHash(c.Arg.Value())
}

// ParseHash decodes a transaction hash given as 64 hex digits.
func ParseHash(s string) ([]byte, error) {
	hash, err := hex.DecodeString(s)
	if err != nil || len(hash) != 32 {
		return nil, errorsmod.Wrapf(ErrInvalidHash, "%q is not 64 hex digits", s)
	}
	return hash, nil
}

// boundHeight narrows q's height range by a tx.height condition.
func (q *Query) boundHeight(c syntax.Condition) error {
	if c.Arg == nil || c.Arg.Type != syntax.TNumber {
		return errorsmod.Wrapf(ErrInvalidQuery, "%s: %s is compared with a block height", c, keyHeight)
	}
	h, err := strconv.ParseInt(c.Arg.Value(), 10, 64)
	if err != nil || h < 0 {
		return errorsmod.Wrapf(ErrInvalidQuery, "%s: %q is not a block height", c, c.Arg.Value())
	}
	switch c.Op {
	case syntax.TEq:
		q.minHeight, q.maxHeight = max(q.minHeight, h), min(q.maxHeight, h)
	case syntax.TLt:
		if h == 0 {
			q.none = true
			return nil
		}
		q.maxHeight = min(q.maxHeight, h-1)
	case syntax.TLeq:
		q.maxHeight = min(q.maxHeight, h)
	case syntax.TGt:
		if h == math.MaxInt64 {
			q.none = true
			return nil
		}
		q.minHeight = max(q.minHeight, h+1)
	case syntax.TGeq:
		q.minHeight = max(q.minHeight, h)
	default:
		return errorsmod.Wrapf(ErrInvalidQuery, "%s: %s takes =, <, <=, > or >=", c, keyHeight)
	}
	return nil
}

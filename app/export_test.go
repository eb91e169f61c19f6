package app

// AliasSignatureEntry files the cache entry of the transaction from under
// the bytes of to, with its account numbers shifted by accountNumberShift,
// so tests can tell whether CheckTx relies on an entry. It reports whether
// from had one.
func (c *SignatureCache) AliasSignatureEntry(chainID string, from, to []byte, accountNumberShift uint64) bool {
	entry, ok := c.has(txCacheKey(chainID, from))
	if !ok {
		return false
	}
	shifted := make([]cachedSigner, len(entry))
	for i, s := range entry {
		shifted[i] = cachedSigner{accountNumber: s.accountNumber + accountNumberShift, pubKey: s.pubKey}
	}
	c.add(txCacheKey(chainID, to), shifted)
	return true
}

// KeptVersion is the version whose view q keeps, 0 before the first query
// of the latest version, so tests can tell the kept view served a query.
func (q *QueryMultiStore) KeptVersion() int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.version
}

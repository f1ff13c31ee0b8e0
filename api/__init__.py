"""Lumbung's service side: the purchase and member API, the indexer and the settlement worker."""

"""Retrieval: hybrid dense + BM25 search, fusion, follow-up rewriting."""

"""The index: embeddings, the Chroma store, the BM25 index and incremental ingestion."""

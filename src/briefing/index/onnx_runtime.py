"""Sentence embeddings on ONNX Runtime + Hugging Face ``tokenizers`` (no torch).

This is the question path: importing it and loading a model takes well under a second,
against several seconds for torch + transformers + sentence-transformers. It reproduces
sentence-transformers' encode for Transformer + Pooling (+ Normalize) models: the same
tokenizer (``tokenizer.json`` saved by the export), truncation at the model's
``max_seq_length``, mean or CLS pooling over the attention mask, L2 normalisation.

Why not a wrapper library: sentence-transformers' ONNX backend and optimum import torch
(and cannot be installed beside transformers 5, see ``onnx_export.py``); fastembed
would add six dependencies for the same forty lines. ONNX Runtime and tokenizers are
both maintained and already installed (Chroma and transformers use them).

Usage::

    emb = OnnxEmbeddings(ensure_export(cache_dir, model), threads=1)
    emb.embed_query("Which firms got licences?")   # 384 floats, unit length
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from ..errors import ConfigError

_sessions: dict[tuple[str, int], object] = {}
_sessions_lock = threading.Lock()


def _session(model: Path, threads: int):  # type: ignore[no-untyped-def]
    """One InferenceSession per (model file, thread count) per process (run() is thread-safe)."""
    key = (str(model), threads)
    with _sessions_lock:
        if key not in _sessions:
            import onnxruntime as ort

            options = ort.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            # Idle worker threads sleep instead of spinning: the machine is shared.
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            options.log_severity_level = 3
            _sessions[key] = ort.InferenceSession(
                str(model), options, providers=["CPUExecutionProvider"]
            )
        return _sessions[key]


class OnnxEmbeddings:
    """LangChain's ``Embeddings`` interface (by shape: importing langchain-core costs a
    question 0.15 s) over an export folder made by ``onnx_export.export``.

    ``threads`` is ONNX Runtime's intra-op thread count (0 = all cores). Texts of a
    batch are sorted by token length before they are cut into ``batch_size`` pieces, so
    short texts are not padded to the longest one.
    """

    def __init__(self, folder: Path, *, threads: int = 1, batch_size: int = 32) -> None:
        import numpy as np
        from tokenizers import Tokenizer

        from .onnx_export import CONFIG_NAME

        threads = threads or (os.cpu_count() or 1)
        try:
            config = json.loads((folder / CONFIG_NAME).read_text())
            tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
            self._session = _session(folder / "model.onnx", threads)
        except Exception as exc:  # missing file, bad JSON or tokenizer, broken model
            raise ConfigError(
                f"the ONNX model in {folder} is unreadable ({exc}); delete the folder to "
                "export it again"
            ) from exc
        tokenizer.no_padding()
        tokenizer.enable_truncation(int(config["max_length"]))
        self.folder = folder
        self.config = config
        self.dimension = int(config.get("dimension") or 0)
        self._np = np
        self._tokenizer = tokenizer
        self._pad_id = tokenizer.token_to_id(config.get("pad_token") or "[PAD]") or 0
        self._inputs = list(config["inputs"])
        self._batch_size = max(1, batch_size)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        np = self._np
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=True)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.empty((len(texts), self.dimension or 1), dtype=np.float32)
        for start in range(0, len(order), self._batch_size):
            part = order[start : start + self._batch_size]
            vectors = self._run([encodings[i] for i in part])
            if out.shape[1] != vectors.shape[1]:
                out = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
                self.dimension = vectors.shape[1]
            out[part] = vectors
        return out.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    def _run(self, encodings):  # type: ignore[no-untyped-def]
        np = self._np
        width = max(len(e.ids) for e in encodings)
        feeds = {name: np.zeros((len(encodings), width), dtype=np.int64) for name in self._inputs}
        ids = feeds.get("input_ids")
        if ids is not None:
            ids.fill(self._pad_id)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, enc in enumerate(encodings):
            n = len(enc.ids)
            mask[row, :n] = 1
            if ids is not None:
                ids[row, :n] = enc.ids
            if "token_type_ids" in feeds:
                feeds["token_type_ids"][row, :n] = enc.type_ids
        if "attention_mask" in feeds:
            feeds["attention_mask"] = mask
        hidden = self._session.run(None, feeds)[0]
        if self.config["pooling"] == "cls":
            pooled = hidden[:, 0]
        else:
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        # The index always uses normalised vectors (a dot product is a cosine).
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

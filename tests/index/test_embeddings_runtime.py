"""The ONNX Runtime path: same vectors as sentence-transformers, no torch on the question
path, one export per model version, and sentence-transformers as the fallback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from briefing.config import Settings
from briefing.errors import ConfigError
from briefing.index import embeddings as embeddings_module
from briefing.index import onnx_export
from briefing.index.onnx_runtime import OnnxEmbeddings

REPO = Path(__file__).resolve().parents[2]


def corpus_paragraphs(limit: int = 64) -> list[str]:
    from briefing.corpus import load_corpus, split_paragraphs

    found = []
    for doc in load_corpus(REPO / "corpus").documents:
        for start, end in split_paragraphs(doc.text):
            text = doc.text[start:end].strip()
            if len(text) > 20:
                found.append(text)
    return found[:limit]


@pytest.mark.slow
def test_onnx_and_torch_embeddings_agree_to_1e_5(embeddings) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(embeddings, OnnxEmbeddings)  # the default runtime
    torch_model = embeddings_module.load_torch_embeddings(Settings(), threads=1)
    texts = [*corpus_paragraphs(), "Which firms got licences?", "x", "licence " * 400]
    onnx = np.asarray(embeddings.embed_documents(texts))
    ref = np.asarray(torch_model.embed_documents(texts))
    assert onnx.shape == ref.shape == (len(texts), 384)
    assert float(np.abs(onnx - ref).max()) <= 1e-5
    query = "How long are the general licences valid?"
    q_onnx, q_ref = (
        np.asarray(embeddings.embed_query(query)),
        np.asarray(torch_model.embed_query(query)),
    )
    assert float(np.abs(q_onnx - q_ref).max()) <= 1e-5
    # Order is kept although texts are sorted by length for batching.
    assert np.allclose(onnx[5], np.asarray(embeddings.embed_query(texts[5])), atol=1e-6)


ASK_WITHOUT_TORCH = """
import json, sys
from briefing.config import Settings, apply_runtime_defaults
apply_runtime_defaults()
from briefing.index import onnx_runtime
embedded = []
real = onnx_runtime.OnnxEmbeddings.embed_documents
def spy(self, texts):
    embedded.extend(texts)
    return real(self, texts)
onnx_runtime.OnnxEmbeddings.embed_documents = spy
from briefing.assistant import Assistant
assistant = Assistant(Settings())
assistant.index.ensure_ready()
embedded.clear()  # what the start-up ingest embedded (the first run) is not the question's
question = "Where is JL Mag based?"
answer = assistant.ask(question)
heavy = [m for m in ("torch", "transformers", "sentence_transformers") if m in sys.modules]
sentences = [t for t in embedded if t != question and len(t.split()) > 3]
print(json.dumps({"heavy": heavy, "text": answer.text, "sentences": sentences,
                  "langchain": "langchain_core" in sys.modules}))
"""


@pytest.mark.slow
def test_answering_a_question_imports_no_torch_and_embeds_no_sentence(
    tmp_path: Path, corpus_copy: Path
) -> None:
    env = {
        **os.environ,
        "BRIEFING_CORPUS_DIR": str(corpus_copy),
        "BRIEFING_DATA_DIR": str(tmp_path / "data"),
    }
    runs = []
    for _ in range(2):  # the first also ingests; the second starts on the built index
        done = subprocess.run(
            [sys.executable, "-c", ASK_WITHOUT_TORCH],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    for run in runs:
        assert run["heavy"] == []
        assert "Ganzhou" in run["text"]
        # The ingest stored every sentence's vector: a question embeds only itself (and
        # a few 1-3 word phrases), never a sentence of its passages.
        assert run["sentences"] == []
    # On a built index nothing imports LangChain (0.15 s of every `briefing ask`).
    assert runs[1]["langchain"] is False


def test_model_key_follows_the_model_files(tmp_path: Path) -> None:
    model = tmp_path / "model"
    (model / "1_Pooling").mkdir(parents=True)
    (model / "config.json").write_text("{}")
    (model / "1_Pooling" / "config.json").write_text('{"pooling": "mean"}')
    key = onnx_export.model_key(model)
    assert onnx_export.model_key(model) == key  # stat only: stable
    (model / "config.json").write_text('{"hidden": 1}')
    changed = onnx_export.model_key(model)
    assert changed != key
    (model / "extra.bin").write_bytes(b"1")
    assert onnx_export.model_key(model) not in (key, changed)
    cache = tmp_path / "cache"
    assert onnx_export.export_dir(cache, model).parent == cache
    assert not onnx_export.is_exported(onnx_export.export_dir(cache, model))


def test_settings_place_the_export_in_data_dir_unless_told(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("BRIEFING_MODEL_CACHE_DIR")  # set for the test session
    assert Settings(data_dir=tmp_path).resolved_model_cache_dir == tmp_path / "models"
    other = tmp_path / "elsewhere"
    assert Settings(data_dir=tmp_path, model_cache_dir=other).resolved_model_cache_dir == other


@pytest.mark.slow
def test_the_cached_export_is_reused_without_torch(embeddings, model_cache: Path) -> None:  # type: ignore[no-untyped-def]
    folder = embeddings.folder
    assert folder.parent == model_cache
    config = json.loads((folder / onnx_export.CONFIG_NAME).read_text())
    assert config["max_length"] == 256 and config["pooling"] == "mean"
    assert config["versions"]["torch"].startswith("2.13.0")
    for part in folder.iterdir():  # readable by every user of a shared cache
        assert part.stat().st_mode & 0o044 == 0o044, part
    stamp = (folder / "model.onnx").stat().st_mtime_ns
    code = (
        "import sys\n"
        "from briefing.config import Settings\n"
        "from briefing.index.embeddings import load_embeddings\n"
        "e = load_embeddings(Settings(embedding_runtime='onnx'))\n"
        "print(type(e).__name__, 'torch' in sys.modules, e.folder)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["OnnxEmbeddings", "False", str(folder)]
    assert (folder / "model.onnx").stat().st_mtime_ns == stamp  # not exported again


def test_auto_falls_back_to_sentence_transformers(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    def broken(settings, threads=None):  # type: ignore[no-untyped-def]
        raise ConfigError("the ONNX export failed for a reason")

    sentinel = object()
    monkeypatch.setattr(embeddings_module, "load_onnx_embeddings", broken)
    monkeypatch.setattr(
        embeddings_module, "load_torch_embeddings", lambda s, threads=None: sentinel
    )
    auto = Settings(data_dir=tmp_path, embedding_runtime="auto")
    assert embeddings_module.load_embeddings(auto) is sentinel
    strict = Settings(data_dir=tmp_path, embedding_runtime="onnx")
    with pytest.raises(ConfigError, match="embedding_runtime 'onnx'.*export failed"):
        embeddings_module.load_embeddings(strict)


def test_an_unreadable_export_is_a_config_error_naming_the_folder(tmp_path: Path) -> None:
    (tmp_path / onnx_export.CONFIG_NAME).write_text("{not json")
    with pytest.raises(ConfigError, match=str(tmp_path)):
        OnnxEmbeddings(tmp_path)


def test_the_export_is_fused_for_onnx_runtime(embeddings) -> None:  # type: ignore[no-untyped-def]
    import onnx

    graph = onnx.load(str(embeddings.folder / "model.onnx"), load_external_data=False).graph
    ops = [node.op_type for node in graph.node]
    # One fused attention per layer (six in all-MiniLM-L6-v2), not the matmul/softmax chain.
    assert ops.count("Attention") == 6
    assert "Softmax" not in ops
    assert ops.count("SkipLayerNormalization") == 12

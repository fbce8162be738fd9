"""The facade end to end: real corpus, real Chroma, real MiniLM, offline answerer."""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from briefing import Answer, AnswerDelta, Assistant, Settings
from briefing.corpus import load_corpus
from briefing.errors import QuestionError, UploadError

CORPUS = Path(__file__).resolve().parents[1] / "corpus"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    root = tmp_path_factory.mktemp("assistant")
    shutil.copytree(CORPUS, root / "corpus")
    a = Assistant(Settings(corpus_dir=root / "corpus", data_dir=root / "data"))
    yield a
    a.close()


@pytest.fixture(scope="module")
def doc_texts(assistant: Assistant) -> dict[str, str]:
    return {d.id: d.text for d in load_corpus(assistant.settings.corpus_dir).documents}


def test_answer_cites_exact_spans_of_its_documents(assistant, doc_texts) -> None:
    answer = assistant.ask("Which companies received the first general licences?")
    assert not answer.abstained
    assert answer.citations, answer
    for c in answer.citations:
        assert doc_texts[c.doc_id][c.start : c.end] == c.quote
        assert f"[{c.marker}]" in answer.text
    assert "JL Mag" in answer.text
    assert set(answer.timings_ms) >= {"rewrite", "retrieve", "answer", "total"}
    json.dumps(answer.to_dict())  # serialisable


def test_answer_carries_the_passages_it_was_built_from(assistant) -> None:
    """The eval runner scores retrieval on ``answer.passages`` instead of retrieving again."""
    chat = assistant.conversation()
    chat.ask("What did China's Announcement No. 70 suspend?")
    follow = chat.ask("Until when?")
    again = assistant.retrieve(follow.standalone_question)
    assert len(follow.passages) == assistant.settings.retrieval.top_k
    assert [p.chunk.id for p in follow.passages] == [p.chunk.id for p in again]
    data = follow.to_dict()
    assert "passages" not in data and data["citations"]  # the web /ask and --json payload
    json.dumps(data)


def test_out_of_scope_question_abstains_with_nearest_sources(assistant) -> None:
    answer = assistant.ask("What is the capital of France?")
    assert answer.abstained
    assert not answer.citations and "Paris" not in answer.text
    assert answer.nearest and answer.reason


def test_absent_profile_details_are_refused_and_present_ones_answered(assistant) -> None:
    assert assistant.ask("When was Zhong Ke San Huan founded?").abstained
    assert assistant.ask("What's JL Mag's share price right now?").abstained
    founded = assistant.ask("When was JL Mag founded?")
    assert not founded.abstained and "2008" in founded.text


def test_the_other_two_are_found_in_the_corpus(assistant) -> None:
    chat = assistant.conversation()
    chat.ask("How wide is JL Mag's licence?")
    follow = chat.ask("What about the other two?")
    assert "Ningbo Yunsheng" in follow.standalone_question
    assert "Zhong Ke San Huan" in follow.standalone_question
    assert "(context:" not in follow.standalone_question
    assert "Ningbo Yunsheng" in follow.text and not follow.abstained


def test_follow_up_is_rewritten_with_the_conversation(assistant) -> None:
    chat = assistant.conversation()
    first = chat.ask("What did China's Announcement No. 70 suspend?")
    follow = chat.ask("Until when?")
    assert first.standalone_question == first.question
    assert follow.question == "Until when?"
    assert follow.standalone_question != follow.question
    assert "No. 70" in follow.standalone_question
    assert "2026" in follow.text
    assert len(chat.history) == 2
    chat.reset()
    assert chat.history == []


def test_stream_yields_text_then_one_final_answer(assistant) -> None:
    events = list(assistant.stream("What share of refining capacity does China control?"))
    assert isinstance(events[-1], Answer)
    assert all(isinstance(e, AnswerDelta) for e in events[:-1])
    assert "".join(e.text for e in events[:-1]).strip() == events[-1].text.strip()


@pytest.mark.parametrize("question", ["", "   \n\t", "x" * 5000, None])
def test_bad_questions_are_rejected_with_a_clear_error(assistant, question) -> None:
    with pytest.raises(QuestionError) as err:
        assistant.ask(question)  # type: ignore[arg-type]
    assert str(err.value)


def test_filters_restrict_the_documents_used(assistant) -> None:
    from briefing import RetrievalFilter

    only = RetrievalFilter(doc_ids=("licensed-companies",))
    passages = assistant.retrieve("Which firms got licences?", filters=only)
    assert passages and {p.chunk.doc_id for p in passages} == {"licensed-companies"}
    profiles = assistant.retrieve("licences", filters=RetrievalFilter(kinds=("profile",)))
    assert {p.chunk.kind for p in profiles} == {"profile"}


def test_concurrent_users_get_the_same_answers_as_one_user(assistant) -> None:
    questions = [
        "Which companies received the first general licences?",
        "When was the Busan summit?",
        "What is the capital of France?",
        "How many rare earths are controlled after No. 57?",
    ] * 3
    sequential = {q: assistant.ask(q).text for q in questions[:4]}
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda q: (q, assistant.ask(q).text), questions))
    for q, text in results:
        assert text == sequential[q]


def test_add_document_indexes_it_and_rejects_bad_uploads(assistant) -> None:
    before = {d.doc_id for d in assistant.documents()}
    note = (
        "---\nid: test-upload-note\ntitle: Upload test note\nkind: analysis\n"
        "published: '2026-01-05'\nsources: [{name: Test desk, url: ''}]\n---\n"
        "The zorblatt quota for rare earths was set at 17 tonnes in January 2026.\n"
    )
    report = assistant.add_document("upload note.md", note.encode())
    assert report.added >= 1
    assert {d.doc_id for d in assistant.documents()} == before | {"test-upload-note"}
    answer = assistant.ask("What was the zorblatt quota set at?")
    assert "17 tonnes" in answer.text

    with pytest.raises(UploadError, match="not accepted"):
        assistant.add_document("tool.exe", b"MZ\x00\x00")
    with pytest.raises(UploadError, match="over the limit"):
        assistant.add_document("big.txt", b"a" * (assistant.settings.web.max_upload_bytes + 1))
    with pytest.raises(UploadError, match="binary|no readable text"):
        assistant.add_document("blob.txt", b"\x00\x01\x02 binary")
    with pytest.raises(UploadError, match="already in the corpus"):
        assistant.add_document("upload-note.md", note.encode())
    # A second file reusing an id is refused and removed again: the corpus stays loadable.
    with pytest.raises(UploadError, match="'test-upload-note' is already used"):
        assistant.add_document("other.md", note.encode())
    assert not (assistant.settings.corpus_dir / "other.md").exists()
    load_corpus(assistant.settings.corpus_dir)


def test_langchain_retriever_adapter(assistant) -> None:
    docs = assistant.as_retriever(k=3).invoke("Which firms got licences?")
    assert len(docs) == 3
    assert all(d.metadata["doc_id"] and d.page_content for d in docs)


def test_warm_up_loads_the_model_and_index(tmp_path) -> None:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    fresh = Assistant(Settings(corpus_dir=tmp_path / "corpus", data_dir=tmp_path / "data"))
    assert not fresh.embeddings.loaded
    fresh.warm_up()
    assert fresh.embeddings.loaded
    assert fresh.status().chunks > 0 and fresh.status().lexical_in_step
    fresh.close()


def test_the_retriever_is_built_once(assistant) -> None:
    retriever = assistant.retriever
    assistant.ask("Which firms got licences?")
    assistant.retrieve("How long are the licences valid?")
    assert assistant.retriever is retriever


def test_source_profiles_are_built_once_per_index_version(assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Naming a source ("according to Reuters") must not scan every chunk per question."""
    import briefing.retrieval.index_search as index_search

    calls: list[int] = []
    real = index_search.profiles_from_chunks
    monkeypatch.setattr(index_search, "profiles_from_chunks", lambda c: calls.append(1) or real(c))
    assistant.retriever._open.profile_cache.clear()  # type: ignore[attr-defined]
    for question in (
        "According to Reuters, which firms got licences?",
        "What did the news article say about the licences?",
        "Per MOFCOM, how long are the licences valid?",
    ):
        assert assistant.retrieve(question)
    assert len(calls) == 1

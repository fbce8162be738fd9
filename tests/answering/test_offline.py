"""The offline answerer on hand-made passages with a deterministic bag-of-words embedding.

The fake embedding (briefing.testing.HashingEmbeddings) hashes stemmed content words into
a normalised vector, so cosine
similarity is word overlap: enough to test selection, answer types, disagreement,
abstention, citation spans, the word cap and streaming without loading a model.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from briefing.answering.model import AnswererModel, load_model
from briefing.answering.offline import OfflineAnswerer
from briefing.testing import HashingEmbeddings
from briefing.types import Answer, AnswerDelta, Chunk, Passage

DOCS: dict[str, tuple[str, str]] = {
    # doc_id: (source, text)
    "licences": (
        "Reuters",
        "# First general licences\n\n"
        "China granted its first general licences on 2 December 2025.\n"
        "JL Mag received a general licence that covers nearly all of its customers.\n"
        "Reuters reported that the first general licences last one year.\n"
        "Did you know?\n"
        "Comments (0)\n",
    ),
    "licensees": (
        "Trade press",
        "Ningbo Yunsheng and Zhong Ke San Huan received general licences that cover only "
        "some of their customers.\n"
        "Both makers sell magnets to carmakers in Europe.\n",
    ),
    "article": (
        "unknown publisher (source article)",
        "The framework extends general licence validity to three years for qualifying "
        "companies.\n"
        "Analysts say the general licence regime balances commercial interests.\n",
    ),
    "prices": (
        "Argus",
        "European dysprosium oxide prices reached $700-1,000/kg in May 2025.\n"
        "NdFeB (neodymium-iron-boron) magnets drive electric-vehicle motors.\n",
    ),
    "suspension": (
        "MOFCOM",
        "Announcement No. 70 suspends the October export measures on rare earths.\n"
        "The suspension of the October measures runs until 10 November 2026.\n"
        "Officials described the suspension of the October measures as a goodwill gesture "
        "that keeps the measures under study.\n",
    ),
}


def passage(doc_id: str, rank: int = 0) -> Passage:
    source, text = DOCS[doc_id]
    start = text.index("\n\n") + 2 if text.startswith("#") else 0
    chunk = Chunk(
        id=f"{doc_id}-0",
        doc_id=doc_id,
        text=text[start:],
        start=start,
        end=len(text),
        heading_path=(),
        ordinal=0,
        title=doc_id.title(),
        kind="news",
        published="2025-12-02",
        source=source,
        url="",
    )
    return Passage(chunk=chunk, score=1.0 / (1 + rank))


def passages(*doc_ids: str) -> list[Passage]:
    return [passage(d, i) for i, d in enumerate(doc_ids)]


@pytest.fixture
def fake() -> HashingEmbeddings:
    return HashingEmbeddings()


@pytest.fixture
def answerer(fake: HashingEmbeddings) -> OfflineAnswerer:
    return OfflineAnswerer(fake)


def check_citations(answer: Answer) -> None:
    """Spans exact, one citation per marker, markers 1..n in order of appearance."""
    for citation in answer.citations:
        assert DOCS[citation.doc_id][1][citation.start : citation.end] == citation.quote
    markers = [int(m) for m in re.findall(r"\[(\d+)\]", answer.text)]
    first_use = list(dict.fromkeys(markers))
    assert first_use == list(range(1, len(answer.citations) + 1))
    assert [c.marker for c in answer.citations] == first_use
    for statement in answer.statements:
        assert statement.markers and statement.supported is True
        quotes = [answer.citation(m).quote for m in statement.markers]  # type: ignore[union-attr]
        if len(statement.markers) == 1:  # a quoted sentence (attributed or not)
            assert quotes[0] in statement.text or statement.text.endswith(quotes[0][1:])
        else:  # a list lead: every item is an exact span of one of its cited sentences
            items = re.split(r"; and |; |, and | and |, ", statement.text.rstrip("."))
            assert all(any(item in q for q in quotes) for item in items)


def test_when_question_prefers_the_dated_sentence(answerer: OfflineAnswerer) -> None:
    answer = answerer.answer(
        "When were the first general licences granted?", passages("licences", "article")
    )
    assert not answer.abstained
    assert "2 December 2025" in answer.statements[0].text
    assert answer.backend == "offline"
    check_citations(answer)


def test_list_question_gathers_names_across_passages(answerer: OfflineAnswerer) -> None:
    answer = answerer.answer(
        "Which companies received general licences?", passages("licences", "licensees")
    )
    assert not answer.abstained
    for name in ("JL Mag", "Ningbo Yunsheng", "Zhong Ke San Huan"):
        assert name in answer.text
    assert {c.doc_id for c in answer.citations} == {"licences", "licensees"}
    check_citations(answer)


def test_disagreeing_sources_are_both_shown_and_cited(answerer: OfflineAnswerer) -> None:
    answer = answerer.answer(
        "How long do the general licences last?", passages("licences", "article")
    )
    assert not answer.abstained
    one = next(s for s in answer.statements if "one year" in s.text)
    three = next(s for s in answer.statements if "three years" in s.text)
    assert one.markers != three.markers
    cited = {answer.citation(s.markers[0]).doc_id for s in (one, three)}  # type: ignore[union-attr]
    assert cited == {"licences", "article"}
    # The article's sentence names no source of its own, so it is attributed.
    assert three.text.startswith("According to unknown publisher (source article), the")
    assert "disagree" in answer.reason
    check_citations(answer)


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("What is the capital of France?", "france"),
        ("Did India receive a general licence?", "india"),
        ("How do I bake sourdough bread at home?", "similarity"),
    ],
)
def test_abstains_without_evidence(answerer: OfflineAnswerer, question: str, reason: str) -> None:
    answer = answerer.answer(question, passages("licences", "suspension", "article"))
    assert answer.abstained
    assert reason in answer.reason
    assert answer.text and "[" not in answer.text
    assert answer.statements == () and answer.citations == ()
    assert 1 <= len(answer.nearest) <= 3
    for citation in answer.nearest:
        assert DOCS[citation.doc_id][1][citation.start : citation.end] == citation.quote


def test_abstains_without_passages(answerer: OfflineAnswerer) -> None:
    answer = answerer.answer("Which companies received general licences?", [])
    assert answer.abstained and answer.nearest == ()


def _with_thresholds(**values: float) -> AnswererModel:
    model = load_model()
    return replace(model, thresholds=replace(model.thresholds, **values))


def test_the_fitted_thresholds_decide(fake: HashingEmbeddings) -> None:
    question = "What does the suspension of the October measures do?"
    strict = OfflineAnswerer(fake, model=_with_thresholds(answer=1.0))
    refused = strict.answer(question, passages("suspension"))
    assert refused.abstained and "P(answerable)" in refused.reason
    assert not OfflineAnswerer(fake).answer(question, passages("suspension")).abstained


def test_page_furniture_is_never_quoted(answerer: OfflineAnswerer) -> None:
    answer = answerer.answer("Did you know about the general licences?", passages("licences"))
    quotes = [c.quote for c in answer.citations]
    assert "Did you know?" not in quotes and "Comments (0)" not in quotes


def test_repeated_sentence_is_quoted_once(answerer: OfflineAnswerer) -> None:
    answer = answerer.answer(
        "How long does the suspension of the October measures run?",
        [passage("suspension", 0), passage("suspension", 1)],
    )
    assert not answer.abstained
    assert "10 November 2026" in answer.statements[0].text
    assert len({c.quote for c in answer.citations}) == len(answer.citations)
    check_citations(answer)


def test_word_cap_limits_long_answers(fake: HashingEmbeddings) -> None:
    text = (
        "The steel tariff rose to 25 percent on imports from Canada last spring.\n"
        "A copper tariff of 10 percent applies to cathodes shipped from Chile.\n"
        "The grain tariff was cut for wheat and barley arriving from Ukraine.\n"
        "Textile tariff quotas limit cotton shirts sourced from Bangladesh.\n"
        "A timber tariff targets softwood lumber milled in Finland.\n"
    )
    chunk = Chunk("t-0", "tariffs", text, 0, len(text), (), 0, "Tariffs", "news", "", "X", "")
    question = "Which products does each tariff list?"
    lenient = _with_thresholds(answer=0.0, extra=0.0, extra_share=0.0)
    given = [Passage(chunk, 1.0)]
    capped = OfflineAnswerer(fake, max_words=40, model=lenient).answer(question, given)
    words = len(re.sub(r"\[\d+\]", "", capped.text).split())
    assert not capped.abstained and words <= 40
    roomy = OfflineAnswerer(fake, max_words=200, model=lenient).answer(question, given)
    assert len(roomy.statements) > len(capped.statements)


def test_stream_yields_deltas_then_the_same_answer(answerer: OfflineAnswerer) -> None:
    question = "Which companies received general licences?"
    given = passages("licences", "licensees")
    events = list(answerer.stream(question, given))
    *deltas, final = events
    assert deltas and all(isinstance(d, AnswerDelta) for d in deltas)
    assert isinstance(final, Answer)
    assert "".join(d.text for d in deltas) == final.text
    assert final == answerer.answer(question, given)


def test_stream_of_an_abstention(answerer: OfflineAnswerer) -> None:
    events = list(answerer.stream("What is the capital of France?", passages("licences")))
    assert [type(e) for e in events] == [AnswerDelta, Answer]
    assert events[-1].abstained and events[0].text == events[-1].text  # type: ignore[union-attr]


def test_warm_query_embeds_only_the_question(fake: HashingEmbeddings) -> None:
    answerer = OfflineAnswerer(fake)
    given = passages("licences", "licensees", "suspension")
    answerer.answer("Which companies received general licences?", given)
    embedded, queries = fake.documents_embedded, fake.query_calls
    assert embedded > 0
    answerer.answer("How long does the suspension run?", given)
    # Only the new question and its own words ("suspension", "run") are embedded.
    assert fake.documents_embedded - embedded <= 2
    assert fake.query_calls == queries + 1


def test_cache_is_bounded(fake: HashingEmbeddings) -> None:
    answerer = OfflineAnswerer(fake, cache_size=2)
    given = passages("licences", "suspension")
    answerer.answer("How long does the suspension run?", given)
    embedded = fake.documents_embedded
    answerer.answer("How long does the suspension run?", given)
    assert fake.documents_embedded > embedded  # evicted, so embedded again


def test_rules_refuse_off_topic_and_absent_units(answerer: OfflineAnswerer) -> None:
    price = answerer.answer(
        "What price did the suspension of the October measures fetch?", passages("suspension")
    )
    assert price.abstained and "figure" in price.text
    assert "unit_fit" in price.reason
    unrelated = answerer.answer("How do I bake sourdough bread at home?", passages("suspension"))
    assert unrelated.abstained and "similarity" in unrelated.reason


def test_a_figure_about_another_element_does_not_answer(answerer: OfflineAnswerer) -> None:
    neodymium = answerer.answer("What was the price of neodymium oxide in May?", passages("prices"))
    assert neodymium.abstained and '"neodymium"' in neodymium.reason
    dysprosium = answerer.answer("What did dysprosium oxide cost in May?", passages("prices"))
    assert '"dysprosium"' not in dysprosium.reason


def test_a_figure_about_something_else_does_not_answer(answerer: OfflineAnswerer) -> None:
    """The sentence naming JL Mag gives no price; the one giving a price is about
    dysprosium: the question's names must be in a sentence stating the figure asked for."""
    cost = answerer.answer("How much did JL Mag's licence cost?", passages("licences", "prices"))
    assert cost.abstained and '"JL Mag"' in cost.text, cost.reason
    dysprosium = answerer.answer("What did dysprosium oxide cost in May?", passages("prices"))
    assert not dysprosium.abstained and "$700-1,000/kg" in dysprosium.text


def test_why_did_without_a_stated_cause_is_refused(answerer: OfflineAnswerer) -> None:
    why = answerer.answer("Why did JL Mag receive a general licence?", passages("licences"))
    assert why.abstained and why.text == "The corpus does not say why.", why.reason
    # present tense: answered by what something does, not by a cause word
    what_for = answerer.answer("Why are NdFeB magnets important?", passages("prices"))
    assert "'why did'" not in what_for.reason

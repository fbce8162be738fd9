"""The chat as an API through gradio_client (the snippet documented in the README)."""

from __future__ import annotations

import pytest
from webkit import Served

pytestmark = pytest.mark.slow


def test_ask_endpoint_returns_the_answer_dict_and_keeps_a_conversation(served: Served) -> None:
    from gradio_client import Client

    client = Client(served.url, verbose=False)
    try:
        first = client.predict(
            "Which companies received the first general licences?", api_name="/ask"
        )
        assert first["abstained"] is False
        assert "JL Mag" in first["text"]
        assert first["citations"] and "[1]" in first["text"]
        assert {"marker", "doc_id", "title", "quote", "url"} <= set(first["citations"][0])

        follow = client.predict("How long do those licences last?", api_name="/ask")
        assert follow["question"] == "How long do those licences last?"
        assert follow["standalone_question"] != follow["question"]  # rewritten with history

        client.predict(api_name="/new_conversation")
        cold = client.predict("How long do those licences last?", api_name="/ask")
        assert cold["standalone_question"] == cold["question"]

        bad = client.predict("   ", api_name="/ask")
        assert bad["error_type"] == "QuestionError" and bad["error"]
    finally:
        client.close()


def test_a_second_client_has_its_own_history(served: Served) -> None:
    from gradio_client import Client

    one, two = Client(served.url, verbose=False), Client(served.url, verbose=False)
    try:
        one.predict("Which companies received the first general licences?", api_name="/ask")
        lone = two.predict("How long do those licences last?", api_name="/ask")
        assert lone["standalone_question"] == lone["question"]
    finally:
        one.close()
        two.close()


def test_ui_events_are_not_part_of_the_public_api(served: Served) -> None:
    from gradio_client import Client

    client = Client(served.url, verbose=False)
    try:
        names = set(client.view_api(print_info=False, return_format="dict")["named_endpoints"])
        assert names == {"/ask", "/new_conversation", "/brief"}
    finally:
        client.close()


def test_brief_endpoint_returns_a_dated_timeline_with_citations(served: Served) -> None:
    from gradio_client import Client

    client = Client(served.url, verbose=False)
    try:
        brief = client.predict("the general licences", "timeline", "", "", api_name="/brief")
        points = brief["points"]
        assert brief["kind"] == "timeline" and points and all(p["citations"] for p in points)
        dates = [p["date"]["start"] for p in points if p["date"]]
        assert dates == sorted(dates)
        bad = client.predict("", "horoscope", "", "", api_name="/brief")
        assert bad["error_type"] and bad["error"]
    finally:
        client.close()

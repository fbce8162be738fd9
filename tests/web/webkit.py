"""Shared helpers for the web tests (imported as ``webkit``)."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"
OUTPUT = REPO / "test-output"


@dataclass
class Served:
    """A running web app: its URL, settings and the Assistant behind it."""

    url: str
    settings: object
    assistant: object


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])

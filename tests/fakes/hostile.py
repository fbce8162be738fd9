"""Hostile inputs shared by the corpus tests and the reliability suite."""

from __future__ import annotations


def billion_laughs(levels: int = 9) -> str:
    """The 500-byte front matter that took 119 s and 1.17 GB to parse."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "---\nid: laughs\ntitle: Laughs\nkind: news\n" + "\n".join(lines) + "\n---\nBody.\n"

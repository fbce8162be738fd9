"""Imports flow one way: a module may import its own layer and the layers below it.

Every module under ``src/briefing`` is read with ``ast`` (nothing is imported), each
``import``/``from ... import`` is resolved to a ``briefing`` module, and an import of a
higher layer, or of another package on the same layer, is a violation. Imports under
``if TYPE_CHECKING:`` count too: a type hint from a higher layer is still a dependency
on it (pass a Protocol from a lower layer instead).

The test lists every violation at once. ``KNOWN`` holds the ones that other parts of
issue 12 remove; it must shrink to empty, and an entry that no longer occurs fails too.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "briefing"

# (rank, group): a module may import a lower rank, or its own group.
LAYERS: dict[str, tuple[int, str]] = {
    "types": (0, "base"),
    "config": (0, "base"),
    "errors": (0, "base"),
    "text": (0, "base"),
    "logs": (0, "base"),
    "input": (0, "base"),  # checks of user input (questions)
    "timing": (0, "base"),
    "idioms": (0, "base"),  # plain wording of idioms ("put on hold"), for retrieval and answering
    "config_sections": (0, "base"),
    "config_doc": (0, "base"),
    "protocols": (0, "base"),  # the Answerer and QueryRewriter seams
    "briefing_records": (0, "base"),  # Briefing and its parts, typed like types.py
    # Backends and rewriters by name: config validates ``backend`` against it, so it is
    # base; its factories are "module:attr" strings resolved only when a backend is built.
    "registry": (0, "base"),
    # Staff ratings of answers (JSONL) and their export as draft eval cases: used by the
    # web chat and by `briefing feedback export`; depends on types and errors only.
    "feedback": (1, "feedback"),
    "corpus": (1, "corpus"),
    "index": (2, "index"),
    "retrieval": (3, "retrieval"),
    "grounding": (4, "grounding"),
    # The neutral LLM-client module (chat model, calls) the backends helper creates
    # sits beside grounding, so retrieval/llm_rewrite need not import answering.
    "llm": (4, "llm"),
    "answering": (5, "answering"),
    "briefings": (6, "briefings"),
    "evaluation": (7, "evaluation"),
    "fitting": (7, "evaluation"),  # fits the answerer on the eval datasets and metrics
    "assistant": (8, "assistant"),
    "conversation": (8, "assistant"),  # a history bound to the facade
    "testing": (9, "testing"),
    "web": (9, "web"),
    # Commands build the web app (``serve``) through its public ``briefing.web`` API.
    "commands": (10, "commands"),
    "cli": (11, "cli"),
    "__init__": (12, "package"),
}

# Packages whose inside is private: other layers import only these entry modules.
ENTRY_POINTS = {"briefing.web": {"briefing.web", "briefing.web.app"}}

# Violations tolerated for now, each with its reason. Empty, and it must stay so: an
# entry that no longer occurs fails too.
KNOWN: set[tuple[str, str]] = set()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def resolve(path: Path, node: ast.ImportFrom | ast.Import) -> list[str]:
    """The ``briefing`` modules one import statement names."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "briefing"]
    if node.level:
        base = module_name(path).split(".")
        if not is_package(path):
            base.pop()
        base = base[: len(base) - (node.level - 1)]
        pkg = ".".join(base + ([node.module] if node.module else []))
    else:
        pkg = node.module or ""
    if pkg.split(".")[0] != "briefing":
        return []
    names = []
    for alias in node.names:
        sub = f"{pkg}.{alias.name}"
        target = SRC / Path(*sub.split("."))
        names.append(sub if target.with_suffix(".py").exists() or target.is_dir() else pkg)
    return names


def layer(module: str) -> tuple[int, str]:
    parts = module.split(".")
    key = parts[1] if len(parts) > 1 else "__init__"
    assert key in LAYERS, f"{module}: unknown layer {key!r}; add it to LAYERS in {__file__}"
    return LAYERS[key]


def entry_point(target: str) -> bool:
    package = ".".join(target.split(".")[:2])
    return target in ENTRY_POINTS.get(package, {target})


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.update(resolve(path, node))
    return found


def violations() -> set[tuple[str, str]]:
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        rank, group = layer(module)
        for target in imports(path):
            if target == "briefing" and module != "briefing":
                found.add((module, target))  # the package root re-exports the facade
                continue
            their_rank, their_group = layer(target)
            if (
                their_group != group
                and their_rank >= rank
                or their_group != group
                and not entry_point(target)
            ):
                found.add((module, target))
    return found


def test_no_module_imports_upward_or_sideways() -> None:
    found = violations()
    new = sorted(found - KNOWN)
    assert not new, "imports against the layer order:\n" + "\n".join(
        f"  {a} -> {b}" for a, b in new
    )


def test_known_violations_still_exist() -> None:
    """An allow-list entry that no longer occurs is removed, so the list only shrinks."""
    gone = sorted(KNOWN - violations())
    assert not gone, "fixed, remove from KNOWN:\n" + "\n".join(f"  {a} -> {b}" for a, b in gone)


def test_checker_sees_a_sideways_import() -> None:
    """The resolver understands relative imports (else the test above could not fail)."""
    path = PACKAGE / "retrieval" / "hybrid.py"
    node = ast.parse("from ..answering.llm import X\nfrom . import sources").body
    assert resolve(path, node[0]) == ["briefing.answering.llm"]
    assert resolve(path, node[1]) == ["briefing.retrieval.sources"]
    assert layer("briefing.answering.llm")[0] > layer("briefing.retrieval.hybrid")[0]
    assert not entry_point("briefing.web.session") and entry_point("briefing.web.app")

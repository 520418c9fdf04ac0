"""The layers of ARCHITECTURE.md hold: faces on top, domains below, core and storage beneath.

Imports are read from the source with `ast`, so the test sees every import, including those
inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[2] / "src" / "joinedup"
FACES = {"web", "api", "cli", "app"}
DOMAINS = {
    "intake",
    "people",
    "chronology",
    "rules",
    "casework",
    "workforce",
    "sharing",
    "access",
    "reports",
    "governance",
    "practice",
    "quality",
}
FOUNDATIONS = {"core", "db", "config"}
# Flows own a sequence of work across domains (ADR 0006): they may import domains; faces may
# import flows; domains and foundations never do.
FLOWS = {"flows"}


def _package(module_path: Path) -> str:
    parts = module_path.relative_to(SRC).with_suffix("").parts
    return parts[0]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("joinedup."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("joinedup."))
    return found


MODULES = sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_layering(path: Path) -> None:
    package = _package(path)
    imported = _imports(path)
    if package in DOMAINS:
        assert not imported & FACES, f"a domain imports a face: {imported & FACES}"
        assert not imported & FLOWS, f"a domain imports a flow: {imported & FLOWS}"
    if package in FLOWS:
        assert not imported & FACES, f"a flow imports a face: {imported & FACES}"
    if package == "core":
        assert imported <= {"core"}, f"core imports {imported - {'core'}}"
    if package in FOUNDATIONS and path.name != "models.py":
        above = DOMAINS | FACES | FLOWS
        assert not imported & above, f"storage imports {imported & above}"


def test_every_package_has_a_layer() -> None:
    layered = FACES | DOMAINS | FOUNDATIONS | FLOWS | {"demo", "testing", "__init__", "__main__"}
    assert {_package(p) for p in MODULES} <= layered


def test_splink_is_imported_only_under_people_linkage() -> None:
    for path in MODULES:
        text = path.read_text(encoding="utf-8")
        if "import splink" in text or "from splink" in text:
            assert "people/linkage" in str(path), path


def test_domains_do_not_import_each_other_in_a_cycle() -> None:
    graph: dict[str, set[str]] = {}
    for path in MODULES:
        package = _package(path)
        if package in DOMAINS:
            graph.setdefault(package, set()).update(_imports(path) & DOMAINS - {package})
    visiting: set[str] = set()
    done: set[str] = set()

    def visit(node: str, trail: tuple[str, ...]) -> None:
        assert node not in visiting, f"import cycle: {' -> '.join((*trail, node))}"
        if node in done:
            return
        visiting.add(node)
        for nxt in graph.get(node, ()):
            visit(nxt, (*trail, node))
        visiting.discard(node)
        done.add(node)

    for start in graph:
        visit(start, ())

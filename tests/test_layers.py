"""The layers of ../shared/GUIDE.md, held against the code's own imports (read with `ast`,
function-level imports included): no import cycle, spiders never reach the database, nlp
stays pure, the contract imports nothing of the house, no stage imports the command line."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGES = {"spiders": "spiders", "pipelines": "pipelines", "nlp": "nlp", "veille_site": "datasette"}
CONTRACT = {"spiders.items", "spiders.parl_items", "spiders.dates", "spiders.processes", "pipelines.config", "pipelines.config_schema"}
ENTRANCE_PREFIXES = ("pipelines.cli", "pipelines.nightly", "pipelines.crawl")
STORE = {"pipelines.db", "pipelines.migrations", "pipelines.transaction"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    top = next(name for name, folder in PACKAGES.items() if folder == parts[0])
    parts[0] = top
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {}
    for folder in PACKAGES.values():
        for path in sorted((ROOT / folder).rglob("*.py")):
            found[_module_name(path)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every module name `path` imports (absolute names; `from x import y` gives x, and
    x.y when y is a module of the project)."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in MODULES)
    return found


GRAPH = {name: {m for m in _imports(name, path) if m in MODULES and m != name} for name, path in MODULES.items()}
EXTERNAL = {name: _imports(name, path) for name, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _offenders(modules, forbidden) -> list[str]:
    return sorted(f"{m} -> {i}" for m in modules for i in EXTERNAL[m] if forbidden(i))


def test_the_graph_is_read():
    assert {"spiders.base", "pipelines.store", "nlp.extract", "pipelines.db"} <= set(MODULES)
    assert "pipelines.db" in GRAPH["pipelines.store"] and "spiders.items" in GRAPH["pipelines.store"]


def test_no_import_cycle_among_the_projects_modules():
    assert _cycles(GRAPH) == []


def test_the_cycle_finder_finds_a_planted_cycle():
    planted = {**GRAPH, "pipelines.db": GRAPH["pipelines.db"] | {"pipelines.store"}}
    assert any({"pipelines.db", "pipelines.store"} <= set(c) for c in _cycles(planted))


def test_spiders_never_import_the_database_layer_nor_the_stages():
    spiders = [m for m in MODULES if m.startswith("spiders.")]
    allowed = CONTRACT | {"pipelines"}
    assert _offenders(spiders, lambda i: i.split(".")[0] in {"sqlite3", "sqlite_utils"}
                      or (i.startswith("pipelines") and i not in allowed)) == []


def test_nlp_imports_neither_scrapy_nor_sqlite_nor_the_house():
    nlp = [m for m in MODULES if m.startswith("nlp.") or m == "nlp"]
    assert _offenders(nlp, lambda i: i.split(".")[0] in {"scrapy", "twisted", "sqlite3", "sqlite_utils",
                                                          "spiders", "pipelines", "veille_site"}) == []


def test_the_contract_imports_nothing_of_the_house():
    assert _offenders(CONTRACT, lambda i: i.split(".")[0] in {"spiders", "pipelines", "nlp", "veille_site"}
                      and i not in CONTRACT | {"spiders", "pipelines"}) == []


def test_stages_know_items_not_spiders_and_never_the_command_line():
    stages = [m for m in MODULES if m.startswith("pipelines.") and not m.startswith(ENTRANCE_PREFIXES)]
    assert _offenders(stages, lambda i: i.startswith(ENTRANCE_PREFIXES)) == []
    assert _offenders(stages, lambda i: i.startswith("spiders.") and i not in CONTRACT) == []


def test_the_store_knows_no_stage_and_the_site_reads_no_store():
    assert _offenders(STORE | {m for m in MODULES if m.startswith("pipelines.schema")},
                      lambda i: i.startswith(("pipelines.", "spiders.", "nlp.")) and i not in STORE
                      and not i.startswith("pipelines.schema") and i not in CONTRACT) == []
    site = [m for m in MODULES if m.startswith("veille_site")]
    assert _offenders(site, lambda i: i in STORE or i.split(".")[0] in {"sqlite_utils"}) == []

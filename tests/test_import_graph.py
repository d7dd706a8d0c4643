"""Haven's packages import one another in one direction only: no cycles between them.

Every ``import`` in ``haven`` counts, at module level, inside functions and under
``TYPE_CHECKING`` alike (tests and migrations aside): a package that needs something from one
that depends on it registers it instead (work providers, profile parts, referral follow-ups,
event kinds, CLI commands) from its ``ready()``.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

HAVEN = Path(__file__).resolve().parent.parent / "haven"


def _package(module: str) -> str:
    """``haven.people.selectors`` -> ``people``; ``haven.demo`` -> ``demo``."""
    return module.split(".")[1]


def import_graph(root: Path = HAVEN) -> dict[str, dict[str, list[str]]]:
    """package -> package it imports -> where (``path:line``)."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root.parent)
        if {"tests", "migrations"} & set(relative.parts) or len(relative.parts) < 2:
            continue
        if relative.parts[1] == "__init__.py":
            continue
        source = _package(".".join(relative.with_suffix("").parts))
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
                if node.module == "haven":  # from haven import demo
                    names = [f"haven.{alias.name}" for alias in node.names]
            else:
                continue
            for name in names:
                if name.startswith("haven.") and _package(name) != source:
                    graph[source][_package(name)].append(f"{relative}:{node.lineno}")
    return graph


def cycles(graph: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """Every strongly connected set of more than one package (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(set(graph) | {t for targets in graph.values() for t in targets}):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_between_haven_packages() -> None:
    graph = import_graph()
    problems = []
    for component in cycles(graph):
        edges = [
            f"  {a} -> {b}: {', '.join(graph[a][b][:3])}"
            for a in component
            for b in component
            if b in graph.get(a, {})
        ]
        problems.append(" <-> ".join(component) + "\n" + "\n".join(edges))
    assert not problems, "Import cycles between packages:\n" + "\n".join(problems)


def test_the_cycle_check_finds_a_cycle(tmp_path: Path) -> None:
    # The check itself can fail: two packages importing each other, one inside a function.
    for package, body in {
        "alpha": "from haven.beta.models import B\n",
        "beta": "def f():\n    from haven.alpha import services\n",
        "gamma": "import haven.alpha.models\n",
    }.items():
        (tmp_path / "haven" / package).mkdir(parents=True)
        (tmp_path / "haven" / package / "services.py").write_text(body)
    assert cycles(import_graph(tmp_path / "haven")) == [["alpha", "beta"]]

"""The layering of DESIGN.md, read from the code's own imports, so it stays true.

Bottom to top: the core (``sensing``: config, schemas, query, store) <- the analysis framework
(``analysis``) <- the domain packages (``nlp``, ``vision``, ``audience``, ``planning``,
``reports``) <- the services (``crawlers``, ``workers``, ``api``) <- the entry points (``app``).
A package imports only packages below it, and on its own floor only along the edges listed
here. ``samples`` (the sample platforms) and ``lab`` (model building, evaluations) stand
beside the runtime: they may use it, and no runtime package imports them. Every import counts:
at the top of a module, inside a function, or under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FLOOR = {"sensing": 0, "analysis": 1, "nlp": 2, "vision": 2, "audience": 2, "planning": 2,
         "reports": 2, "crawlers": 3, "workers": 3, "api": 3, "app": 4}
"""Runtime packages by floor."""

SAME_FLOOR = {
    ("audience", "nlp"),      # author texts go through the text encoder
    ("planning", "audience"), ("planning", "nlp"), ("planning", "reports"),
    ("reports", "nlp"), ("reports", "audience"),
    ("workers", "crawlers"),  # a crawl task starts the crawler process
    ("api", "workers"),       # routes queue tasks
    ("api", "crawlers"),      # a campaign's sources are checked against the spiders
}
"""Imports allowed between packages of one floor (importer, imported). nlp and vision never
import each other; the crawlers import no other service."""

BESIDE = {"samples": {"sensing"},
          "lab": {"sensing", "analysis", "nlp", "vision", "audience", "planning", "reports"}}
"""Packages outside the runtime, and the runtime packages each may import."""

PACKAGES = set(FLOOR) | set(BESIDE)


def modules() -> dict[str, Path]:
    """Every module of the project's packages by dotted name (those that exist yet)."""
    found = {}
    for package in sorted(PACKAGES):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imported_modules(path: Path, name: str, known: set[str]) -> set[str]:
    """The project modules ``path`` imports (the deepest known module of each import)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    targets: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")[: len(name.split(".")) - node.level + is_package]
                base = ".".join(anchor + ([base] if base else []))
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for dotted in names:
            parts = dotted.split(".")
            while parts and ".".join(parts) not in known:
                parts.pop()
            if parts and parts[0] in PACKAGES:
                targets.add(".".join(parts))
    targets.discard(name)
    return targets


def import_graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imported_modules(path, name, set(found)) for name, path in found.items()}


def allowed(importer: str, imported: str) -> bool:
    if importer == imported or importer == "app":
        return True
    if importer in BESIDE:
        return imported in BESIDE[importer]
    if imported in BESIDE or imported == "app":
        return False
    if FLOOR[imported] < FLOOR[importer]:
        return True
    return (importer, imported) in SAME_FLOOR


def test_every_import_follows_the_layering() -> None:
    against = sorted(f"{module} imports {target}"
                     for module, targets in import_graph().items() for target in targets
                     if not allowed(module.split(".")[0], target.split(".")[0]))
    assert against == []


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
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
    return found


def test_no_module_imports_itself_through_others() -> None:
    graph = import_graph()
    # A package's __init__ importing its own modules is how a package exposes them, not a
    # circle of dependencies: only imports between modules count here.
    for module, targets in graph.items():
        graph[module] = {t for t in targets if not module.startswith(f"{t}.")}
    assert circles(graph) == []


def test_the_checks_see_a_violation_and_a_circle() -> None:
    """The two checks above would fail on a real mistake (they read what they should)."""
    assert not allowed("nlp", "vision") and not allowed("sensing", "vision")
    assert not allowed("crawlers", "workers") and not allowed("workers", "app")
    assert not allowed("nlp", "lab") and not allowed("api", "samples")
    assert allowed("vision", "analysis") and allowed("app", "samples")
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    graph = import_graph()
    assert "sensing.schemas" in graph["analysis.pipeline"]
    assert "analysis.pipeline" in graph["vision.step"]

"""The package's shape: the pipeline's stages are packages, and imports only go down it.

Read from the source (no module is imported), so a cycle or an upward import fails here
with the line that makes it, before it can surface as an ImportError in one code path.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "itpm_site"

#: Bottom to top. A module may import from its own layer or any below; a stage never reaches
#: up to a later one (``render`` knows nothing of ``write``, ``load`` nothing of ``render``).
LAYERS: list[tuple[str, ...]] = [
    ("itpm_site", "itpm_site.parallel", "itpm_site.cache"),  # the version; processes; caches
    ("itpm_site.model",),  # vocabularies, fields, project, site settings, money
    ("itpm_site.load",),  # 1 files → validated documents and diagnostics
    ("itpm_site.aggregate",),  # 2 → portfolio with rollups
    ("itpm_site.diff",),  # changes between two loaded portfolios
    ("itpm_site.history",),  # 3 → the portfolio over time (uses diff)
    ("itpm_site.render",),  # 4 → pages
    ("itpm_site.outputs",),  # 5 → exports, search index, feeds
    ("itpm_site.write",),  # 6 → the output folder
    ("itpm_site.build",),  # runs the stages in order
    ("itpm_site.serve",),  # rebuilds on change and serves
    ("itpm_site.commands",),  # the command line's verbs
    ("itpm_site.cli", "itpm_site.__main__"),
]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


MODULES = _modules()


def _imports(name: str, path: Path) -> list[tuple[str, int]]:
    """The package's modules that ``name`` imports (anywhere in it, even inside a function or
    under TYPE_CHECKING: an upward type is an upward dependency), with the line."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:  # ``from pkg import module`` imports that module
                sub = f"{module}.{alias.name}"
                found.append((sub if sub in MODULES else module, node.lineno))
        elif isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
    return [(m, line) for m, line in found if m in MODULES and m != name]


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def layer_of(module: str) -> int:
    """The index of the layer that holds ``module`` (the longest matching prefix wins)."""
    best, depth = -1, -1
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and prefix.count(".") > depth:
                best, depth = index, prefix.count(".")
    return best


def test_every_module_belongs_to_a_layer() -> None:
    assert [m for m in MODULES if layer_of(m) < 0] == []


def test_each_layer_is_a_package_or_a_named_module() -> None:
    for prefixes in LAYERS:
        for prefix in prefixes:
            assert prefix in MODULES, f"{prefix} is in LAYERS but not in the package"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_only_go_down_the_pipeline(module: str) -> None:
    upward = [
        f"{MODULES[module].relative_to(PACKAGE.parent).as_posix()}:{line} imports {target}"
        for target, line in GRAPH[module]
        if layer_of(target) > layer_of(module)
    ]
    assert upward == []


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target, _ in GRAPH[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles() -> None:
    assert _cycles() == []


def test_the_checks_catch_what_they_are_for() -> None:
    """The checks are live: a made-up upward import and cycle are seen."""
    assert layer_of("itpm_site.render.pages") > layer_of("itpm_site.load.loader")
    assert layer_of("itpm_site.serve.session") > layer_of("itpm_site.build")
    saved = dict(GRAPH)
    try:
        GRAPH["itpm_site.model.vocab"] = [("itpm_site.model.money", 1)]
        GRAPH["itpm_site.model.money"] = [*GRAPH["itpm_site.model.money"], ("itpm_site.model.vocab", 1)]
        assert ["itpm_site.model.money", "itpm_site.model.vocab"] in _cycles()
    finally:
        GRAPH.clear()
        GRAPH.update(saved)


def _documented_layers() -> list[tuple[str, ...]]:
    """The layers as docs/architecture.md lists them: the first cell of each row of its
    layer table, each file or folder named there as a module."""
    doc = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = doc.split("| layer | what it owns |", 1)[1].split("\n\n", 1)[0]
    layers = []
    for row in table.splitlines()[2:]:
        names = row.split("|")[1].replace("`", "").split(",")
        modules = []
        for name in (n.strip().removesuffix("/").removesuffix(".py") for n in names):
            modules.append("itpm_site" if name == "__init__" else f"itpm_site.{name}")
        layers.append(tuple(modules))
    return layers


def test_the_architecture_page_lists_the_layers_as_they_are() -> None:
    assert _documented_layers() == LAYERS

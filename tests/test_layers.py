"""The package's four layers import only downward (data -> stats -> study -> report), and no
module reaches into another module's private names."""

from __future__ import annotations

import ast
from pathlib import Path

import ksresearch

PACKAGE = Path(ksresearch.__file__).parent
RANK = {"data": 0, "stats": 1, "study": 2, "report": 3}


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(imported ksresearch layer or module, imported names) of every import in a module."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            names = [a.name for a in node.names]
            if node.level:
                parts = path.relative_to(PACKAGE).parts[:-1]
                base = list(parts[: len(parts) - (node.level - 1)])
                target = [*base, *(node.module.split(".") if node.module else [])]
                out.append((".".join(target), names))
            elif node.module and node.module.split(".")[0] == "ksresearch":
                out.append((".".join(node.module.split(".")[1:]), names))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("ksresearch."):
                    out.append((alias.name.removeprefix("ksresearch."), []))
    return out


def _layer_files() -> list[tuple[str, Path]]:
    return [(layer, path) for layer in RANK for path in sorted((PACKAGE / layer).rglob("*.py"))]


def test_layers_exist_and_hold_the_code():
    assert sorted(p.name for p in PACKAGE.glob("*.py")) == ["__init__.py", "cli.py", "config.py"]
    for layer in RANK:
        assert len(list((PACKAGE / layer).glob("*.py"))) >= 2, layer


def test_layers_import_only_downward():
    wrong = []
    for layer, path in _layer_files():
        for target, names in _imports(path):
            top = target.split(".")[0] if target else ""
            # `from .. import config` names a module of the package root
            tops = [top] if top else names
            for t in tops:
                if t in RANK and RANK[t] > RANK[layer] or t == "cli":
                    wrong.append(f"{path.relative_to(PACKAGE)} imports {t}")
    assert not wrong, wrong


def test_no_module_imports_another_modules_private_names():
    wrong = [
        f"{path.relative_to(PACKAGE)} imports {name} from {target}"
        for _, path in _layer_files()
        for target, names in _imports(path)
        for name in names
        if name.startswith("_") and name != "__version__"
    ]
    assert not wrong, wrong


def test_stats_knows_nothing_of_the_study():
    """``stats/`` works on any DataFrame: no KS ids, no roles, no company column by default."""
    for path in sorted((PACKAGE / "stats").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        for word in ('"company"', "toi_1", "edu_rel", "ai_freq", ".role("):
            assert word not in source, (path.name, word)


def _import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports, at its top or inside a function."""
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = path
    graph = {name: set() for name in modules}
    for name, path in modules.items():
        for target, names in _imports(path):
            for candidate in [*(f"{target}.{n}" if target else n for n in names), target]:
                if candidate in modules and candidate != name:
                    graph[name].add(candidate)
                    break
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while not group or group[-1] != v:
                group.append(stack.pop())
                on.discard(group[-1])
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(out)


def test_no_import_circle():
    """Modules that import each other (even inside a function) cannot be understood or tested
    one without the other. sem and wlsmv share the model syntax (stats.model), audit and
    formats the readers (report.reading), and the release step sits on top of the reports
    (report.publish) and hands the release audit, which only checks, its way to rebuild."""
    assert _circles(_import_graph()) == []
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]

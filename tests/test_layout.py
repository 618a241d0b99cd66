"""The shape of advisor/: stages stacked without cycles, one owner per outside library.

Read from the source (as ``shared/tools/import-cycles`` does), so a lazy import
inside a function counts as much as one at the top of a module; imports under
``if TYPE_CHECKING:`` are left out. ``from advisor.kb import X`` is resolved
through the stage's ``EXPORTS`` table to the module that defines ``X``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "advisor"

#: The stack, bottom first; stages on one level must not import each other.
LEVELS = [
    {"base"},  # errors, version, schemas
    {"io"},
    {"kb"},
    {"inference"},
    {"interview"},
    {"report", "audit"},
    {"explain"},
    {"render"},
    {"api"},
    {"commands"},
    {"root"},  # advisor/__init__.py and __main__.py
]
LEVEL = {stage: n for n, stages in enumerate(LEVELS) for stage in stages}
STAGES = ("io", "kb", "inference", "interview", "report", "audit", "explain", "render", "commands")

#: outside library -> the modules allowed to import it
OWNERS = {
    "durable": {"advisor.inference.engine"},
    "durable_rules_engine": {"advisor.inference.engine"},
    "yaml": {"advisor.io.yamlread"},
    "click": {f"advisor.commands.{m.stem}" for m in (PACKAGE / "commands").glob("*.py") if m.stem != "__init__"},
    "dask": {"advisor.report.distributed"},
    "distributed": {"advisor.report.distributed"},
    # networkx only where graphs are built or read
    "networkx": {"advisor.explain.graph", "advisor.explain.reasoning", "advisor.explain.analysis",
                 "advisor.render.dot", "advisor.render.mermaid", "advisor.render.graphml", "advisor.render.view",
                 "advisor.audit.context", "advisor.audit.checks.facts"},
}

#: a module longer than this says at its top why it is one module
MAX_LINES = 400
LONG_MARK = "Long by design:"


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    written: str  # the module named in the statement
    target: str  # the module that defines the name
    name: str
    line: int


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _exports(stage: str) -> dict[str, str]:
    """name -> submodule, read from a stage's ``EXPORTS`` and ``SUBMODULES`` without importing it."""
    tree = ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8"))
    table: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id == "EXPORTS":
                for module, names in ast.literal_eval(node.value).items():
                    table.update({name: module for name in names})
            elif node.targets[0].id == "SUBMODULES":
                table.update({name: name for name in ast.literal_eval(node.value)})
    return table


EXPORTS = {stage: _exports(stage) for stage in STAGES}


def stage_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] == "__main__":
        return "root"
    if parts[1] in STAGES:
        return parts[1]
    if parts[1] == "api":
        return "api"
    return "base"


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for n in ast.walk(node))
    return skip


def _resolve(written: str, name: str) -> str:
    """The module defining ``name`` when imported from ``written``."""
    if f"{written}.{name}" in MODULES:
        return f"{written}.{name}"
    parts = written.split(".")
    if len(parts) == 2 and parts[1] in STAGES and name in EXPORTS[parts[1]]:
        sub = EXPORTS[parts[1]][name]
        return f"{written}.{sub}"
    return written


def imports() -> list[Import]:
    out = []
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        skip = _type_checking_nodes(tree)
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - (node.level - 1)]
                    written = ".".join(base + ([node.module] if node.module else []))
                else:
                    written = node.module or ""
                for alias in node.names:
                    out.append(Import(module, written, _resolve(written, alias.name), alias.name, node.lineno))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    out.append(Import(module, alias.name, alias.name, alias.name, node.lineno))
    return out


IMPORTS = imports()
INTERNAL = [i for i in IMPORTS if i.target == "advisor" or i.target.startswith("advisor.")]


def test_every_stage_export_names_a_real_module_and_name():
    for stage, table in EXPORTS.items():
        for name, sub in table.items():
            module = f"advisor.{stage}.{sub}"
            assert module in MODULES, f"advisor/{stage}/__init__.py exports {name!r} from missing module {sub!r}"
            if name != sub:
                source = MODULES[module].read_text(encoding="utf-8")
                assert any(f"{word} {name}" in source for word in ("def", "class")) or f"\n{name} =" in source \
                    or f"\n{name}: " in source, f"{module} defines no {name!r} (exported by advisor.{stage})"


def test_exports_resolve_when_imported():
    import importlib

    for stage, table in EXPORTS.items():
        package = importlib.import_module(f"advisor.{stage}")
        for name in table:
            assert getattr(package, name) is not None


def test_no_import_cycles_between_modules():
    graph = nx.DiGraph()
    graph.add_nodes_from(MODULES)
    for i in INTERNAL:
        target = i.target if i.target in MODULES else i.written
        source_is_package = MODULES[i.source].name == "__init__.py"
        if target != i.source and not (source_is_package and target.startswith(i.source + ".")):
            graph.add_edge(i.source, target)
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert cycles == []


def test_the_stages_form_a_stack():
    wrong = []
    for i in INTERNAL:
        low, high = stage_of(i.target), stage_of(i.source)
        if low == high:
            continue
        if LEVEL[low] >= LEVEL[high]:
            wrong.append(f"{i.source}:{i.line} ({high}) imports {i.name} from {i.target} ({low})")
    assert wrong == []


def test_other_stages_import_a_stage_through_its_front_door():
    """Names cross a stage boundary through the stage's package, never from its inner modules."""
    wrong = []
    for i in INTERNAL:
        target_stage, source_stage = stage_of(i.target), stage_of(i.source)
        if target_stage == source_stage or target_stage not in STAGES:
            continue
        if i.written != f"advisor.{target_stage}":
            wrong.append(f"{i.source}:{i.line} imports {i.name} from {i.written}, not advisor.{target_stage}")
    assert wrong == []


@pytest.mark.parametrize("library", sorted(OWNERS))
def test_each_outside_library_has_one_owner(library):
    users = {i.source for i in IMPORTS if i.target == library or i.target.startswith(library + ".")}
    assert users <= OWNERS[library], f"{library} imported outside its owners: {sorted(users - OWNERS[library])}"


def test_modules_stay_small_or_say_why():
    long = []
    for module, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > MAX_LINES and LONG_MARK not in (ast.get_docstring(ast.parse(text)) or ""):
            long.append(f"{module}: {text.count(chr(10))} lines")
    assert long == []


def test_every_module_names_its_stage():
    missing = []
    for module, path in MODULES.items():
        stage = stage_of(module)
        if stage in ("root", "base", "api") or path.name == "__init__.py":
            continue
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        if f"Stage: {stage}" not in doc and f"Stage {stage}" not in doc:
            missing.append(module)
    assert missing == []


def test_the_checks_above_see_what_they_check():
    """The import reader finds the imports this file knows are there (so an empty list is no false pass)."""
    found = {(i.source, i.target) for i in INTERNAL}
    assert ("advisor.inference.run", "advisor.inference.engine") in found
    assert ("advisor.report.build", "advisor.inference.run") in found  # through advisor.inference's exports
    assert any(i.target == "durable_rules_engine" for i in IMPORTS)
    assert stage_of("advisor.kb.loader") == "kb" and stage_of("advisor.errors") == "base"

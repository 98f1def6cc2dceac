"""The package's shape: no import cycles, hidden-ness said once (by the file), plain data defined
once, every door a Door, every hint with a well-formed id."""

from __future__ import annotations

import ast
import importlib
import importlib.util
from pathlib import Path

import pytest

from autograder import paths
from autograder.core import plain
from autograder.core.checks import Suite, is_hidden_module
from autograder.core.door import Door, InProcessDoor
from autograder.core.verdicts import Hint
from autograder.isolation import protocol
from autograder.release import BUNDLE_MODULES
from autograder.suites import ASSIGNMENTS, load_suite


def module_name(path: Path) -> str:
    parts = list(path.relative_to(paths.ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """The package's modules ``path`` imports, at load time or inside its functions."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")
            base = base[: len(base) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                found.add(candidate if importlib.util.find_spec(target) and _is_module(candidate) else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m.split(".")[0] == "autograder"}


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def test_no_import_cycles():
    graph = {module_name(p): imports_of(p) for p in paths.PACKAGE.rglob("*.py")}
    for start in graph:
        stack, seen = [(start, (start,))], set()
        while stack:
            node, trail = stack.pop()
            for nxt in graph.get(node, ()):
                assert nxt != start, f"import cycle: {' -> '.join(trail + (nxt,))}"
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, trail + (nxt,)))


def test_only_the_cli_parses_arguments_and_nothing_imports_it():
    for path in paths.PACKAGE.rglob("*.py"):
        if path.name not in ("cli.py", "__main__.py"):
            source = path.read_text()
            assert "argparse" not in source, path
            assert "autograder.cli" not in imports_of(path), path


def test_hidden_checks_are_exactly_those_of_hidden_modules():
    for assignment in ASSIGNMENTS:
        for check in load_suite(assignment).checks():
            assert check.hidden == is_hidden_module(check.run.__module__), check.full_name
            assert not check.needs_reference or check.hidden, check.full_name
    assert not [m for m in BUNDLE_MODULES if is_hidden_module(m.removesuffix(".py").replace("/", "."))]


def test_a_public_check_may_not_use_the_reference():
    suite = Suite("knn", ["compute_distances"], "test")
    with pytest.raises(ValueError, match="only hidden checks may use the reference"):
        suite.check("compute_distances/x", points=1, reference=True)(lambda ctx: None)


def test_plain_data_is_defined_once():
    assert protocol.MAX_DEPTH == plain.WIRE_DEPTH > plain.MAX_DEPTH
    for source in (paths.PACKAGE / "core" / "door.py", paths.PACKAGE / "isolation" / "protocol.py"):
        text = source.read_text()
        assert "frozenset(" not in text and "_MAX_DEPTH" not in text, source


def test_every_door_is_a_door(tmp_path):
    from autograder.isolation.client import WorkerDoor

    module = tmp_path / "m.py"
    module.write_text("def f():\n    return 1\n")
    door: Door = InProcessDoor(module)
    assert door.call("f").value == 1
    for cls in (InProcessDoor, WorkerDoor):
        for name in ("open", "has", "call", "build", "close"):
            assert callable(getattr(cls, name)), (cls, name)


def test_hint_ids_are_well_formed():
    Hint("knn/distances_not_clipped", "text")
    for bad in ("distances_not_clipped", "knn/Bad Name", "knn/a/b", ""):
        with pytest.raises(ValueError, match="hint id"):
            Hint(bad, "text")


def test_every_check_says_what_it_checks_in_whole_sentences():
    """A check's description ("passed: ...") is its docstring's first paragraph, never a line cut
    in mid-sentence."""
    from autograder.core.checks import first_paragraph

    assert first_paragraph("Each window's gradient goes to\n    its maximum.\n\n    Table: ...") == \
        "Each window's gradient goes to its maximum."
    for assignment in ASSIGNMENTS:
        for check in load_suite(assignment).checks():
            assert check.description.endswith("."), (check.name, check.description)
            assert "  " not in check.description and "\n" not in check.description, check.name

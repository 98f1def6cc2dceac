"""nbgrader notebooks from the single source, and notebooks back into modules.

``build_notebook("knn")`` assembles ``source/knn/knn.ipynb`` for nbgrader from
``solutions/knn/knn.py`` (the code: one solution cell per function, with its signature,
docstring and ``### BEGIN SOLUTION`` region), the suite (one locked test cell per function,
worth the points of its checks, which runs the hidden checks too where they are installed) and
``suites/knn/notebook.py`` (the text and the closing experiment). ``write_course`` writes a
whole nbgrader course directory. Nothing else goes into ``source/``: nbgrader would copy any
other file to students as it is.

The other way, from a submitted notebook back to a module to grade, is grading's business:
:mod:`autograder.submission`.
"""

from __future__ import annotations

import ast
import importlib
import json
import shutil
from collections.abc import Sequence
from pathlib import Path

from . import paths
from .suites import ASSIGNMENTS, chosen_assignments, load_suite

NBGRADER_CONFIG = '''\
"""nbgrader configuration, written by `python -m autograder nbgrader-course`."""
import os

c = get_config()  # noqa: F821 (nbgrader provides it)
c.CourseDirectory.course_id = {course_id!r}
# The course is the folder of this file, wherever it is moved to.
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
# A notebook's cells run one after another; this bounds each one (student code included).
c.Execute.timeout = {timeout}
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}}
# The test cells hold no hidden tests: the hidden checks' code stays in the grader's package, so
# feedback (nbgrader's default preprocessors) cannot show it.
'''

TEST_CELL = '''\
from autograder.notebook import NotebookChecks
checks = NotebookChecks({assignment!r}, {function!r}, globals())
checks.run()  # the public checks (and, when your work is graded, the hidden ones)
checks.points'''


def _cell(cell_type: str, source: str, **metadata) -> dict:
    cell = {"cell_type": cell_type, "metadata": metadata, "source": source.strip("\n")}
    if cell_type == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def _nbgrader(grade_id: str, *, solution: bool = False, grade: bool = False, locked: bool = False,
              points: float | None = None) -> dict:
    meta = {"schema_version": 3, "grade": grade, "solution": solution, "locked": locked, "grade_id": grade_id}
    if points is not None:
        meta["points"] = points
    return meta


def split_module(source: str, functions: Sequence[str]) -> tuple[str, dict[str, str]]:
    """(the module's top-level code other than functions and its docstring, e.g. its imports;
    each function's code, trailing comments such as ``### END SOLUTION`` included). A function
    defined twice keeps its last definition, as Python would."""
    tree = ast.parse(source)
    lines = source.splitlines()
    defs = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    docstring = tree.body[0] if tree.body and isinstance(tree.body[0], ast.Expr) and isinstance(
        getattr(tree.body[0], "value", None), ast.Constant) else None
    header_nodes = [n for n in tree.body if not isinstance(n, ast.FunctionDef) and n is not docstring]
    header = "\n".join("\n".join(lines[n.lineno - 1 : n.end_lineno]) for n in header_nodes)
    starts = sorted((n.decorator_list[0].lineno if getattr(n, "decorator_list", None) else n.lineno) - 1
                    for n in tree.body)
    bodies = {}
    for node in defs:
        start = (node.decorator_list[0].lineno if node.decorator_list else node.lineno) - 1
        # Up to the next top-level statement: trailing comments (### END SOLUTION) belong here.
        end = next((s for s in starts if s > start), len(lines))
        bodies[node.name] = "\n".join(lines[start:end]).rstrip()
    missing = [f for f in functions if f not in bodies]
    if missing:
        raise ValueError(f"the solution module lacks {', '.join(missing)}")
    return header, bodies


def build_notebook(assignment: str, solutions: Path | None = None) -> dict:
    """The nbgrader source notebook of ``assignment`` (an nbformat 4 dict)."""
    solutions = solutions or paths.solutions_dir()
    suite = load_suite(assignment)
    content = importlib.import_module(f"{__package__}.suites.{assignment}.notebook")
    header, bodies = split_module((solutions / suite.module_file).read_text(), suite.functions)
    cells = [_cell("markdown", content.INTRO, nbgrader=_nbgrader("intro", locked=True)),
             _cell("markdown", content.SETUP),
             _cell("code", header, autograder={"role": "setup"})]
    for function in suite.functions:
        points = sum(c.points for c in suite.checks() if c.function == function)
        cells.append(_cell("markdown", content.SECTIONS[function],
                           nbgrader=_nbgrader(f"about_{function}", locked=True)))
        cells.append(_cell("code", bodies[function], autograder={"role": "solution", "function": function},
                           nbgrader=_nbgrader(function, solution=True)))
        cells.append(_cell("code", TEST_CELL.format(assignment=assignment, function=function),
                           nbgrader=_nbgrader(f"test_{function}", grade=True, locked=True, points=points)))
    for kind, text in content.EXPERIMENT:
        cells.append(_cell(kind, text))
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number:03d}"  # from the position: the same source gives the same file
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
            "title": content.TITLE,
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def notebook_json(notebook: dict) -> str:
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def write_course(root: Path, assignments: Sequence[str] = ASSIGNMENTS, *, course_id: str = "deep-learning",
                 timeout: int = 300, solutions: Path | None = None) -> list[str]:
    """nbgrader_config.py and source/<assignment>/<assignment>.ipynb under ``root``."""
    root = Path(root).resolve()
    assignments = chosen_assignments(assignments)
    root.mkdir(parents=True, exist_ok=True)
    written = ["nbgrader_config.py"]
    config = NBGRADER_CONFIG.format(course_id=course_id, timeout=timeout)
    (root / "nbgrader_config.py").write_text(config)
    for assignment in assignments:
        folder = root / "source" / assignment
        if folder.exists():
            shutil.rmtree(folder)  # only what the generator writes belongs there
        folder.mkdir(parents=True)
        (folder / f"{assignment}.ipynb").write_text(notebook_json(build_notebook(assignment, solutions)))
        written.append(f"source/{assignment}/{assignment}.ipynb")
    return written


def fill_notebook(notebook: dict, module_source: str) -> dict:
    """A copy of ``notebook`` (a release) whose setup and solution cells hold the code of a
    module: what a student who wrote that module would hand in."""
    notebook = json.loads(json.dumps(notebook))
    functions = [c["metadata"]["autograder"]["function"] for c in notebook["cells"]
                 if c["metadata"].get("autograder", {}).get("role") == "solution"]
    header, bodies = split_module(module_source, [f for f in functions if f"def {f}(" in module_source])
    for cell in notebook["cells"]:
        role = cell["metadata"].get("autograder", {})
        if role.get("role") == "solution" and role["function"] in bodies:
            cell["source"] = bodies[role["function"]]
        elif role.get("role") == "setup":
            cell["source"] = header
    return notebook

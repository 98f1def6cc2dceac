"""What a submission holds: for each assignment, a module to grade.

A submission folder is laid out like ``assignments/``: ``<a>/<a>.py``. An assignment may also be
handed in as its notebook, ``<a>/<a>.ipynb`` (or ``<a>.ipynb`` in a flat folder of notebooks):
:func:`materialize_notebooks` writes the code of its setup and solution cells
(:func:`notebook_module`) to a temporary copy of the submission as ``<a>/<a>.py``, so that
notebooks are graded exactly like ``.py`` files, isolated, without Jupyter.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .suites import ASSIGNMENTS, module_file

__all__ = ["Materialized", "assignments_present", "looks_like_a_class", "materialize_notebooks", "notebook_module"]

_MAGIC = re.compile(r"^\s*[%!]")


def notebook_module(notebook: dict) -> str:
    """The code of a notebook's setup and solution cells, as one module (IPython magics and
    shell escapes blanked, so that each line keeps its number within its cell). Other cells
    (tests, experiments) are left out. Each cell's code follows a line ``# ---- notebook cell N
    ----`` (N counts every cell from 1), by which messages name the notebook's cell and line."""
    parts = []
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        metadata = cell.get("metadata", {})
        role = metadata.get("autograder", {}).get("role")
        if role not in ("setup", "solution") and not metadata.get("nbgrader", {}).get("solution"):
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        code = "\n".join("" if _MAGIC.match(line) else line for line in source.splitlines())
        parts.append(f"# ---- notebook cell {number} ----\n{code}\n")
    return "\n\n".join(parts)


def _notebook_of(submission: Path, assignment: str) -> Path | None:
    """``<a>/<a>.ipynb``, or in a flat folder of notebooks ``<a>.ipynb``."""
    for path in (submission / assignment / f"{assignment}.ipynb", submission / f"{assignment}.ipynb"):
        if path.is_file():
            return path
    return None


def assignments_present(submission: Path) -> list[str]:
    """The assignments ``submission`` holds a module or a notebook of."""
    return [a for a in ASSIGNMENTS
            if (submission / module_file(a)).is_file() or (submission / a / f"{a}.ipynb").is_file()]


def _holds_work(folder: Path) -> bool:
    return any((folder / a).is_dir() or (folder / f"{a}.ipynb").is_file() for a in ASSIGNMENTS)


def looks_like_a_class(folder: Path) -> bool:
    """A folder of student folders (nbgrader's submitted/ tree), rather than one submission."""
    return folder.is_dir() and not _holds_work(folder) and any(_holds_work(p) for p in folder.iterdir() if p.is_dir())


@dataclass(frozen=True)
class Materialized:
    """A submission ready to grade: ``folder`` holds ``<a>/<a>.py`` for every assignment handed
    in; ``shown_as`` says what to call paths in ``folder`` in messages ((path, shown) pairs, the
    longest first); ``notebooks`` the (assignment, notebook as shown) of each module extracted
    from a notebook; ``temporary`` is true when ``folder`` is a copy to remove afterwards."""

    folder: Path
    shown_as: tuple[tuple[str, str], ...] = ()
    temporary: bool = False
    notebooks: tuple[tuple[str, str], ...] = ()

    def cleanup(self) -> None:
        if self.temporary:
            shutil.rmtree(self.folder, ignore_errors=True)


def materialize_notebooks(submission: Path, assignments: Sequence[str]) -> Materialized:
    """The submission itself when every chosen assignment that is handed in is a ``.py`` file;
    otherwise a temporary copy of it with ``<a>/<a>.py`` extracted from each notebook handed in
    instead (messages then name the notebook)."""
    notebooks = {a: _notebook_of(submission, a) for a in assignments if not (submission / module_file(a)).is_file()}
    notebooks = {a: path for a, path in notebooks.items() if path is not None}
    if not notebooks:
        return Materialized(submission)
    copy = Path(tempfile.mkdtemp(prefix="autograder-notebooks-"))
    shown_as = []
    for assignment in assignments:
        source = submission / assignment
        if source.is_dir():
            shutil.copytree(source, copy / assignment, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    for assignment, notebook_path in notebooks.items():
        module = copy / module_file(assignment)
        module.parent.mkdir(exist_ok=True)
        try:
            module.write_text(notebook_module(json.loads(notebook_path.read_text())))
        except (ValueError, UnicodeDecodeError) as error:
            module.write_text(f"raise SyntaxError({f'{notebook_path.name} is not a readable notebook: {error}'!r})\n")
        shown_as.append((str(module), str(notebook_path)))
    shown_as.append((str(copy), str(submission)))
    return Materialized(copy, tuple(shown_as), temporary=True,
                        notebooks=tuple((a, str(path)) for a, path in notebooks.items()))

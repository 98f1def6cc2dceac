"""What a submission holds: for each assignment, a module to grade.

A submission folder is laid out like ``assignments/``: ``<a>/<a>.py``. Students hand in other
layouts too, and :func:`locate` finds each chosen assignment's module in any of them:

- ``<a>/<a>.py`` (the layout of ``assignments/``) or a flat ``<a>.py``;
- the assignment's notebook, ``<a>/<a>.ipynb`` or a flat ``<a>.ipynb``: :func:`materialize`
  writes the code of its setup and solution cells (:func:`notebook_module`) to a temporary
  copy of the submission as ``<a>/<a>.py``, so that notebooks are graded exactly like ``.py``
  files, isolated, without Jupyter;
- any of these one folder down (``my_submission/knn/knn.py``, ``my_submission/knn.py``), when
  the submission folder itself holds none of them.

A module is preferred to a notebook. Where it cannot tell which file is meant, it grades none
and says why (:class:`~autograder.core.results.Located`: "ambiguous"): ``<a>/<a>.py`` and a
flat ``<a>.py`` that differ, or several folders one level down that each hold the assignment.
Where it finds nothing, it says what it looked for and what is there instead ("missing").
"""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .core.results import Located
from .suites import ASSIGNMENTS, module_file

__all__ = ["Location", "Materialized", "assignments_present", "locate", "looks_like_a_class", "materialize",
           "materialize_notebooks", "notebook_module", "places"]

_MAGIC = re.compile(r"^\s*[%!]")
_LISTED = 6  # entries of a folder named in a "missing" detail


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


# --- finding each assignment's module ----------------------------------------------------------


def places(assignment: str) -> tuple[str, ...]:
    """Where a submission may hold an assignment, in the order they are preferred."""
    a = assignment
    return (f"{a}/{a}.py", f"{a}.py", f"{a}/{a}.ipynb", f"{a}.ipynb")


def _visible(path: Path) -> bool:
    return not path.name.startswith((".", "__"))  # .git, .ipynb_checkpoints, __pycache__, __MACOSX


def _inside(path: Path, submission: Path) -> bool:
    try:
        return path.resolve().is_relative_to(submission.resolve())
    except (OSError, RuntimeError):  # a loop of links
        return False


def _is_candidate(path: Path, submission: Path) -> bool:
    """A file a module or notebook may be taken from: never through a link leading out of the
    submission (a linked file or folder). What it leads to is not the student's: on the
    grader's machine, it may be the reference; and the grader reads notebooks and copies the
    assignment's folder itself, outside the sandbox."""
    return path.is_file() and _inside(path, submission)


def _linked_out(submission: Path, assignment: str) -> list[str]:
    """The places of the assignment in ``submission`` that are files through a link leading out."""
    return [_rel(path, submission) for path in (submission / place for place in places(assignment))
            if path.is_file() and not _inside(path, submission)]


def _same(a: Path, b: Path) -> bool:
    try:
        return filecmp.cmp(a, b, shallow=False)
    except OSError:
        return False


def _shown(name: str) -> str:
    """A name from a student's folder as messages show it: nothing unprintable (a newline, a
    terminal's escape sequence)."""
    return "".join(c if c.isprintable() else "?" for c in name)


def _rel(path: Path, submission: Path) -> str:
    return _shown(path.relative_to(submission).as_posix())


@dataclass(frozen=True)
class _Level:
    """What one folder holds for one assignment: the file to grade, or several that differ."""

    file: Path | None = None
    differing: tuple[Path, ...] = ()
    unused: tuple[Path, ...] = ()  # candidates not graded (a notebook beside the module, an identical copy)

    @property
    def empty(self) -> bool:
        return self.file is None and not self.differing


def _level(folder: Path, assignment: str, submission: Path, nested: bool = False) -> _Level:
    """The candidates in ``folder``: modules before notebooks; of two modules (or notebooks),
    ``<a>/<a>.*`` and a flat ``<a>.*``, the first when they are identical, none when they differ.
    In a folder named like the assignment one level down, its flat files are the level above's."""
    found = [folder / p for p in places(assignment)]
    if nested and folder.name == assignment:
        found = [p for p in found if p.parent.name == assignment and p.parent != folder]
    found = [p for p in found if _is_candidate(p, submission)]
    for kind in (".py", ".ipynb"):
        group = [p for p in found if p.suffix == kind]
        if not group:
            continue
        if len(group) > 1 and not _same(group[0], group[1]):
            return _Level(differing=tuple(group))
        return _Level(group[0], unused=tuple(p for p in found if p != group[0]))
    return _Level()


def _subfolders(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if _visible(p) and p.is_dir() and not p.is_symlink())
    except OSError:
        return []


def _near_misses(submission: Path, assignment: str, depth: int = 4, limit: int = 3) -> list[str]:
    """Files named like the assignment's module or notebook (any case) that are not where the
    grader looks: deeper, misnamed folders, links out of the submission."""
    names = {f"{assignment}.py", f"{assignment}.ipynb"}
    found: list[str] = []
    seen = 0
    for root, dirs, files in os.walk(submission, followlinks=False):
        rel = Path(root).relative_to(submission)
        dirs[:] = sorted(d for d in dirs if _visible(Path(d))) if len(rel.parts) < depth else []
        for name in sorted(files):
            seen += 1
            if name.lower() in names:
                found.append(_shown((rel / name).as_posix()))
        if len(found) >= limit or seen > 10_000:
            break
    return found[:limit]


def _listing(folder: Path) -> str:
    try:
        entries = sorted(p for p in folder.iterdir() if _visible(p))
    except OSError as error:
        return f"the folder cannot be read ({error.strerror})"
    if not entries:
        return "the folder is empty"
    shown = [_shown(p.name) + ("/" if p.is_dir() else "") for p in entries[:_LISTED]]
    more = f" and {len(entries) - _LISTED} more" if len(entries) > _LISTED else ""
    return "the folder holds " + ", ".join(shown) + more


def _expected(assignment: str) -> str:
    *first, last = places(assignment)
    return f"expected {', '.join(first)} or {last} (or one of these one folder down)"


def _locate_one(submission: Path, assignment: str) -> tuple[Located, Path | None]:
    top = _level(submission, assignment, submission)
    below = {d: _level(d, assignment, submission, nested=True) for d in _subfolders(submission)}
    below = {d: level for d, level in below.items() if not level.empty}
    if top.empty and len(below) == 1:
        (folder, top), = below.items()
        below = {}
    if top.empty and len(below) > 1:
        held = [_rel(level.file or level.differing[0], submission) for level in below.values()]
        detail = f"{len(below)} folders hold {assignment}: {', '.join(held)}; keep only one"
        return Located(assignment, problem="ambiguous", detail=detail), None
    if top.differing:
        shown = " and ".join(_rel(p, submission) for p in top.differing)
        return Located(assignment, problem="ambiguous",
                       detail=f"{shown} differ; keep only one"), None
    if top.empty:
        near, linked = _near_misses(submission, assignment), _linked_out(submission, assignment)
        found = (f"{', '.join(linked)} {'leads' if len(linked) == 1 else 'lead'} out of the submission through a "
                 "link: hand in the files themselves"
                 if linked else f"found {', '.join(near)} instead" if near else _listing(submission))
        return Located(assignment, problem="missing", detail=f"{_expected(assignment)}; {found}"), None
    unused = [_rel(p, submission) for p in top.unused]
    unused += [_rel(level.file or level.differing[0], submission) for level in below.values()]
    note = f"also there, not graded: {', '.join(unused)}" if unused else ""
    return Located(assignment, path=_rel(top.file, submission), note=note), top.file


@dataclass(frozen=True)
class Location:
    """Where a submission's modules are: ``located`` (as data, for the record) and ``files``,
    each found assignment's module or notebook."""

    submission: Path
    located: tuple[Located, ...]
    files: dict[str, Path] = field(default_factory=dict)

    def inputs(self, assignment: str) -> list[Path]:
        """What is graded of an assignment found: its folder (``<a>/`` with what is next to the
        module), or a flat module and the other ``.py`` files beside it, or a flat notebook."""
        file = self.files[assignment]
        if file.parent.name == assignment and file.stem == assignment:
            return [file.parent]
        if file.suffix == ".py":
            return sorted(p for p in file.parent.glob("*.py") if p.is_file() or p.is_symlink())
        return [file]


def locate(submission: Path, assignments: Sequence[str]) -> Location:
    """Find each of ``assignments`` in ``submission`` (see the module's docstring)."""
    submission = Path(submission)
    located, files = [], {}
    for assignment in assignments:
        entry, file = _locate_one(submission, assignment)
        located.append(entry)
        if file is not None:
            files[assignment] = file
    return Location(submission, tuple(located), files)


def assignments_present(submission: Path) -> list[str]:
    """The assignments ``submission`` holds a module or a notebook of, in any layout."""
    return list(locate(submission, ASSIGNMENTS).files)


def _holds_work(folder: Path) -> bool:
    return any(not _level(folder, a, folder).empty for a in ASSIGNMENTS)


def looks_like_a_class(folder: Path) -> bool:
    """A folder of student folders (nbgrader's submitted/ tree), rather than one submission:
    it holds no assignment itself and at least two of its folders do (one folder holding them
    is a submission handed in one folder down)."""
    return folder.is_dir() and not _holds_work(folder) and sum(_holds_work(p) for p in _subfolders(folder)) >= 2


# --- a folder ready to grade -------------------------------------------------------------------


@dataclass(frozen=True)
class Materialized:
    """A submission ready to grade: ``folder`` holds ``<a>/<a>.py`` for every assignment found;
    ``shown_as`` says what to call paths in ``folder`` in messages ((path, shown) pairs, the
    longest first); ``notebooks`` the (assignment, notebook as shown) of each module extracted
    from a notebook; ``temporary`` is true when ``folder`` is a copy to remove afterwards."""

    folder: Path
    shown_as: tuple[tuple[str, str], ...] = ()
    temporary: bool = False
    notebooks: tuple[tuple[str, str], ...] = ()

    def cleanup(self) -> None:
        if self.temporary:
            shutil.rmtree(self.folder, ignore_errors=True)


def _in_place(location: Location) -> Path | None:
    """The folder that already holds every found assignment as ``<a>/<a>.py``, if one does."""
    roots = {file.parent.parent for file in location.files.values()}
    if len(roots) == 1 and all(file == file.parent.parent / module_file(a) for a, file in location.files.items()):
        return roots.pop()
    return None


def _copy_file(source: Path, target: Path) -> None:
    if source.is_symlink():  # a link stays a link (the sandbox does not follow it out)
        target.symlink_to(os.readlink(source))
    else:
        shutil.copyfile(source, target)


def materialize(location: Location) -> Materialized:
    """A folder laid out like ``assignments/`` with every found assignment's module: the
    submission itself (or its folder one level down) when it is laid out so; otherwise a
    temporary copy, with each flat module moved into its folder (with the ``.py`` files beside
    it) and each notebook's code extracted (messages then name the files handed in)."""
    if not location.files:
        return Materialized(location.submission)
    root = _in_place(location)
    if root is not None:
        return Materialized(root)
    copy = Path(tempfile.mkdtemp(prefix="autograder-submission-"))
    files_shown, folders_shown, notebooks = [], [], []
    for assignment, file in location.files.items():
        target = copy / assignment
        if file.parent.name == assignment and file.stem == assignment:
            shutil.copytree(file.parent, target, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        else:
            target.mkdir()
            if file.suffix == ".py":
                for helper in location.inputs(assignment):
                    _copy_file(helper, target / helper.name)
        module = copy / module_file(assignment)
        if file.suffix == ".ipynb":
            try:
                module.write_text(notebook_module(json.loads(file.read_text())))
            except (ValueError, UnicodeDecodeError, OSError) as error:
                module.write_text(f"raise SyntaxError({f'{file.name} is not a readable notebook: {error}'!r})\n")
            files_shown.append((str(module), str(file)))
            notebooks.append((assignment, str(file)))
        elif file.name != module.name or file.parent.name != assignment:
            files_shown.append((str(module), str(file)))
        folders_shown.append((str(target), str(file.parent)))
    shown_as = (*files_shown, *sorted(folders_shown, key=lambda pair: -len(pair[0])),
                (str(copy), str(location.submission)))
    return Materialized(copy, tuple(shown_as), temporary=True, notebooks=tuple(notebooks))


def materialize_notebooks(submission: Path, assignments: Sequence[str]) -> Materialized:
    """:func:`materialize` of what :func:`locate` finds (kept for callers of the earlier name)."""
    return materialize(locate(submission, assignments))

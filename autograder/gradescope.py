"""Gradescope: the autograder zip (:func:`write_zip`) and what runs inside it (:func:`run`).

``python -m autograder gradescope OUT.zip [--assignment NAME]...`` writes a zip that Gradescope
takes as a programming assignment's autograder: ``setup.sh`` and ``run_autograder`` at its root,
``requirements.txt`` (the grader's requirements pinned to the versions it was built with, PyTorch
as its CPU build), ``gradescope.json`` (the assignments it grades), the grader package (hidden
checks and the oracles' ``expected.npz`` included; not the instructor-only oracles that computed
them) and the reference of each assignment it grades, and nothing else.

Gradescope builds an image once with ``setup.sh`` (as root, the zip extracted to
``/autograder/source``), then for each upload puts the student's files in
``/autograder/submission`` and runs ``run_autograder``, which must write
``/autograder/results/results.json``. Two environment variables make the same zip run
anywhere else, and nothing else differs: ``AUTOGRADER_ROOT`` (default ``/autograder``) and
``AUTOGRADER_PYTHON`` (the Python ``setup.sh`` installs into and ``run_autograder`` runs; by
default a virtual environment ``setup.sh`` makes in ``$AUTOGRADER_ROOT/venv``).

:func:`run` grades what was uploaded (a module, a notebook, in a folder or not: every layout
``grade`` takes) with the isolated grader, student code as the user ``nobody`` where the grader
runs as root (Gradescope's advice), one assignment after another, and always writes
``results.json``: an empty, misnamed or broken upload gets 0 points and a message saying what to
upload; a grader that fails, or Gradescope's time limit coming near, still leaves a results file.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import threading
import time
import traceback
import zipfile
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from . import paths
from .core.report import format_points, status_text, submission_results
from .core.results import CheckResult, Failure, SubmissionRecord
from .core.runner import result_without_running
from .suites import chosen_assignments, load_suite, module_file

__all__ = ["CONFIG", "TORCH_INDEX", "in_container", "run", "write_zip", "zip_requirements"]

CONFIG = "gradescope.json"
TORCH_INDEX = "https://download.pytorch.org/whl/cpu"  # PyTorch's own index of its CPU-only builds
DEADLINE_SECONDS = 540.0  # Gradescope's default limit is 10 minutes: results.json is written before it
WORKER_USER = "nobody"

SETUP_SH = r"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (the zip extracted to
# /autograder/source). Written by `python -m autograder gradescope`; do not edit, regenerate.
#
# AUTOGRADER_ROOT   where the zip's folders are (default /autograder, Gradescope's)
# AUTOGRADER_PYTHON the Python to install into and grade with (default: a virtual environment
#                   made here in $AUTOGRADER_ROOT/venv, from a Python 3.11+ found or installed)
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"

find_python() {
    for candidate in python3.11 python3.12 python3.13 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return
        fi
    done
}

if [ -n "${AUTOGRADER_PYTHON:-}" ]; then
    PY="$AUTOGRADER_PYTHON"
else
    BASE="$(find_python)"
    if [ -z "$BASE" ]; then  # Gradescope's Ubuntu images: Python 3.11 from the distribution
        apt-get update -q
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3.11 python3.11-venv
        BASE=python3.11
    fi
    if ! "$BASE" -m venv "$ROOT/venv"; then  # Debian and Ubuntu ship venv's pip apart
        VENV_PACKAGE="$("$BASE" -c 'import sys; print(f"python3.{sys.version_info[1]}-venv")')"
        apt-get update -q
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$VENV_PACKAGE"
        "$BASE" -m venv "$ROOT/venv"
    fi
    PY="$ROOT/venv/bin/python"
fi

echo "setup.sh: installing the grader's requirements into $("$PY" -c 'import sys; print(sys.prefix)')"
# PyTorch first, its CPU build from PyTorch's own index (PyPI's Linux wheel is the multi-GB CUDA
# build); then the rest, pinned, from PyPI (PyTorch already there as pinned).
PIP=("$PY" -m pip install --no-cache-dir --disable-pip-version-check)
"${PIP[@]}" --extra-index-url __TORCH_INDEX__ "$(grep -E '^torch==' "$SOURCE/requirements.txt")"
"${PIP[@]}" -r "$SOURCE/requirements.txt"
# The grader itself, where it is: its folder on that Python's path (a .pth file)
SITE="$("$PY" -c 'import site; print(site.getsitepackages()[0])')"
echo "$SOURCE" > "$SITE/dl-autograder.pth"
# The targets of the end-to-end checks computed once, here, so that they are in the image and
# every submission finds them; this also proves that the grader runs.
cd "$ROOT"
AUTOGRADER_CACHE_DIR="$ROOT/cache" "$PY" -m autograder gradescope-run prepare --root "$ROOT"
# The reference, the hidden checks and the cache are root's alone (student code runs as nobody,
# and its workers are forked with what they need already imported).
chmod -R go-rwx "$SOURCE" "$ROOT/cache"
""".replace("__TORCH_INDEX__", TORCH_INDEX)

RUN_AUTOGRADER = r"""#!/usr/bin/env bash
# Gradescope runs this for every upload (the files in /autograder/submission); it writes
# /autograder/results/results.json, always. Written by `python -m autograder gradescope`.
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PY="${AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}"
RESULTS="$ROOT/results/results.json"
mkdir -p "$ROOT/results"
rm -f "$RESULTS"
# Gradescope stops at 10 minutes; the grader writes its results by 9 (--deadline), and is killed
# at 9.5 whatever it is doing, so that the fallback below still writes a results file.
cd "$ROOT" && AUTOGRADER_CACHE_DIR="$ROOT/cache" timeout -s KILL 570 \
    "$PY" -m autograder gradescope-run run --root "$ROOT"
status=$?
if [ ! -s "$RESULTS" ]; then  # the grader could not even start: a results file all the same
    cat > "$RESULTS" <<EOF
{"score": 0, "visibility": "visible", "stdout_visibility": "hidden", "tests": [],
 "output": "The autograder could not run (exit status $status). Not a problem of your upload: tell your instructor."}
EOF
fi
exit 0
"""


# --- the zip -----------------------------------------------------------------------------------


def zip_requirements() -> str:
    """The grader's own requirements pinned to the versions installed here (those it was built
    and tested with); PyTorch as its CPU build, from PyTorch's index."""
    from .release import grader_requirements

    lines = ["# The grader's requirements, pinned to the versions the zip was built with (setup.sh installs",
             f"# PyTorch's CPU build from {TORCH_INDEX} first)."]
    own, _ = grader_requirements()
    for requirement in own:
        name = re.match(r"[A-Za-z0-9_.-]+", requirement).group()
        version = metadata.version(name)
        if name.lower() == "torch":  # the CPU build, whatever build the zip was made with
            version = version.split("+")[0] + "+cpu"
        lines.append(f"{name}=={version}")
    return "\n".join(lines) + "\n"


def zip_files(names: Sequence[str], solutions: Path | None = None) -> dict[str, bytes | Path]:
    """Every file of the zip: its name in the zip, and its content or the file to copy."""
    solutions = Path(solutions or paths.solutions_dir())
    files: dict[str, bytes | Path] = {
        "setup.sh": SETUP_SH.encode(),
        "run_autograder": RUN_AUTOGRADER.encode(),
        "requirements.txt": zip_requirements().encode(),
        CONFIG: (json.dumps({"assignments": list(names)}, indent=2) + "\n").encode(),
    }
    for path in sorted(paths.PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix in (".py", ".npz") \
                and path.name != "oracle.py":  # the oracles wrote expected.npz; grading never runs them
            files[f"autograder/{path.relative_to(paths.PACKAGE).as_posix()}"] = path
    for name in names:
        reference = solutions / module_file(name)
        if not reference.is_file():
            raise FileNotFoundError(f"reference solution {reference} not found (pass --solutions DIR)")
        files[f"solutions/{module_file(name)}"] = reference
    return files


def write_zip(out: Path, names: Sequence[str] = (), solutions: Path | None = None) -> list[str]:
    """Write Gradescope's autograder zip for ``names`` (all assignments by default) to ``out``."""
    names = chosen_assignments(names)
    for name in names:
        if not load_suite(name).has_hidden:
            raise FileNotFoundError(f"the hidden checks of {name} are not installed: the zip needs them")
    files = zip_files(names, solutions)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            executable = name in ("setup.sh", "run_autograder")
            info.external_attr = ((0o100755 if executable else 0o100644) << 16)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content if isinstance(content, bytes) else content.read_bytes())
    partial.replace(out)
    return list(files)


# --- inside Gradescope's container -------------------------------------------------------------


def upload_help(names: Sequence[str]) -> str:
    """What a student should upload, said for the assignments this autograder grades."""
    files = " and ".join(f"{module_file(n).split('/')[-1]} (or your notebook {n}.ipynb)" for n in names)
    return (f"Upload {files}: the file{'s' if len(names) > 1 else ''} you edited, named exactly so, on its own or "
            "in one folder (a zip of that folder works too).")


def _configured(root: Path) -> tuple[str, ...]:
    return tuple(json.loads((root / "source" / CONFIG).read_text())["assignments"])


def gradescope_payload(record: SubmissionRecord) -> dict:
    """results.json for Gradescope: ``submission_results`` with every test numbered
    (assignment.check, as Gradescope sorts them), and a summary that says the public score only:
    the hidden checks are ``after_published`` (Gradescope hides the total while any test is),
    so no text may reveal their points before the grades are published."""
    payload = submission_results(record)
    hidden_names = sorted({name for r in record.results if r.check.hidden for name in (r.name, r.check.name)},
                          key=len, reverse=True)

    def unnamed(text: str) -> str:  # what a student sees names no hidden check before publication
        for name in hidden_names:
            text = text.replace(name, "a hidden check")
        return text

    numbers: dict[str, int] = {}
    order = {name: i for i, name in enumerate(record.assignments, start=1)}
    for test in sorted(payload["tests"], key=lambda t: t["visibility"] != "visible"):  # public ones first
        assignment = test["name"].split("/", 1)[0]
        numbers[assignment] = numbers.get(assignment, 0) + 1
        test["number"] = f"{order[assignment]}.{numbers[assignment]}"
        if test["visibility"] == "visible":
            test["output"] = unnamed(test["output"])
            if "fix_first" in test["extra_data"]:
                test["extra_data"]["fix_first"] = [unnamed(n) for n in test["extra_data"]["fix_first"]]
    public = [r for r in record.results if r.check.visibility == "visible"]
    hidden = [r for r in record.results if r.check.visibility != "visible"]
    lines = [f"Public checks: {format_points(sum(r.score for r in public))}/"
             f"{format_points(sum(r.max_score for r in public))} points."]
    handed_in = {s.assignment for s in record.assignment_statuses() if s.status not in ("missing", "ambiguous")}
    if hidden and handed_in:
        lines.append(f"Hidden checks ({format_points(sum(r.max_score for r in hidden))} points) were graded too: "
                     "their results appear when your instructor publishes the grades.")
    statuses = [s for s in record.assignment_statuses() if s.status != "graded"]
    for s in statuses:
        lines.append(unnamed(f"{s.assignment}: {status_text(s.status)}" + (f": {s.detail}" if s.detail else "")))
    if any(s.status in ("missing", "ambiguous") for s in statuses):
        lines.append(upload_help(record.assignments))
    payload["output"] = "\n".join(lines)
    payload["execution_time"] = round(record.seconds, 3)
    return payload


def _write(path: Path, payload: dict) -> None:
    from .batch import write_atomically

    write_atomically(path, json.dumps(payload, indent=2) + "\n")


def _not_graded(names: Sequence[str], message: str) -> list[CheckResult]:
    failure = Failure("grader_error", message)
    return [result_without_running(check, failure) for name in names for check in load_suite(name).checks(True)]


def run(root: Path, names: Sequence[str] | None = None, deadline: float = DEADLINE_SECONDS) -> dict:
    """Grade ``root/submission`` and write ``root/results/results.json`` (returned too)."""
    from .grading import GradingOptions, grade_submission

    started = time.perf_counter()
    names = chosen_assignments(names or _configured(root))
    target = root / "results" / "results.json"
    submission = root / "submission"
    empty = None
    if not submission.is_dir():  # nothing uploaded at all: graded as an empty folder
        empty = tempfile.TemporaryDirectory(prefix="autograder-empty-")
        submission = Path(empty.name)
    done: list[CheckResult] = []
    located = []
    written = threading.Event()
    lock = threading.Lock()

    def finish(results: list[CheckResult], error: str = "") -> dict:
        with lock:
            where = tuple(located)
        record = SubmissionRecord("submission", str(submission), tuple(names), results,
                                  time.perf_counter() - started, located=where)
        payload = gradescope_payload(record)
        if error:
            payload["output"] += "\n" + error
        with lock:
            if not written.is_set():
                _write(target, payload)
                written.set()
        return payload

    def out_of_time() -> None:  # Gradescope's limit comes near: what is graded, and 0 for the rest
        try:
            with lock:
                graded = list(done)
            rest = [n for n in names if n not in {r.check.assignment for r in graded}]
            finish(graded + _not_graded(rest, "Not graded: the autograder ran out of time before this assignment "
                                              "(Gradescope's time limit). Tell your instructor."),
                   f"The autograder ran out of time after {time.perf_counter() - started:.0f} s.")
        except BaseException:  # whatever failed, a results file all the same
            if not written.is_set():
                _write(target, {"score": 0, "output": "The autograder ran out of time. Tell your instructor.",
                                "visibility": "visible", "stdout_visibility": "hidden", "tests": []})
        finally:
            sys.stdout.flush()
            os._exit(0)

    watchdog = threading.Timer(deadline, out_of_time)
    watchdog.daemon = True
    watchdog.start()
    try:
        for name in names:  # one after the other: what is graded stays graded if time runs out
            record = grade_submission(submission, GradingOptions(assignments=(name,), jobs=1))
            with lock:
                done.extend(record.results)
                located.extend(record.located)
        return finish(done)
    except Exception as error:  # the grader failed: still a results file, and why
        traceback.print_exc()
        graded = {r.check.assignment for r in done}
        rest = [n for n in names if n not in graded]
        return finish(done + _not_graded(rest, f"Not graded: the autograder failed ({type(error).__name__}: "
                                              f"{error}). This is not a problem of your submission."))
    finally:
        watchdog.cancel()
        if empty is not None:
            empty.cleanup()


def prepare(root: Path) -> None:
    """At image build: grade the reference itself, which computes the end-to-end checks' targets
    into the cache (kept in the image) and proves the grader runs; fail loudly if it does not."""
    from .grading import GradingOptions, grade_submission

    names = _configured(root)
    record = grade_submission(root / "source" / "solutions", GradingOptions(assignments=names, jobs=1))
    print(f"setup.sh: the reference scores {format_points(record.score)}/{format_points(record.max_score)}")
    if record.score != record.max_score:
        failed = [r.name for r in record.results if not r.passed]
        raise SystemExit(f"setup.sh: the reference fails {', '.join(failed)}: the grader is broken here")


def in_container(step: str, root: Path, deadline: float = DEADLINE_SECONDS) -> int:
    """``python -m autograder gradescope-run prepare|run``: what setup.sh and run_autograder call.
    As root, student code runs as ``nobody`` unless AUTOGRADER_WORKER_USER says otherwise."""
    if os.geteuid() == 0 and "AUTOGRADER_WORKER_USER" not in os.environ:
        os.environ["AUTOGRADER_WORKER_USER"] = WORKER_USER  # student code as a user without rights
    if step == "prepare":
        prepare(root)
    else:
        print(run(root, deadline=deadline)["output"])
    return 0

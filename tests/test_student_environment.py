"""The student's side on another machine than ours: a Python that lacks a package of the
bundle's requirements, and a system without Linux's modules and timer signals (macOS, Windows).

Each situation runs the bundle's `pytest knn`, as a student types it, in a Python changed the way
that machine differs: ``DRIVER`` makes chosen imports fail, or removes the Linux-only modules and
``signal.SIGALRM`` (as on Windows), then runs pytest.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import SOLUTIONS, SUBMISSIONS

from autograder.core.checks import Suite
from autograder.core.door import Build, InProcessDoor, MissingPackage, StudentImportError
from autograder.core.runner import run_check
from autograder.environment import GRADER_PACKAGES, missing_package
from autograder.release import grader_requirements, write_bundle
from autograder.suites import ASSIGNMENTS

DRIVER = r'''
import builtins, importlib.abc, os, signal, sys

sys.path.insert(0, os.getcwd())  # the bundle's own autograder, as its pytest.ini does
options = os.environ["DRIVER_OPTIONS"].split(",")
missing = {o.split("=", 1)[1] for o in options if o.startswith("missing=")}
LINUX_ONLY = {"fcntl", "resource", "termios", "pty", "pwd", "grp", "posix"}


class Blocked(importlib.abc.MetaPathFinder):
    """Packages this Python lacks; and, as on Windows, the grader's Linux-only sandbox."""

    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in missing:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        if "windows" in options and (name == "autograder.isolation" or name.startswith("autograder.isolation.")):
            raise ImportError(f"{name}: the sandbox is Linux-only")
        return None


sys.meta_path.insert(0, Blocked())
if "windows" in options:
    for name in ("SIGALRM", "SIGPROF", "SIGVTALRM", "setitimer", "getitimer", "alarm", "ITIMER_REAL",
                 "ITIMER_PROF", "ITIMER_VIRTUAL"):
        if hasattr(signal, name):
            delattr(signal, name)
    real_import = builtins.__import__

    def windows_import(name, globals=None, locals=None, fromlist=(), level=0):
        """Linux-only modules, for the grader's code (others' imports of them already happened
        or take their own Windows path there; ``sys.modules`` would hide them from a finder)."""
        importer = (globals or {}).get("__name__") or ""
        if level == 0 and importer.split(".")[0] == "autograder" and name.split(".")[0] in LINUX_ONLY:
            raise ImportError(f"{name} is Linux-only (imported by {importer})")
        return real_import(name, globals, locals, fromlist, level)

    builtins.__import__ = windows_import
if "probe" in options:  # the blocking itself works
    for code in ("import fcntl", "import resource", "import autograder.isolation.sandbox"):
        try:
            exec(code, {"__name__": "autograder.probe"})
            print("NOT BLOCKED:", code)
        except ImportError as error:
            print("BLOCKED:", code, "-", error)
    print("SIGALRM:", hasattr(signal, "SIGALRM"), "setitimer:", hasattr(signal, "setitimer"))
    import importlib, pathlib

    modules = ["autograder.student_pytest", "autograder.notebook", "autograder.datasets", "autograder.training"]
    suites = pathlib.Path("autograder/suites").glob("*/public.py")
    modules += [f"autograder.suites.{p.parent.name}.public" for p in suites]
    for module in modules:  # every module of the student's side, each assignment's public checks
        importlib.import_module(module)
    print("IMPORTED", len(modules))
    sys.exit(0)
seconds = [o.split("=", 1)[1] for o in options if o.startswith("seconds=")]
timeout = ["--timeout", seconds[0]] if seconds else []  # a short time limit per check (the default is 30 s)
import pytest

sys.exit(pytest.main(["-p", "no:cacheprovider", *timeout, *sys.argv[1:]]))
'''


@pytest.fixture(scope="module")
def knn_bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / "student"
    write_bundle(out, ["knn"])
    return out


def student(bundle: Path, tmp_path: Path, knn: Path | str | None = None) -> Path:
    """A copy of the bundle whose knn.py is ``knn`` (a path; or code appended to the reference)."""
    folder = tmp_path / "student"
    shutil.copytree(bundle, folder)
    if isinstance(knn, Path):
        shutil.copyfile(knn, folder / "knn" / "knn.py")
    elif isinstance(knn, str):
        (folder / "knn" / "knn.py").write_text((SOLUTIONS / "knn" / "knn.py").read_text() + "\n\n" + knn)
    return folder


def pytest_in(folder: Path, *args: str, options: str = "", timeout: float = 300) -> subprocess.CompletedProcess:
    """``pytest ARGS`` in ``folder``, with a Python changed as ``options`` says (see DRIVER)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["DRIVER_OPTIONS"] = options
    return subprocess.run([sys.executable, "-c", DRIVER, *args], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=timeout)


def section(output: str, name: str) -> str:
    return output.split(f" {name} ", 1)[1] if f" {name} " in output else ""


# --- a Python without a package of the requirements ---------------------------------------------


def test_a_missing_package_is_named_with_the_command_to_install_it(knn_bundle, tmp_path):
    """Running pytest with a Python that lacks PyTorch: the checks that use it say so and how to
    install the requirements, not "the grader failed ... please report it"; the others grade."""
    folder = student(knn_bundle, tmp_path, SOLUTIONS / "knn" / "knn.py")
    proc = pytest_in(folder, "knn", options="missing=torch")
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    assert "Your Python environment lacks the package 'torch', which the checks need" in out
    assert "`python -m pip install -r requirements.txt`" in out and sys.executable in out
    assert "report it" not in out and "grader failed" not in out.lower() and "Traceback" not in out
    table = section(out, "score")
    assert re.search(r"compute_distances/values\s+0/3\s+MISSING PACKAGE", table), table
    assert re.search(r"compute_distances/shape\s+1/1\s+passed", table), table  # no torch needed there
    failed = re.search(r"(\d+) failed, (\d+) passed", out)
    assert failed and int(failed[1]) == table.count("MISSING PACKAGE") >= 1, out


def test_a_package_missing_when_the_checks_load_is_named_without_a_traceback(knn_bundle, tmp_path):
    """The grader itself cannot be imported (no NumPy): pytest stops at once with the same
    advice, instead of "ImportError while loading conftest" and a traceback."""
    folder = student(knn_bundle, tmp_path)
    proc = pytest_in(folder, "knn", options="missing=numpy")
    out = proc.stdout + proc.stderr
    assert proc.returncode == pytest.ExitCode.USAGE_ERROR, out
    assert "ERROR: Your Python environment lacks the package 'numpy', which the checks need" in out
    assert "python -m pip install -r requirements.txt" in out
    assert "Traceback" not in out and "while loading conftest" not in out


def test_scikit_learn_is_named_by_its_package(knn_bundle, tmp_path):
    folder = student(knn_bundle, tmp_path, SOLUTIONS / "knn" / "knn.py")
    proc = pytest_in(folder, "knn", "-k", "digits", options="missing=sklearn")
    assert "lacks the package 'scikit-learn'" in proc.stdout, proc.stdout + proc.stderr
    assert "1 failed" in proc.stdout


def test_missing_package_names_packages_outside_the_grader_only():
    assert missing_package(ModuleNotFoundError("No module named 'torch.nn'", name="torch.nn")) == "torch"
    assert missing_package(ModuleNotFoundError("x", name="sklearn.neighbors")) == "scikit-learn"
    assert missing_package(ModuleNotFoundError("x", name="autograder.suites.nothing")) is None  # the grader's bug
    assert missing_package(ModuleNotFoundError("x")) is None
    assert missing_package(ImportError("x", name="torch")) is None


def test_the_grader_packages_are_pyprojects_dependencies():
    own, _ = grader_requirements()
    assert sorted(GRADER_PACKAGES.values()) == sorted(re.match(r"[A-Za-z0-9_.-]+", r).group() for r in own)


def one_check_suite(body):
    suite = Suite("knn", ["f(x)"], "test")
    suite.check("f/only", points=1)(body)
    return suite.checks()[0]


def test_a_check_that_cannot_import_a_package_is_an_environment_failure(tmp_path):
    module = tmp_path / "knn" / "knn.py"
    module.parent.mkdir()
    module.write_text("def f(x):\n    return x\n")

    def needs_a_missing_package(ctx):
        import a_package_nobody_has  # noqa: F401

    def has_a_bug(ctx):
        import autograder.no_such_module  # noqa: F401

    result = run_check(one_check_suite(needs_a_missing_package), module)
    assert result.failure.kind == "environment" and result.internal_error and result.score == 0
    assert "lacks the package 'a_package_nobody_has'" in result.failure.message
    result = run_check(one_check_suite(has_a_bug), module)
    assert result.failure.kind == "grader_error"  # a module of the grader itself: its own bug


def test_a_recipe_that_cannot_import_torch_is_an_environment_failure(tmp_path, monkeypatch):
    """Recipes (the grader's code on the student's side of the door) build PyTorch objects."""
    module = tmp_path / "knn" / "knn.py"
    module.parent.mkdir()
    module.write_text("def f(x):\n    return x\n")
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now fails
    door = InProcessDoor(module)
    door.open()
    with pytest.raises(MissingPackage, match="lacks the package 'torch'") as problem:
        door.build(Build("tensor", (np.ones(2),)))
    assert problem.value.kind == "environment"
    with pytest.raises(MissingPackage, match="lacks the package 'torch'"):
        door.call("f", Build("tensor", (np.ones(2),)))


def test_a_submission_that_imports_a_missing_grader_package_is_told_what_to_install(tmp_path, monkeypatch):
    module = tmp_path / "gan" / "gan.py"
    module.parent.mkdir()
    module.write_text("import torch\n\ndef f(x):\n    return x\n")
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(StudentImportError) as problem:
        InProcessDoor(module).open()
    message = str(problem.value)
    assert message.startswith("gan.py could not be imported: ModuleNotFoundError")
    assert "lacks the package 'torch', which gan.py and the checks need" in message


# --- macOS and Windows ----------------------------------------------------------------------------


def test_the_windows_python_of_these_tests_lacks_what_windows_lacks(tmp_path):
    """The driver's blocking works (so a test below that passes under it means something), and
    every module of the student's side imports under it, every assignment's public checks too."""
    bundle = tmp_path / "student"
    write_bundle(bundle)
    proc = pytest_in(bundle, options="windows,probe")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("BLOCKED:") == 3 and "NOT BLOCKED" not in proc.stdout, proc.stdout
    assert "SIGALRM: False setitimer: False" in proc.stdout
    assert f"IMPORTED {4 + len(ASSIGNMENTS)}" in proc.stdout


@pytest.mark.parametrize("work, expected", [("reference", "14 passed"), ("stubs", "14 failed")])
def test_the_student_path_needs_nothing_linux_only(knn_bundle, tmp_path, work, expected):
    """Without fcntl, resource, the sandbox and timer signals, the bundle's pytest grades."""
    folder = student(knn_bundle, tmp_path, SOLUTIONS / "knn" / "knn.py" if work == "reference" else None)
    proc = pytest_in(folder, "knn", options="windows")
    out = proc.stdout
    assert expected in out, out + proc.stderr
    total = "22/22" if work == "reference" else "0/22"
    assert re.search(rf"Total\s+{total}", out), out
    assert "Linux-only" not in out + proc.stderr and "Traceback" not in out


def test_an_infinite_loop_times_out_without_sigalrm(knn_bundle, tmp_path):
    """No SIGALRM (Windows): the watchdog thread stops an endless loop at the time limit, the
    check fails saying so, and the run goes on to the next check."""
    folder = student(knn_bundle, tmp_path)
    shutil.copyfile(SOLUTIONS / "knn" / "knn.py", folder / "knn" / "knn.py")
    with (folder / "knn" / "knn.py").open("a") as f:
        f.write("\n\n" + (SUBMISSIONS / "infinite_loop.py").read_text())
    started = time.monotonic()
    proc = pytest_in(folder, "knn", "-k", "cross_validate_k/structure or compute_distances/shape",
                     options="windows,seconds=1", timeout=120)
    out = proc.stdout
    assert time.monotonic() - started < 60, out
    assert "1 failed, 1 passed" in out, out + proc.stderr
    assert "cross_validate_k did not finish within the time limit (1 s of CPU time per check)" in out
    assert re.search(r"cross_validate_k/structure\s+0/1\s+FAILED", section(out, "score")), out


@pytest.mark.parametrize("options", ["windows", ""], ids=["no-sigalrm", "sigalrm"])
def test_code_that_cannot_be_stopped_ends_the_run_with_the_score_so_far(knn_bundle, tmp_path, options):
    """Code that catches every interruption would hang pytest for ever: 5 s past its limit the
    run ends, with that check's failure and the score table so far (later checks not run)."""
    folder = student(knn_bundle, tmp_path)
    shutil.copyfile(SOLUTIONS / "knn" / "knn.py", folder / "knn" / "knn.py")
    with (folder / "knn" / "knn.py").open("a") as f:
        f.write("\n\n" + (SUBMISSIONS / "swallows_every_alarm.py").read_text())
    started = time.monotonic()
    proc = pytest_in(folder, "knn", "-k", "compute_distances/shape or cross_validate_k",
                     options=",".join(filter(None, [options, "seconds=1"])), timeout=120)
    out = proc.stdout
    assert time.monotonic() - started < 60, out
    assert proc.returncode == 1, out + proc.stderr
    assert ("cross_validate_k did not finish within the time limit (1 s of CPU time per check) and could not be "
            "stopped") in out
    table = section(out, "score")
    assert re.search(r"compute_distances/shape\s+1/1\s+passed", table), out
    assert re.search(r"cross_validate_k/structure\s+0/1\s+FAILED", table), out
    # the checks after it did not run: they count 0 in the maximum of a table that says it is partial
    assert "score (partial)" in out and re.search(r"cross_validate_k/folds\s+0/2\s+NOT RUN", table), out
    assert re.search(r"Total\s+1/5", table), out
    assert "the checks after it did not run" in out


DOOR_WITHOUT_SIGALRM = r"""
import os, signal, sys, threading, time
for name in ("SIGALRM", "SIGPROF", "setitimer"):
    delattr(signal, name)
from autograder.core.door import InProcessDoor, StudentTimeout

before = signal.getsignal(signal.SIGINT)
watch = sys.argv[2] == "cpu"  # a student's run: CPU time, kept by the watchdog
door = InProcessDoor(sys.argv[1], time_limit=0.5, watch_waiting=watch)
started = time.monotonic()
try:
    door.call("loop")
except StudentTimeout as timeout:
    print("TIMEOUT", round(time.monotonic() - started, 1), timeout)
print("HANDLER RESTORED", signal.getsignal(signal.SIGINT) is before)
print("THEN", InProcessDoor(sys.argv[1], time_limit=0.5, watch_waiting=watch).call("fine").value)
threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT)).start()  # a real Ctrl-C, within the limit
try:
    InProcessDoor(sys.argv[1], time_limit=30, watch_waiting=watch).call("loop")
except KeyboardInterrupt as interrupt:
    print("CTRL-C", interrupt)
"""


@pytest.mark.parametrize("clock", ["cpu", "wall"])
def test_the_door_keeps_its_time_limit_without_sigalrm(tmp_path, clock):
    """The door alone, in a Python without SIGALRM: the watchdog's interruption is a timeout,
    a real Ctrl-C still stops grading, and the process's SIGINT handler is back afterwards."""
    module = tmp_path / "m" / "m.py"
    module.parent.mkdir()
    module.write_text("def loop():\n    while True:\n        pass\n\ndef fine():\n    return 3\n")
    proc = subprocess.run([sys.executable, "-c", DOOR_WITHOUT_SIGALRM, str(module), clock], capture_output=True,
                          text=True, timeout=60)
    lines = proc.stdout.splitlines()
    assert len(lines) == 4, proc.stdout + proc.stderr
    limit = r"0.5 s of CPU time per check" if clock == "cpu" else r"0.5 s per check"
    timeout = re.fullmatch(rf"TIMEOUT ([\d.]+) loop did not finish within the time limit \({limit}\)\.", lines[0])
    assert timeout and float(timeout[1]) < 3, lines[0]
    assert lines[1:] == ["HANDLER RESTORED True", "THEN 3", "CTRL-C grading interrupted"]

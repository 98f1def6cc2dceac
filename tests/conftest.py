"""Helpers shared by the project's tests."""

from __future__ import annotations

import ast
import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
BUGBANK = Path(__file__).resolve().parent / "bugbank"
SUBMISSIONS = Path(__file__).resolve().parent / "submissions"


def module_constants(path: Path) -> dict:
    """The literal top-level assignments of a Python file (read, never executed)."""
    constants = {}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                constants[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    return constants


def overlay_submission(folder: Path, assignment: str, overlay: Path) -> Path:
    """A submission whose <assignment>.py is the reference with the overlay's definitions
    appended (later definitions win, so the overlay replaces whole functions)."""
    module = folder / assignment / f"{assignment}.py"
    module.parent.mkdir(parents=True, exist_ok=True)
    reference = (SOLUTIONS / assignment / f"{assignment}.py").read_text()
    module.write_text(f"{reference}\n\n# ---- overlay: {overlay.name} ----\n{overlay.read_text()}")
    return folder


def run_cli(*args: str, cwd: Path = ROOT, timeout: float = 600) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def root() -> Path:
    return ROOT


@contextlib.contextmanager
def busy_machine(per_core: int = 1):
    """Every core kept busy by ``per_core`` other processes while the block runs, each in a
    session of its own (as programs started elsewhere are: with the kernel's autogroup
    scheduling, processes of one session share one slice of the CPU)."""
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"], start_new_session=True)
               for _ in range(per_core * (os.cpu_count() or 2))]
    try:
        yield
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()

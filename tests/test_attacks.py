"""Hostile submissions against the isolated grader (`python -m autograder grade`).

Each file of tests/attacks/ is appended to the partly wrong example submission (which scores
BASE points on its own). For every attack: it gains no points (the assignment scores no more
than the same wrong code without the attack); the sibling assignment folder of the submission
is untouched; grading finishes within its limits with every check reported; nothing on disk
outside the output changes (the whole repository and the submission are compared before and
after); and no process it started is left. The attacker knows the real paths (ROOT, the
submission, the output file): they are written into the attack before grading.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from conftest import ROOT, module_constants

from autograder.suites import load_suite

ATTACKS = sorted((Path(__file__).parent / "attacks").glob("*.py"))
BASE = ROOT / "examples" / "partly_wrong" / "knn" / "knn.py"
# The other assignments of the attacking submission: the reference, which must keep full marks
# (two quick ones: any sibling folder shows that the attack cannot reach it).
SIBLINGS = ["svm", "softmax"]
GRADED = ["knn", *SIBLINGS]
CHECKS = sum(len(load_suite(a).checks()) for a in GRADED)


def knn_score(payload: dict) -> float:
    return sum(t["score"] for t in payload["tests"] if t["name"].startswith("knn/"))


def add_siblings(submission: Path) -> dict[str, str]:
    texts = {}
    for assignment in SIBLINGS:
        (submission / assignment).mkdir(parents=True, exist_ok=True)
        texts[assignment] = (ROOT / "solutions" / assignment / f"{assignment}.py").read_text()
        (submission / assignment / f"{assignment}.py").write_text(texts[assignment])
    return texts
LIMITS = ["--timeout", "3", "--memory", "1536", "--submission-time", "120"]


def grade(submission: Path, out: Path, cwd: Path) -> dict:
    """Grade through the CLI, with a temporary folder of its own (TMPDIR) that must be empty
    again afterwards: the grader's scratch space is cleaned up whatever the submission did.
    (Its own folder, not /tmp, so that other graders running on the machine do not count.)"""
    private_tmp = cwd / "grader-tmp"
    private_tmp.mkdir(exist_ok=True)
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", str(submission), "--json", str(out),
                           "--quiet", *LIMITS, *(f"--assignment={a}" for a in GRADED)], cwd=cwd,
                          capture_output=True, text=True, timeout=400,
                          env={**os.environ, "TMPDIR": str(private_tmp)})
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert not list(private_tmp.iterdir()), f"left behind in TMPDIR: {list(private_tmp.iterdir())}"
    return json.loads(out.read_text())


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """(size, mtime) of what a submission could harm below ``root``: every file git tracks, and
    every file of the grader's package, the reference and the tests (tracked or not). Not git's
    own bookkeeping (.git/index changes whenever someone runs `git status` in this checkout), the
    virtual environment or caches. Outside a git checkout: every file but those."""
    skip = {".venv", "__pycache__", ".pytest_cache", ".git"}
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True)
    paths = set(listed.stdout.decode().split("\0")) - {""} if listed.returncode == 0 else set()
    walked = [root / "autograder", root / "solutions", root / "tests"] if paths else [root]
    for top in walked:
        for folder, dirs, names in os.walk(top):
            dirs[:] = [d for d in dirs if d not in skip]
            paths.update(os.path.relpath(os.path.join(folder, name), root) for name in names)
    files = {}
    for relative in sorted(paths):
        try:
            info = os.lstat(root / relative)
        except OSError:
            files[relative] = (-1, -1)  # tracked but missing: a deletion must show as a change
            continue
        files[relative] = (info.st_size, info.st_mtime_ns)
    return files


def processes_with(marker: str) -> list[str]:
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                cmdline = Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if marker in cmdline:
                found.append(f"{entry.name}: {cmdline}")
    return found


@pytest.fixture(scope="module")
def base_score(tmp_path_factory) -> float:
    folder = tmp_path_factory.mktemp("base")
    (folder / "sub" / "knn").mkdir(parents=True)
    (folder / "sub" / "knn" / "knn.py").write_text(BASE.read_text())
    score = knn_score(grade(folder / "sub", folder / "out.json", folder))
    assert 0 < score < sum(c.points for c in load_suite("knn").checks())
    return score


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.stem for a in ATTACKS])
def test_attack_gains_nothing_and_harms_nothing(attack: Path, tmp_path: Path, base_score: float):
    marker = f"AGATTACK{uuid.uuid4().hex[:12]}"
    submission, out = tmp_path / "submission", tmp_path / "out" / "results.json"
    (submission / "knn").mkdir(parents=True)
    siblings = add_siblings(submission)
    code = attack.read_text()
    for key, value in {"{ROOT}": str(ROOT), "{SUBMISSION}": str(submission), "{MARKER}": marker,
                       "{OUTPUT}": str(out)}.items():
        code = code.replace(key, value)
    (submission / "knn" / "knn.py").write_text(BASE.read_text() + "\n\n# ---- attack ----\n" + code)
    repository, handed_in = snapshot(ROOT), snapshot(submission)
    tmp_before = set(os.listdir("/tmp"))

    payload = grade(submission, out, tmp_path)

    assert len(payload["tests"]) == CHECKS, "every check must be reported"
    score = knn_score(payload)
    assert score <= base_score, [t["name"] for t in payload["tests"] if t["score"] > 0]
    expected = module_constants(attack)["EXPECTED_SCORE"]
    if expected == "equal":  # the attack ran to the end (an import error would have scored 0)
        assert score == base_score, [t["output"][:300] for t in payload["tests"] if t["score"] == 0][:3]
    else:
        assert expected == "lower" and score < base_score
    others = [t for t in payload["tests"] if not t["name"].startswith("knn/")]
    failing = [t["name"] for t in others if t["status"] != "passed"]
    assert others and not failing, failing
    for assignment, text in siblings.items():
        assert (submission / assignment / f"{assignment}.py").read_text() == text
    assert snapshot(ROOT) == repository, "the repository changed"
    assert snapshot(submission) == handed_in, "the submission changed"
    assert not (ROOT / marker).exists()
    new_in_tmp = set(os.listdir("/tmp")) - tmp_before
    assert not [n for n in new_in_tmp if "results" in n or marker in n], new_in_tmp
    assert processes_with(marker) == []


@pytest.mark.parametrize("name", ["steals_the_reference", "patches_the_judges"])
def test_the_attacks_are_real_without_isolation(name, tmp_path, base_score):
    """The same attacks, run in the grader's own process (as nbgrader and otter do), succeed:
    they gain points or break the grader. The isolation is what stops them. (Only attacks that
    write nothing are run here.)"""
    submission, out = tmp_path / "submission", tmp_path / "out.json"
    (submission / "knn").mkdir(parents=True)
    code = (Path(__file__).parent / "attacks" / f"{name}.py").read_text().replace("{ROOT}", str(ROOT))
    (submission / "knn" / "knn.py").write_text(BASE.read_text() + "\n\n" + code)
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", str(submission), "--json", str(out),
                           "--quiet", "--in-process", *LIMITS], cwd=tmp_path, capture_output=True, text=True,
                          timeout=400)
    broke_the_grader = proc.returncode != 0 and "Traceback" in proc.stderr
    assert broke_the_grader or knn_score(json.loads(out.read_text())) > base_score


@pytest.mark.parametrize("layout", ["folder", "module", "notebook"])
def test_a_link_to_the_reference_is_not_graded(layout, tmp_path):
    """A submission that hands in a link to the grader's reference (its path is no secret: it is
    in this README, and /autograder/source/solutions on Gradescope) instead of code: the
    assignment's folder, its module or a notebook leading out of the submission. The grader
    copied a linked folder's target for the worker, reference and all (full marks); now nothing
    leading out of a submission is graded, and the message says why."""
    from autograder.course import build_notebook

    submission = tmp_path / "mallory"
    submission.mkdir()
    reference = ROOT / "solutions" / "knn"
    if layout == "folder":
        (submission / "knn").symlink_to(reference)
        shown = "knn/knn.py"
    elif layout == "module":
        (submission / "knn.py").symlink_to(reference / "knn.py")
        shown = "knn.py"
    else:
        notebook = tmp_path / "elsewhere" / "knn.ipynb"
        notebook.parent.mkdir()
        notebook.write_text(json.dumps(build_notebook("knn")))
        (submission / "knn.ipynb").symlink_to(notebook)
        shown = "knn.ipynb"
    out = tmp_path / "results.json"
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", str(submission), "--assignment", "knn",
                           "--public-only", "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(out.read_text())
    assert payload["score"] == 0
    assert f"{shown} leads out of the submission through a link" in proc.stdout, proc.stdout[-2000:]

"""grade-batch --cluster: a real Ray cluster on this machine (a head and a second node, each started
with `ray start` as its own processes, one CPU each), grading a class as the local pool does (the
same CSV, results and rows, byte for byte but for timings), surviving a worker killed mid-batch,
cancelling a task past its time, resuming after a Ctrl-C; a node that cannot sandbox refuses.

Nothing here is skipped: without Ray (the `cluster` extra, in the dev extra) every test fails,
saying so."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import ROOT, SUBMISSIONS, run_cli
from test_batch import read_csv, results

from autograder.course import build_notebook

RAY = Path(sys.executable).with_name("ray")
REFERENCE = (ROOT / "solutions" / "knn" / "knn.py").read_text()
PARTLY_WRONG = (ROOT / "examples" / "partly_wrong" / "knn" / "knn.py").read_text()
NODE_OPTIONS = ["--num-cpus=1", "--object-store-memory=100000000", "--disable-usage-stats"]


def _ray_installed() -> None:
    try:
        import ray  # noqa: F401
    except ImportError as error:  # fail, never skip: the cluster tests are part of the suite
        pytest.fail(f"Ray is not installed ({error}): pip install -e '.[cluster]' (dev.sh installs it)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _processes_of(temp: Path) -> list[int]:
    """Every process of the Ray cluster kept in ``temp``: those naming it, and their descendants."""
    parents, named = {}, []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            state, parent = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
            if state == "Z":  # ended, not yet reaped
                continue
            parents[int(entry.name)] = int(parent)
            if str(temp) in (entry / "cmdline").read_bytes().decode(errors="replace"):
                named.append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    found, todo = set(named), list(named)
    while todo:
        pid = todo.pop()
        for child, parent in parents.items():
            if parent == pid and child not in found:
                found.add(child)
                todo.append(child)
    return sorted(found)


def grading_tasks() -> list[int]:
    """Ray workers running a grading task."""
    tasks = []
    for entry in Path("/proc").iterdir():
        try:
            if (entry / "cmdline").read_bytes().startswith(b"ray::grade_on_node"):
                tasks.append(int(entry.name))
        except (OSError, ValueError):
            continue
    return tasks


def orphaned_workers() -> list[int]:
    """Sandboxed workers or fork servers whose grader is gone: adopted by init or by a subreaper
    (a raylet), not the child of a grader (a Python process, "ray::..." in a Ray worker)."""
    orphans = []
    for entry in Path("/proc").iterdir():
        try:
            if "autograder.isolation.zygote" not in (entry / "cmdline").read_bytes().decode(errors="replace"):
                continue
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = Path(f"/proc/{parent}/cmdline").read_bytes() if parent > 1 else b""
            if not (command.startswith(b"ray::") or b"python" in command):
                orphans.append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    return orphans


@pytest.fixture(scope="module")
def cluster():
    """A Ray head and a second node on 127.0.0.1, one CPU each; torn down with every process."""
    _ray_installed()
    temp = Path(tempfile.mkdtemp(prefix="rt", dir="/tmp"))  # short: Ray's socket paths must be
    port = _free_port()
    address = f"127.0.0.1:{port}"
    env = {**os.environ, "RAY_ADDRESS": ""}
    try:
        head = subprocess.run([str(RAY), "start", "--head", f"--port={port}", "--include-dashboard=false",
                               f"--temp-dir={temp}", *NODE_OPTIONS], capture_output=True, text=True, env=env,
                              timeout=120)
        assert head.returncode == 0, head.stdout + head.stderr
        node = subprocess.run([str(RAY), "start", f"--address={address}", *NODE_OPTIONS], capture_output=True,
                              text=True, env=env, timeout=120)
        assert node.returncode == 0, node.stdout + node.stderr
        yield address
    finally:
        for pid in _processes_of(temp):  # a throw-away cluster: nothing to end gracefully
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        deadline = time.monotonic() + 5
        while _processes_of(temp) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _processes_of(temp) == [], "the test cluster's processes outlived it"
        shutil.rmtree(temp, ignore_errors=True)


def put(root: Path, path: str, text: str) -> None:
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(text)


def make_class(root: Path) -> Path:
    """Every kind of submission a class hands in: the reference, partly wrong code, the stub, an
    endless loop, nothing, a flat module that raises (its path in the messages), a notebook in a
    folder that raises (its cells in the messages), and two hostile ones (one looks for the
    reference, one hands in a link to where it might be)."""
    put(root, "alice/knn/knn.py", REFERENCE)
    put(root, "bob/knn/knn.py", PARTLY_WRONG)
    put(root, "carol/knn/knn.py", (ROOT / "assignments" / "knn" / "knn.py").read_text())
    put(root, "dave/knn/knn.py", REFERENCE + "\n" + (SUBMISSIONS / "infinite_loop.py").read_text())
    (root / "erin").mkdir(parents=True)
    put(root, "frank/knn.py", REFERENCE + "\n\ndef compute_distances(X_train, X_test):\n    return {}['x']\n")
    notebook = build_notebook("knn")
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code" and "def compute_distances" in "".join(cell["source"]):
            cell["source"] = "def compute_distances(X_train, X_test):\n    return 1 / 0\n"
    put(root, "gina/work/knn.ipynb", json.dumps(notebook))
    attack = (Path(__file__).parent / "attacks" / "steals_the_reference.py").read_text().replace("{ROOT}", str(ROOT))
    put(root, "mallory/knn/knn.py", PARTLY_WRONG + "\n" + attack)
    (root / "oscar").mkdir()  # a link where, on a node, the references were once unpacked beside it
    (root / "oscar" / "knn").symlink_to("../../solutions/knn")
    return root


def grade(root: Path, out: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", "grade-batch", str(root), "--out", str(out),
                           "--timeout", "2", *extra], cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "RAY_ADDRESS": "", **(env or {})})


def start(root: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "autograder", "grade-batch", str(root), "--out", str(out),
                             "--timeout", "2", *extra], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "RAY_ADDRESS": ""})


def metas(folder: Path) -> dict:
    return {p.name: json.loads(p.read_text()) for p in folder.glob("*.meta.json")}


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    """The class graded by the local pool (--jobs 2): what the cluster must match."""
    work = tmp_path_factory.mktemp("local")
    root = make_class(work / "class")
    proc = grade(root, work / "local.csv", "--jobs", "2")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return root, (work / "local.csv").read_text(), results(work / "local-results"), metas(work / "local-results")


def test_the_cluster_grades_a_class_as_the_local_pool_does_and_a_rerun_grades_nothing(cluster, local, tmp_path):
    root, csv_text, local_results, local_metas = local
    out = tmp_path / "grades.csv"
    proc = grade(root, out, "--cluster", cluster)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"on the Ray cluster at {cluster} (from --cluster): 2 node(s), 2 CPU(s)" in proc.stderr
    assert out.read_text() == csv_text
    assert results(tmp_path / "grades-results") == local_results
    assert metas(tmp_path / "grades-results") == local_metas  # rows and fingerprints
    _, rows = read_csv(out)
    assert {r["student"]: r["knn"] for r in rows} == {
        "alice": "31", "bob": "19", "carol": "0", "dave": "25", "erin": "0", "frank": "1", "gina": "1",
        "mallory": "19", "oscar": "0"}
    assert next(r["status"] for r in rows if r["student"] == "oscar") == "missing"  # here, the link leads nowhere
    # the messages name the head's files, not the node's copies
    frank = (tmp_path / "grades-results" / "frank.json").read_text()
    assert f"{root}/frank/knn.py" in frank and "autograder-node-" not in frank
    assert "knn.ipynb" in (tmp_path / "grades-results" / "gina.json").read_text()
    assert "Landlock ABI" in proc.stderr and "WARNING" not in proc.stderr
    # RAY_ADDRESS, Ray's own convention, points at the cluster too; nothing changed: nothing graded
    again = grade(root, out, env={"RAY_ADDRESS": cluster})
    assert again.returncode == 0, again.stderr
    assert "(from RAY_ADDRESS)" in again.stderr and "9/9 submissions (9 unchanged, skipped)" in again.stderr
    assert out.read_text() == csv_text


def test_a_worker_killed_mid_batch_loses_no_student_and_grades_none_twice(cluster, local, tmp_path):
    root, csv_text, local_results, _ = local
    out = tmp_path / "grades.csv"
    batch = start(root, out, "--cluster", cluster)
    killed = None
    deadline = time.monotonic() + 120
    while killed is None and time.monotonic() < deadline and batch.poll() is None:
        for pid in grading_tasks():
            time.sleep(1.0)  # in the middle of grading
            if pid in grading_tasks():  # still grading ("ray::IDLE" once its task is done)
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
                    killed = pid
            break
        time.sleep(0.1)
    stdout, stderr = batch.communicate(timeout=600)
    assert killed is not None, "no Ray worker was seen grading"
    assert batch.returncode == 0, stdout + stderr
    # killed while it graded a submission, it never sent that record: Ray ran the task again
    assert out.read_text() == csv_text  # every student once, graded as locally
    students = [row["student"] for row in read_csv(out)[1]]
    assert sorted(students) == sorted(set(students)) and len(students) == 9
    assert results(tmp_path / "grades-results") == local_results
    time.sleep(1)
    assert orphaned_workers() == [], "a killed task's sandboxed workers outlived it"


def test_a_task_past_its_time_is_cancelled_and_scores_0(cluster, tmp_path):
    root = tmp_path / "class"
    put(root, "alice/knn/knn.py", REFERENCE)
    put(root, "dave/knn/knn.py", REFERENCE + "\n" + (SUBMISSIONS / "infinite_loop.py").read_text())
    out = tmp_path / "grades.csv"
    started = time.monotonic()
    proc = grade(root, out, "--cluster", cluster, "--timeout", "60", "--task-time", "8")
    took = time.monotonic() - started
    assert proc.returncode == 0, proc.stdout + proc.stderr
    _, rows = read_csv(out)
    by_student = {r["student"]: r for r in rows}
    assert by_student["alice"]["knn"] == "31" and by_student["alice"]["status"] == "graded"
    assert by_student["dave"]["knn"] == "0" and by_student["dave"]["status"] == "timed out"
    assert "took more than 8 s of the clock, and was cancelled" in by_student["dave"]["detail"]
    dave = json.loads((tmp_path / "grades-results" / "dave.json").read_text())
    assert dave["score"] == 0 and all("was cancelled" in t["output"] for t in dave["tests"])
    assert took < 60, f"the cancelled batch took {took:.0f} s"
    time.sleep(1)
    assert orphaned_workers() == [], "the cancelled task's endless loop still runs"


def test_a_ctrl_c_ends_the_batch_and_the_same_command_resumes(cluster, local, tmp_path):
    whole, _, local_results, _ = local
    root, out, folder = tmp_path / "class", tmp_path / "grades.csv", tmp_path / "grades-results"
    for student in ("alice", "bob", "carol", "mallory"):  # messages naming no path
        shutil.copytree(whole / student, root / student)
    batch = start(root, out, "--cluster", cluster)
    deadline = time.monotonic() + 120
    while not metas(folder) and batch.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert batch.poll() is None, batch.communicate()
    batch.send_signal(signal.SIGINT)
    _, stderr = batch.communicate(timeout=60)
    assert batch.returncode == 130 and "run the same command to resume" in stderr, stderr
    kept = len(metas(folder))
    assert 1 <= kept < 4
    deadline = time.monotonic() + 15  # the cluster stops grading for a batch that is gone
    while grading_tasks() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert grading_tasks() == []
    proc = grade(root, out, "--cluster", cluster)
    assert proc.returncode == 0, proc.stderr
    assert f"4/4 submissions ({kept} unchanged, skipped)" in proc.stderr
    assert results(folder) == {name: graded for name, graded in local_results.items()
                               if name.split(".")[0] in ("alice", "bob", "carol", "mallory")}
    time.sleep(1)
    assert orphaned_workers() == []


WEAK_NODE = """\
import importlib.abc, importlib.machinery, sys

class _Weak(importlib.abc.MetaPathFinder):
    '''This machine's kernel as one without Landlock, for the grader's sandbox.'''
    def find_spec(self, name, path, target=None):
        if name != "autograder.isolation.sandbox":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            module.landlock_abi = lambda: 0

        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, _Weak())
"""


def test_a_node_without_landlock_refuses_unless_allowed(tmp_path):
    """On a Ray instance whose node has no Landlock (the kernel's answer patched at start-up):
    every task refused, loudly, and graded by nobody; with --allow-weak-nodes the node grades
    (tried on the node's own function, without starting Ray a second time)."""
    _ray_installed()
    root = tmp_path / "class"
    put(root, "alice/knn/knn.py", REFERENCE)
    patch = tmp_path / "weak"
    put(patch, "sitecustomize.py", WEAK_NODE)
    env = {"PYTHONPATH": f"{patch}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    out = tmp_path / "grades.csv"
    refused = grade(root, out, "--cluster", "local", "--jobs", "1", env=env)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    says = "cannot sandbox student code (NO Landlock"
    assert says in refused.stdout and "warning: node " in refused.stderr and says in refused.stderr
    assert "--allow-weak-nodes" in refused.stdout
    assert read_csv(out)[1][0]["status"] == "not graded"
    assert not (tmp_path / "grades-results" / "alice.json").exists()
    on_node = """if True:
        import json, sys
        from pathlib import Path
        from autograder.cluster import NodeRefused, grade_on_node, pack_folder, package_digest
        from autograder.grading import GradingOptions
        options = GradingOptions(assignments=("knn",))
        args = ("alice", "alice", sys.argv[1], pack_folder(Path(sys.argv[1])),
                {"knn": pack_folder(options.solutions / "knn")}, options, package_digest())
        try:
            grade_on_node(*args, allow_weak=False)
        except NodeRefused as error:
            print("refused:", error)
        reply = grade_on_node(*args, allow_weak=True)
        print(json.dumps({"score": sum(r["score"] for r in reply["record"]["results"]),
                          "isolation": reply["isolation"], "folder": reply["record"]["folder"]}))
    """
    allowed = subprocess.run([sys.executable, "-c", on_node, str(root / "alice")], capture_output=True, text=True,
                             env={**os.environ, **env}, timeout=300)
    assert allowed.returncode == 0, allowed.stderr
    assert "refused: node " in allowed.stdout and says in allowed.stdout
    reply = json.loads(allowed.stdout.splitlines()[-1])
    assert reply["score"] == 31 and "NO Landlock" in reply["isolation"] and reply["folder"] == str(root / "alice")


def test_cluster_mistakes_end_at_once_with_what_to_do(tmp_path):
    root = tmp_path / "class"
    put(root, "alice/knn/knn.py", REFERENCE)
    port = _free_port()  # nothing listens there
    started = time.monotonic()
    proc = run_cli("grade-batch", str(root), "--out", str(tmp_path / "g.csv"), "--cluster", f"127.0.0.1:{port}")
    assert proc.returncode == 2 and f"cannot reach the Ray cluster at 127.0.0.1:{port}" in proc.stderr
    assert "ray start --head" in proc.stderr and time.monotonic() - started < 30
    proc = run_cli("grade-batch", str(root), "--out", str(tmp_path / "g.csv"), "--task-time", "5")
    assert proc.returncode == 2 and "--task-time is for grading on a cluster" in proc.stderr
    proc = run_cli("grade-batch", str(root), "--out", str(tmp_path / "g.csv"), "--cluster", "10.0.0.1:6379",
                   "--jobs", "2")
    assert proc.returncode == 2 and "--jobs is for this machine" in proc.stderr
    # Ray missing: the error names the extra to install
    hide = tmp_path / "noray"
    put(hide, "sitecustomize.py", "import sys\nsys.modules['ray'] = None  # import ray raises ImportError\n")
    proc = grade(root, tmp_path / "g.csv", "--cluster", "local", env={"PYTHONPATH": str(hide)})
    assert proc.returncode == 2 and "grading on a cluster needs Ray" in proc.stderr
    assert 'dl-autograder[cluster]' in proc.stderr
    assert not (tmp_path / "g.csv").exists()


def test_a_submission_travels_as_data_links_as_links_and_big_ungraded_files_empty(tmp_path):
    from autograder.cluster import pack_folder, unpack_folder

    source = tmp_path / "s"
    put(source, "knn/knn.py", REFERENCE)
    put(source, "knn/data.bin", "x" * 3000)  # graded (in the assignment's folder): whole, whatever its size
    put(source, "notes/big.txt", "y" * 3000)  # not graded, above the bound: sent empty
    put(source, "notes/small.txt", "z")
    put(source, "knn/__pycache__/knn.cpython-311.pyc", "junk")
    (source / "empty").mkdir()
    (source / "steal.py").symlink_to("/etc/passwd")
    put(source, "knn/huge.bin", "h" * 300_000)  # graded, above the limit on a folder: its size only
    entries = pack_folder(source, whole=[source / "knn"], whole_below=1000, limit=200_000)
    assert ["knn/huge.bin", "sized", 300_000] in entries
    target = unpack_folder(entries, tmp_path / "t" / "s")
    assert (target / "knn" / "knn.py").read_text() == REFERENCE
    assert (target / "knn" / "data.bin").read_text() == "x" * 3000
    assert (target / "knn" / "huge.bin").stat().st_size == 300_000  # as big, for the grader's own limit
    assert (target / "notes" / "big.txt").read_text() == "" and (target / "notes" / "small.txt").read_text() == "z"
    assert (target / "empty").is_dir() and not (target / "knn" / "__pycache__").exists()
    assert (target / "steal.py").is_symlink() and os.readlink(target / "steal.py") == "/etc/passwd"
    for bad in ("../out.py", "/tmp/out.py", "a/../../out.py"):
        with pytest.raises(Exception, match="leaves its folder"):
            unpack_folder([[bad, "file", b"x"]], tmp_path / "u")
    assert not (tmp_path / "out.py").exists()
    outside = tmp_path / "outside"
    outside.mkdir()
    for entries in ([["b", "link", str(outside)], ["b/f", "file", b"x"]],  # through a link packed before
                    [["f", "link", str(outside / "f")], ["f", "file", b"x"]]):  # over a link
        with pytest.raises(Exception, match="leaves its folder through a link|exists"):
            unpack_folder(entries, tmp_path / f"v{len(list(tmp_path.iterdir()))}")
    assert list(outside.iterdir()) == []

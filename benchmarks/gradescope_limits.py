"""A full submission graded as on Gradescope, within Gradescope's default limits: 768 MB of
memory, half a vCPU, 10 minutes. Runs `python -m autograder gradescope-run run` (what the zip's
run_autograder calls) on an upload of all eight assignments, once with the reference and once
with the slowest correct code the course teaches (the bug bank's `correct_naive_loops.py`, loops
over elements), inside a cgroup with those limits when this machine lets us make one (root,
cgroup v1 or v2), and prints the time, the peak memory (the processes' proportional set size,
sampled; and the cgroup's own peak, page cache included, after dropping the machine's page cache
where root may, so that the libraries are read and charged anew as in a fresh container) and the
score. The ratios are against
Gradescope's limits: below 1 fits."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import ROOT

sys.path.insert(0, str(ROOT))
from autograder.suites import ASSIGNMENTS  # noqa: E402

MEMORY_LIMIT = 768 << 20
CPU_SHARE = 0.5  # half a vCPU
TIME_LIMIT = 600.0


class Limited:
    """A cgroup (v1 or v2) capping memory and CPU like Gradescope's container, if we may make one."""

    def __init__(self, name: str) -> None:
        self.paths: dict[str, Path] = {}
        v2 = Path("/sys/fs/cgroup/cgroup.controllers")
        try:
            if v2.exists():
                path = Path("/sys/fs/cgroup") / name
                path.mkdir(exist_ok=True)
                (path / "memory.max").write_text(str(MEMORY_LIMIT))
                (path / "cpu.max").write_text(f"{int(CPU_SHARE * 100000)} 100000")
                self.paths = {"memory": path, "cpu": path, "v2": path}
            else:
                memory = Path("/sys/fs/cgroup/memory") / name
                cpu = Path("/sys/fs/cgroup/cpu") / name
                memory.mkdir(exist_ok=True)
                cpu.mkdir(exist_ok=True)
                (memory / "memory.limit_in_bytes").write_text(str(MEMORY_LIMIT))
                (cpu / "cpu.cfs_period_us").write_text("100000")
                (cpu / "cpu.cfs_quota_us").write_text(str(int(CPU_SHARE * 100000)))
                self.paths = {"memory": memory, "cpu": cpu}
        except OSError as error:
            self.why = f"no cgroup ({error}): unconstrained, on this machine's cores"
            self.paths = {}
        else:
            self.why = "in a cgroup of 768 MB and half a CPU (" + ("v2" if "v2" in self.paths else "v1") + ")"

    def enter(self) -> None:  # in the child, before exec
        for path in {p for k, p in self.paths.items() if k != "v2"}:
            (path / "cgroup.procs").write_text(str(os.getpid()))

    def peak(self) -> int | None:
        memory = self.paths.get("memory")
        for name in ("memory.peak", "memory.max_usage_in_bytes"):
            if memory is not None and (memory / name).exists():
                return int((memory / name).read_text())
        return None

    def oom_kills(self) -> int:
        memory = self.paths.get("memory")
        for name, key in (("memory.events", "oom_kill"), ("memory.oom_control", "oom_kill")):
            if memory is not None and (memory / name).exists():
                for line in (memory / name).read_text().splitlines():
                    if line.startswith(key + " "):
                        return int(line.split()[1])
        return 0

    def remove(self) -> None:
        for path in set(self.paths.values()):
            for _ in range(50):
                try:
                    path.rmdir()
                    break
                except OSError:
                    time.sleep(0.1)


def _descendants(pid: int) -> list[int]:
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo += children.get(p, [])
    return found


def _pss(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) << 10
        except OSError:
            pass
    return total


def make_upload(folder: Path, slow: bool, assignments) -> None:
    """The modules, flat, as a student uploads them; ``slow``: with the bank's loops."""
    folder.mkdir(parents=True)
    for name in assignments:
        source = (ROOT / "solutions" / name / f"{name}.py").read_text()
        loops = ROOT / "tests" / "bugbank" / name / "correct_naive_loops.py"
        if slow and loops.exists():
            source += "\n\n" + loops.read_text()
        (folder / f"{name}.py").write_text(source)


def grade(label: str, slow: bool, assignments) -> None:
    with tempfile.TemporaryDirectory(prefix="gradescope-bench-") as tmp:
        root = Path(tmp)
        (root / "source").mkdir()
        (root / "source" / "gradescope.json").write_text(json.dumps({"assignments": list(assignments)}))
        make_upload(root / "submission", slow, assignments)
        cache = root / "cache"
        # the image's cache, as setup.sh's `prepare` fills it: the reference graded once, unconstrained
        env = {**os.environ, "AUTOGRADER_CACHE_DIR": str(cache)}
        for name in assignments:
            shutil.copytree(ROOT / "solutions" / name, root / "source" / "solutions" / name)
        subprocess.run([sys.executable, "-m", "autograder", "gradescope-run", "prepare", "--root", str(root)], cwd=ROOT,
                       env=env, check=True, capture_output=True)
        limited = Limited(f"gradescope-bench-{os.getpid()}")
        try:  # as in a fresh container: the libraries' pages are read (and charged) anew
            os.sync()
            Path("/proc/sys/vm/drop_caches").write_text("3")
        except OSError:
            pass
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "autograder", "gradescope-run", "run", "--root", str(root)],
                                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                preexec_fn=limited.enter)
        peak = [0]

        def sample() -> None:
            while proc.poll() is None:
                peak[0] = max(peak[0], _pss(_descendants(proc.pid)))
                time.sleep(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, err = proc.communicate()
        wall = time.perf_counter() - started
        sampler.join()
        cgroup_peak, kills = limited.peak(), limited.oom_kills()
        limited.remove()
        results = json.loads((root / "results" / "results.json").read_text())
        possible = sum(t["max_score"] for t in results["tests"])
        if "ran out of time" in results["output"]:
            print(f"  {label}: DOES NOT FIT: the grader stopped at its deadline, before Gradescope's limit")
        print(f"  {label:<44} {results['score']:g}/{possible:g} points in {wall:6.1f} s "
              f"(ratio {wall / TIME_LIMIT:.2f} of 10 min), peak memory {peak[0] / 2**20:5.0f} MB PSS "
              f"(ratio {peak[0] / MEMORY_LIMIT:.2f} of 768 MB)"
              + (f", cgroup peak {cgroup_peak / 2**20:.0f} MB with page cache" if cgroup_peak else "")
              + (f", {kills} OOM kill(s)" if kills else ""))
        if proc.returncode or "Traceback" in err.decode(errors="replace"):
            print("    stderr:", err.decode(errors="replace")[-1500:])
        print(f"    {limited.why}")


def run(slow: bool = True, assignments=ASSIGNMENTS) -> None:
    print(f"A submission of {', '.join(assignments)} graded by run_autograder's grader, against Gradescope's "
          "default limits (768 MB, half a vCPU, 10 min):")
    grade("the reference", False, assignments)
    if slow:
        grade("the slowest correct code (loops, bank)", True, assignments)


if __name__ == "__main__":
    run()

"""Command line: ``python -m autograder grade | grade-batch | nbgrader-course | demo | stubs | bundle``.

Exit status: 0 when grading completed, whatever the score; 2 when the grader could not run
(bad arguments, a missing submission folder, missing reference or hidden checks).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from . import paths
from .core.report import failure_details, gradescope_results, score_table
from .core.runner import CheckResult, GraderError, Limits, grade_suite, in_process_doors
from .suites import ASSIGNMENTS, load_suite

EXIT_OK = 0
EXIT_GRADER = 2


class UsageError(Exception):
    pass


def isolated_doors(limits: Limits, submissions: list[Path], preload: Sequence[str] = ()):
    """Sandboxed workers that can read none of: the grader's package (hidden checks), the
    reference solutions, the repository's history and tests, and the submissions themselves
    (each worker gets a copy of its own assignment folder)."""
    from .isolation.client import worker_doors

    protected = [paths.PACKAGE, paths.solutions_dir(), paths.ROOT / ".git", paths.ROOT / "tests",
                 *[Path(p).resolve() for p in submissions]]
    return worker_doors(limits, protected, preload)


def grade(
    submission: Path,
    assignments: list[str] | None = None,
    *,
    public_only: bool = False,
    solutions: Path | None = None,
    limits: Limits = Limits(),
    isolated: bool = True,
) -> list[CheckResult]:
    """Grade one submission folder; every check of every chosen assignment gets a result.

    ``isolated`` (the default) runs student code only in sandboxed worker processes; False runs
    it in this process, as students' local pytest runs do (for debugging the grader only)."""
    submission = Path(submission)
    if not submission.is_dir():
        raise UsageError(f"submission folder {submission} does not exist or is not a folder")
    names = assignments or list(ASSIGNMENTS)
    unknown = [n for n in names if n not in ASSIGNMENTS]
    if unknown:
        raise UsageError(f"unknown assignment(s) {', '.join(unknown)}; known: {', '.join(ASSIGNMENTS)}")
    solutions = Path(solutions) if solutions else paths.solutions_dir()
    from .course import materialize_notebooks

    chosen = list(dict.fromkeys(names))
    extracted, relabels = materialize_notebooks(submission, chosen)  # notebooks handed in: their code
    try:
        results = _grade_folder(extracted or submission, chosen, public_only, solutions, limits, isolated,
                                protected=[submission.resolve()])
    finally:
        if extracted is not None:
            shutil.rmtree(extracted, ignore_errors=True)
    for result in results:
        for copy, original in relabels.items():  # the longest paths come first
            result.output = result.output.replace(copy, original)
    return results


def _grade_folder(submission: Path, names: list[str], public_only: bool, solutions: Path, limits: Limits,
                  isolated: bool, protected: list[Path]) -> list[CheckResult]:
    worker_preload = sorted({m for name in names for m in load_suite(name).worker_preload})
    open_door = isolated_doors(limits, [submission.resolve(), *protected], worker_preload) if isolated \
        else in_process_doors
    if isolated:  # while the fork server starts on another core, import what the checks will need
        for name in names:
            for module in load_suite(name).preload:
                importlib.import_module(module)
        if "torch" in sys.modules:
            # The grader's own tensors are tiny (oracles on small cases, short trainings), and the
            # student's worker runs on the other core: one thread is several times faster here.
            sys.modules["torch"].set_num_threads(1)
    results: list[CheckResult] = []
    for name in names:
        suite = load_suite(name)
        if not public_only:
            if not suite.has_hidden:
                raise UsageError(f"the hidden checks of {name} are not installed; pass --public-only to grade without them")
            reference = solutions / suite.module_file
            if not reference.is_file():
                raise UsageError(f"reference solution {reference} not found; pass --solutions DIR or --public-only")
        results += grade_suite(suite, submission, include_hidden=not public_only, solutions_dir=solutions,
                               limits=limits, open_door=open_door)
    return results


def _print_results(results: list[CheckResult], title: str, details: bool) -> None:
    print(score_table(results, title))
    if details and any(not r.passed for r in results):
        print("What went wrong")
        print("---------------")
        print(failure_details(results))
    internal = [r.name for r in results if r.internal_error]
    if internal:
        print(f"warning: the grader itself failed on {len(internal)} check(s): {', '.join(internal)}", file=sys.stderr)


def _looks_like_a_class(folder: Path) -> bool:
    """A folder of student folders (nbgrader's submitted/ tree), rather than one submission."""
    def holds_work(path: Path) -> bool:
        return any((path / n).is_dir() or (path / f"{n}.ipynb").is_file() for n in ASSIGNMENTS)

    return folder.is_dir() and not holds_work(folder) and any(holds_work(p) for p in folder.iterdir() if p.is_dir())


def _cmd_grade(args) -> int:
    if _looks_like_a_class(Path(args.submission)):
        return _grade_each_student(args)
    started = time.perf_counter()
    present = [n for n in ASSIGNMENTS if any((Path(args.submission) / n / f"{n}{ext}").is_file() for ext in (".py", ".ipynb"))]
    if Path(args.submission).is_dir() and not present:
        print(f"warning: {args.submission} holds none of {', '.join(f'{n}/{n}.py' for n in ASSIGNMENTS)} "
              "(or .ipynb)", file=sys.stderr)
    results = grade(args.submission, args.assignment, public_only=args.public_only, solutions=args.solutions,
                    limits=limits_from(args), isolated=not args.in_process)
    _print_results(results, f"Submission {args.submission}", not args.quiet)
    if not args.in_process:
        from .isolation.client import shared_zygote

        zygote = shared_zygote()
        weak = zygote.capabilities.landlock_abi == 0 or not zygote.network_isolated
        print(f"{'WARNING: weak isolation: ' if weak else ''}student code ran in sandboxed worker processes: "
              f"{zygote.describe()}", file=sys.stderr)
    else:
        print("WARNING: student code ran inside the grader (--in-process): no isolation at all", file=sys.stderr)
    if args.json:
        payload = gradescope_results(results, time.perf_counter() - started)
        target = Path(args.json)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        partial.write_text(json.dumps(payload, indent=2) + "\n")
        partial.replace(target)  # never a half-written results file
        print(f"wrote {args.json}")
    return EXIT_OK


def _grade_each_student(args) -> int:
    """`grade` on a class folder (for example nbgrader's submitted/): each student in turn."""
    if args.json:
        raise UsageError(f"{args.submission} holds one folder per student: use grade-batch (with --json-dir) "
                         "to write a results.json per student")
    from .batch import find_submissions

    totals = []
    for student, folder in find_submissions(Path(args.submission)):
        results = grade(folder, args.assignment, public_only=args.public_only, solutions=args.solutions,
                        limits=limits_from(args), isolated=not args.in_process)
        _print_results(results, f"Student {student} ({folder})", not args.quiet)
        totals.append((student, sum(r.score for r in results), sum(r.max_score for r in results)))
    print("Summary")
    for student, earned, possible in totals:
        print(f"  {student:<30} {earned:g}/{possible:g}")
    return EXIT_OK


def _cmd_grade_batch(args) -> int:
    from .batch import BatchOptions, find_submissions, grade_batch

    root = Path(args.submissions)
    if not root.is_dir():
        raise UsageError(f"submissions folder {root} does not exist or is not a folder")
    names = tuple(dict.fromkeys(args.assignment or ASSIGNMENTS))
    unknown = [n for n in names if n not in ASSIGNMENTS]
    if unknown:
        raise UsageError(f"unknown assignment(s) {', '.join(unknown)}; known: {', '.join(ASSIGNMENTS)}")
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    solutions = Path(args.solutions) if args.solutions else paths.solutions_dir()
    if not args.public_only:
        for name in names:
            if not (solutions / name / f"{name}.py").is_file():
                raise UsageError(f"reference solution {solutions / name / f'{name}.py'} not found")
    json_dir = Path(args.json_dir) if args.json_dir else Path(args.out).with_suffix("").with_name(
        Path(args.out).stem + "-results")
    options = BatchOptions(names, args.public_only, solutions, limits_from(args))
    count = len(find_submissions(root))
    print(f"Grading {count} submissions in {root} with {args.jobs} job(s); results in {json_dir}/", file=sys.stderr)
    started = time.perf_counter()
    try:
        rows = grade_batch(root, jobs=args.jobs, out=Path(args.out), json_dir=json_dir, options=options,
                           regrade=args.regrade)
    except KeyboardInterrupt:
        print("interrupted: the submissions graded so far are kept; run the same command to resume",
              file=sys.stderr)
        return 130
    failed = [r["student"] for r in rows if "error" in r]
    elapsed = time.perf_counter() - started
    print(f"wrote {args.out}: {len(rows)} students, {elapsed:.1f} s"
          + (f"; NOT graded (grader errors): {', '.join(failed)}" if failed else ""))
    return EXIT_GRADER if failed else EXIT_OK


def _cmd_demo(args) -> int:
    example = paths.EXAMPLES / "partly_wrong"
    print("=" * 72)
    print("1. The reference solutions (solutions/): every check should pass.")
    print("=" * 72)
    _print_results(grade(paths.solutions_dir()), "Submission solutions/", details=True)
    print("=" * 72)
    print(f"2. A partly wrong example submission ({example.relative_to(paths.ROOT)}/).")
    print("=" * 72)
    _print_results(grade(example), f"Submission {example.relative_to(paths.ROOT)}/", details=True)
    return EXIT_OK


def _cmd_nbgrader_course(args) -> int:
    from .course import write_course

    try:
        written = write_course(Path(args.root), args.assignment or list(ASSIGNMENTS), course_id=args.course_id,
                               timeout=args.cell_timeout)
    except ValueError as error:
        raise UsageError(str(error)) from None
    for path in written:
        print(f"wrote {Path(args.root) / path}")
    for name in args.assignment or ASSIGNMENTS:  # nbgrader takes one assignment at a time
        print(f"next: cd {args.root} && nbgrader generate_assignment {name} --force")
    return EXIT_OK


def _cmd_stubs(args) -> int:
    from .release import assignments_drift, oracle_data_drift, write_assignments, write_oracle_data

    if args.check:
        drift = assignments_drift() + oracle_data_drift()
        if drift:
            print("assignments/ or the oracles' expected data differ from what `python -m autograder stubs` "
                  "writes:", *drift, sep="\n  ")
            return 1
        print("assignments/ is up to date with solutions/, expected data with the oracles")
        return EXIT_OK
    for written in write_assignments():
        print(f"wrote assignments/{written}")
    for written in write_oracle_data():
        print(f"wrote {written}")
    return EXIT_OK


def _cmd_bundle(args) -> int:
    from .release import write_bundle

    try:
        files = write_bundle(Path(args.out), args.assignment or list(ASSIGNMENTS))
    except (FileExistsError, ValueError) as error:
        raise UsageError(str(error)) from None
    print(f"wrote the student bundle ({len(files)} files) to {args.out}")
    return EXIT_OK


def add_limit_options(parser: argparse.ArgumentParser, in_process: bool = True) -> None:
    d = Limits()
    group = parser.add_argument_group("limits on student code (per check unless stated)")
    group.add_argument("--timeout", type=float, default=d.check_seconds, metavar="SECONDS",
                       help="wall time of one check's student code (default %(default)s)")
    group.add_argument("--cpu-time", type=float, default=None, metavar="SECONDS",
                       help="CPU time of one check's worker (default twice --timeout)")
    group.add_argument("--memory", type=int, default=d.memory_bytes >> 20, metavar="MB",
                       help="address space of one check's worker (default %(default)s)")
    group.add_argument("--max-processes", type=int, default=d.processes, metavar="N",
                       help="processes and threads of a worker; enforced when grading as root (default %(default)s)")
    group.add_argument("--max-output", type=int, default=d.output_bytes >> 20, metavar="MB",
                       help="bytes a worker may write to files (default %(default)s)")
    group.add_argument("--submission-time", type=float, default=d.submission_seconds, metavar="SECONDS",
                       help="wall time of all student code of one submission (default %(default)s)")
    if in_process:
        group.add_argument("--in-process", action="store_true",
                           help="run student code inside the grader (debugging only: no isolation at all)")


def limits_from(args) -> Limits:
    try:
        return Limits(check_seconds=args.timeout, cpu_seconds=args.cpu_time, memory_bytes=args.memory << 20,
                      processes=args.max_processes, output_bytes=args.max_output << 20,
                      submission_seconds=args.submission_time)
    except ValueError as error:
        raise UsageError(str(error)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    g = commands.add_parser("grade", help="grade one submission folder laid out like assignments/")
    g.add_argument("submission", type=Path, help="folder with <assignment>/<assignment>.py files")
    g.add_argument("--assignment", action="append", metavar="NAME",
                   help=f"grade only this assignment (repeatable; default all: {', '.join(ASSIGNMENTS)})")
    g.add_argument("--json", type=Path, metavar="FILE", help="also write Gradescope's results.json to FILE")
    g.add_argument("--public-only", action="store_true", help="skip the hidden checks")
    g.add_argument("--solutions", type=Path, metavar="DIR", help="reference solutions (default: solutions/)")
    g.add_argument("--quiet", action="store_true", help="print only the score table, not the failure messages")
    add_limit_options(g)
    g.set_defaults(run=_cmd_grade)

    gb = commands.add_parser("grade-batch", help="grade every submission of a class, in parallel, resumably")
    gb.add_argument("submissions", type=Path, help="folder with one sub-folder per student")
    gb.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel graders (default: CPUs, %(default)s)")
    gb.add_argument("--out", type=Path, default=Path("grades.csv"), help="the CSV to write (default %(default)s)")
    gb.add_argument("--json-dir", type=Path, metavar="DIR",
                   help="per-student results.json folder (default: next to --out, <name>-results/)")
    gb.add_argument("--assignment", action="append", metavar="NAME", help="grade only this assignment (repeatable)")
    gb.add_argument("--regrade", action="store_true", help="grade again even what is already graded and unchanged")
    gb.add_argument("--public-only", action="store_true", help="skip the hidden checks")
    gb.add_argument("--solutions", type=Path, metavar="DIR", help="reference solutions (default: solutions/)")
    add_limit_options(gb, in_process=False)
    gb.set_defaults(run=_cmd_grade_batch)

    d = commands.add_parser("demo", help="grade the reference solutions and a partly wrong example")
    d.set_defaults(run=_cmd_demo)

    n = commands.add_parser("nbgrader-course", help="write an nbgrader course directory (config + source notebooks)")
    n.add_argument("root", type=Path, help="the course directory (created if missing)")
    n.add_argument("--assignment", action="append", metavar="NAME", help="only this assignment (repeatable)")
    n.add_argument("--course-id", default="deep-learning", help="nbgrader's course id (default %(default)s)")
    n.add_argument("--cell-timeout", type=int, default=300, metavar="SECONDS",
                   help="nbgrader's time limit per cell (default %(default)s)")
    n.set_defaults(run=_cmd_nbgrader_course)

    s = commands.add_parser("stubs", help="regenerate assignments/ from solutions/")
    s.add_argument("--check", action="store_true", help="only report files that differ (exit 1 if any)")
    s.set_defaults(run=_cmd_stubs)

    b = commands.add_parser("bundle", help="write the folder students receive (no solutions, no hidden checks)")
    b.add_argument("out", type=Path, help="a new folder")
    b.add_argument("--assignment", action="append", metavar="NAME", help="include only this assignment (repeatable)")
    b.set_defaults(run=_cmd_bundle)
    return parser


def _private_torch_cache() -> None:
    """PyTorch creates a compiler cache folder in the temporary directory when torch._dynamo is
    first imported (building an optimiser does it: the GAN's reference and oracle). Give it a
    folder of this run's own, removed at exit, so that grading leaves the temporary directory as
    it found it. A cache folder the user chose is left alone."""
    if "TORCHINDUCTOR_CACHE_DIR" in os.environ:
        return
    import atexit
    import tempfile

    folder = tempfile.mkdtemp(prefix="autograder-torch-cache-")
    os.environ["TORCHINDUCTOR_CACHE_DIR"] = folder
    atexit.register(shutil.rmtree, folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _private_torch_cache()
    try:
        return args.run(args)
    except (UsageError, GraderError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_GRADER
    except KeyboardInterrupt:
        print("interrupted: grading stopped, nothing was written", file=sys.stderr)
        return 130

"""Command line: ``python -m autograder COMMAND`` (grade, grade-batch, report, gradescope, demo, ...).

Commands: grade | grade-batch | report | gradescope | gradescope-run | nbgrader-course | demo | stubs | bundle.

Exit status: 0 when grading completed, whatever the score; 2 when the grader could not run
(bad arguments, a missing submission folder, missing reference or hidden checks).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import sys
import time
from pathlib import Path

from . import paths
from .core.report import failure_details, layout_lines, score_table, submission_results
from .core.results import SubmissionRecord
from .core.runner import GraderError, Limits
from .gradescope import DEADLINE_SECONDS
from .grading import GradingOptions, UsageError, grade_submission
from .submission import assignments_present, looks_like_a_class, places
from .suites import ASSIGNMENTS, UnknownAssignment, chosen_assignments

EXIT_OK = 0
EXIT_GRADER = 2


def _print_record(record: SubmissionRecord, title: str, details: bool) -> None:
    results = record.results
    print(score_table(results, title))
    shown = failure_details(results) if details else ""
    if shown.strip():  # (assignments not handed in have their one row in the table, and nothing here)
        print("What went wrong")
        print("---------------")
        print(shown)
    if record.internal_errors:
        print(f"warning: the grader itself failed on {len(record.internal_errors)} check(s): "
              f"{', '.join(record.internal_errors)}", file=sys.stderr)


def _options(args, assignments=None) -> GradingOptions:
    return GradingOptions(assignments=tuple(assignments if assignments is not None else args.assignment or ()),
                          public_only=args.public_only, solutions=args.solutions, limits=limits_from(args),
                          isolated=not getattr(args, "in_process", False), jobs=getattr(args, "lanes", 1))


def _write_json(path: Path, payload: dict) -> None:
    from .batch import write_atomically

    write_atomically(path, json.dumps(payload, indent=2) + "\n")  # never a half-written results file


def _print_layout(record: SubmissionRecord) -> None:
    """Where each assignment's module was found, when not as in assignments/, or why not."""
    for line in layout_lines(record):
        print(line, file=sys.stderr)


def _cmd_grade(args) -> int:
    if looks_like_a_class(Path(args.submission)):
        return _grade_each_student(args)
    options = _options(args)
    record = grade_submission(args.submission, options)
    _print_layout(record)
    _print_record(record, f"Submission {args.submission}", not args.quiet)
    if options.isolated:
        from .isolation.client import shared_zygote

        zygote = shared_zygote()
        described = zygote.describe()  # waits for the fork server, which says what it isolated
        # Weak only without Landlock, which keeps the reference and the hidden checks out of reach
        print(f"{'WARNING: weak isolation: ' if zygote.capabilities.weak else ''}student code ran in sandboxed "
              f"worker processes: {described}", file=sys.stderr)
    else:
        print("WARNING: student code ran inside the grader (--in-process): no isolation at all", file=sys.stderr)
    if args.json:
        _write_json(Path(args.json), submission_results(record))
        print(f"wrote {args.json}")
    return EXIT_OK


def _grade_each_student(args) -> int:
    """`grade` on a class folder (for example nbgrader's submitted/): each student in turn."""
    if args.json:
        raise UsageError(f"{args.submission} holds one folder per student: use grade-batch (with --json-dir) "
                         "to write a results.json per student")
    from .batch import find_submissions

    options = _options(args)
    totals = []
    for submission in find_submissions(Path(args.submission)):
        record = grade_submission(submission.folder, options, student=submission.student)
        _print_layout(record)
        _print_record(record, f"Student {submission.student} ({submission.folder})", not args.quiet)
        totals.append((submission.student, record.score, record.max_score))
    print("Summary")
    for student, earned, possible in totals:
        print(f"  {student:<30} {earned:g}/{possible:g}")
    return EXIT_OK


def _cmd_grade_batch(args) -> int:
    from .batch import MAXIMUM, Progress, ResultsFolder, find_submissions, grade_batch, write_csv

    root = Path(args.submissions)
    if not root.is_dir():
        raise UsageError(f"submissions folder {root} does not exist or is not a folder")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    json_dir = Path(args.json_dir) if args.json_dir else Path(args.out).with_suffix("").with_name(
        Path(args.out).stem + "-results")
    submissions = find_submissions(root)
    chosen = args.assignment
    if not chosen:  # the assignments the class handed in: a knn-only class is not missing seven others
        held = set().union(*(assignments_present(s.folder) for s in submissions)) if submissions else set()
        chosen = [name for name in ASSIGNMENTS if name in held] or None
        if chosen and len(chosen) < len(ASSIGNMENTS):
            print(f"grading {', '.join(chosen)}: what at least one student handed in (--assignment to choose)",
                  file=sys.stderr)
    options = _options(args, chosen)
    options.check_installed()
    if any(s.student == MAXIMUM for s in submissions):
        raise UsageError(f"{root / MAXIMUM} is named like the CSV's row of the points possible: rename it")
    itself = [place for name in options.assignments for place in places(name) if (root / place).is_file()]
    if itself:
        print(f"warning: {root} holds {', '.join(itself)} itself: grade-batch takes a folder of student folders "
              "(to grade one submission, use grade)", file=sys.stderr)
    store = ResultsFolder(json_dir)
    with store.locked():  # one batch at a time on a results folder
        if store.took_over:
            print(f"note: took over the lock file {store.lock_file} left by {store.took_over}, which has ended",
                  file=sys.stderr)
        if store.unlocked:
            print(f"warning: {store.unlocked}: nothing keeps another batch from writing there at the same time",
                  file=sys.stderr)
        unfinished = store.unfinished_regrade()
        skipped_as = "unchanged, skipped"
        if unfinished and args.regrade:
            print(f"resuming the --regrade begun {unfinished.get('began', '')}: what it graded already is kept",
                  file=sys.stderr)
            skipped_as = "already regraded, skipped"
        elif unfinished:
            print(f"note: a --regrade begun {unfinished.get('began', '')} did not finish; run with --regrade to "
                  "finish it", file=sys.stderr)
        executor, where = _batch_executor(args)  # a cluster is joined here: a wrong address ends the batch now
        print(f"Grading {len(submissions)} submissions in {root} {where}; results in {json_dir}/", file=sys.stderr)
        started = time.perf_counter()
        try:
            rows = grade_batch(submissions, executor, store, options=options, regrade=args.regrade,
                               progress=Progress(len(submissions), skipped_as=skipped_as))
        except KeyboardInterrupt:
            print("interrupted: the submissions graded so far are kept; run the same command to resume",
                  file=sys.stderr)
            return 130
        finally:
            getattr(executor, "close", lambda: None)()
        write_csv(Path(args.out), rows, options.assignments)
    elapsed = time.perf_counter() - started
    for node, isolation in sorted(getattr(executor, "nodes", {}).items()):
        print(f"{'WARNING: weak isolation: ' if 'NO Landlock' in isolation else ''}node {node}: {isolation}",
              file=sys.stderr)
    print(f"wrote {args.out}: {len(rows)} students, {elapsed:.1f} s")
    not_graded = sorted((r for r in rows if r.status != "graded"), key=lambda r: r.student)
    if not_graded:
        print(f"Not graded in full: {len(not_graded)} of {len(rows)} students")
        width = max(len(r.student) for r in not_graded)
        for row in not_graded:
            print(f"  {row.student:<{width}}  " + ("not graded: " if not row.scored else "") + row.detail)
    report = Path(args.out).with_name(Path(args.out).stem + "-report.html")
    print(f"class report: python -m autograder report {shlex.quote(str(json_dir))} --out {shlex.quote(str(report))}",
          file=sys.stderr)
    if any(not r.scored for r in rows):
        print("The grader could not grade the students marked \"not graded\": run the same command to grade "
              "them again", file=sys.stderr)
        return EXIT_GRADER
    return EXIT_OK


def _batch_executor(args):
    """The local process pool, or a Ray cluster (--cluster, else RAY_ADDRESS); and where it grades,
    as the batch says it."""
    from .batch import LocalPool

    address, source = args.cluster, "--cluster"
    if address is None and os.environ.get("RAY_ADDRESS"):
        address, source = os.environ["RAY_ADDRESS"], "RAY_ADDRESS"
    if address is None:
        for option in ("task_time", "allow_weak_nodes"):
            if getattr(args, option):
                raise UsageError(f"--{option.replace('_', '-')} is for grading on a cluster: add --cluster ADDRESS")
        jobs = args.jobs or os.cpu_count() or 1
        return LocalPool(jobs), f"with {jobs} job(s)"
    from .cluster import RayCluster

    if args.jobs is not None and address != "local":
        raise UsageError(f"--jobs is for this machine, and {source} names the Ray cluster at {address}: a cluster "
                         "grades one submission per CPU of its nodes (with --cluster local, --jobs is the CPUs of "
                         "the local Ray instance)" + ("; unset RAY_ADDRESS to grade here" if source == "RAY_ADDRESS"
                                                     else ""))
    cluster = RayCluster(address.strip(), local_cpus=args.jobs, task_seconds=args.task_time,
                         allow_weak_nodes=args.allow_weak_nodes)
    described = cluster.connect()  # before anything is graded: a wrong address ends here
    shown = "a local Ray instance" if address == "local" else f"the Ray cluster at {address} (from {source})"
    return cluster, f"on {shown}: {described}"


def _cmd_report(args) -> int:
    from .class_report import ReportError, write_report

    try:
        report, written = write_report(Path(args.results), Path(args.out))
    except ReportError as error:
        raise UsageError(str(error)) from None
    for skipped in report["skipped"]:
        print(f"warning: skipped {skipped}", file=sys.stderr)
    checks = report["checks"]
    print(f"{len(report['students'])} students, {len(checks)} checks, {len(report['hints'])} hints met, "
          f"{len(report['unmatched'])} kinds of unmatched failure")
    for path in written:
        print(f"wrote {path}")
    return EXIT_OK


def _cmd_demo(args) -> int:
    example = paths.EXAMPLES / "partly_wrong"
    print("=" * 72)
    print("1. The reference solutions (solutions/): every check should pass.")
    print("=" * 72)
    _print_record(grade_submission(paths.solutions_dir()), "Submission solutions/", details=True)
    print("=" * 72)
    print(f"2. A partly wrong example submission ({example.relative_to(paths.ROOT)}/).")
    print("=" * 72)
    _print_record(grade_submission(example), f"Submission {example.relative_to(paths.ROOT)}/", details=True)
    return EXIT_OK


def _cmd_nbgrader_course(args) -> int:
    from .course import write_course

    names = _chosen(args.assignment)
    try:
        written = write_course(Path(args.root), names, course_id=args.course_id, timeout=args.cell_timeout)
    except ValueError as error:  # a solution module without its functions, malformed solution regions
        raise UsageError(str(error)) from None
    for path in written:
        print(f"wrote {Path(args.root) / path}")
    for name in names:  # nbgrader takes one assignment at a time
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
        files = write_bundle(Path(args.out), _chosen(args.assignment))
    except (FileExistsError, ValueError) as error:
        raise UsageError(str(error)) from None
    print(f"wrote the student bundle ({len(files)} files) to {args.out}")
    return EXIT_OK


def _cmd_gradescope(args) -> int:
    from .gradescope import write_zip

    if args.out.suffix != ".zip":
        raise UsageError(f"{args.out}: the autograder is a .zip file (Gradescope takes nothing else)")
    names = _chosen(args.assignment)
    try:
        files = write_zip(args.out, names, args.solutions)
    except FileNotFoundError as error:
        raise UsageError(str(error)) from None
    print(f"wrote {args.out} ({len(files)} files) grading {', '.join(names)}: upload it as the autograder of a "
          "Gradescope programming assignment (Ubuntu 22.04 or newer base image); students upload "
          + " and ".join(f"{n}.py or {n}.ipynb" for n in names))
    return EXIT_OK


def _cmd_gradescope_run(args) -> int:
    from .gradescope import in_container

    return in_container(args.step, args.root, args.deadline)


def _chosen(names) -> tuple[str, ...]:
    try:
        return chosen_assignments(names)
    except UnknownAssignment as error:
        raise UsageError(str(error)) from None


def add_limit_options(parser: argparse.ArgumentParser, in_process: bool = True) -> None:
    d = Limits()
    group = parser.add_argument_group("limits on student code (per check unless stated)")
    group.add_argument("--timeout", type=float, default=d.check_seconds, metavar="SECONDS",
                       help="CPU time of one check's student code; code that waits rather than computes is "
                            "stopped by the clock (default %(default)s)")
    group.add_argument("--cpu-time", type=float, default=None, metavar="SECONDS",
                       help="the kernel's hard limit on the CPU time of one check's worker (default twice --timeout)")
    group.add_argument("--memory", type=int, default=d.memory_bytes >> 20, metavar="MB",
                       help="address space of one check's worker (default %(default)s)")
    group.add_argument("--max-processes", type=int, default=d.processes, metavar="N",
                       help="processes and threads of a worker; enforced when grading as root (default %(default)s)")
    group.add_argument("--max-output", type=int, default=d.output_bytes >> 20, metavar="MB",
                       help="bytes a worker may write to files (default %(default)s)")
    group.add_argument("--submission-time", type=float, default=d.submission_seconds, metavar="SECONDS",
                       help="CPU time of all student code of one submission (default %(default)s)")
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
    g.add_argument("submission", type=Path,
                   help="a student's folder: <assignment>/<assignment>.py or a flat <assignment>.py (or .ipynb), "
                        "possibly one folder down")
    g.add_argument("--assignment", action="append", metavar="NAME",
                   help=f"grade only this assignment (repeatable; default all: {', '.join(ASSIGNMENTS)})")
    g.add_argument("--json", type=Path, metavar="FILE", help="also write Gradescope's results.json to FILE")
    g.add_argument("--public-only", action="store_true", help="skip the hidden checks")
    g.add_argument("--solutions", type=Path, metavar="DIR", help="reference solutions (default: solutions/)")
    g.add_argument("--quiet", action="store_true", help="print only the score table, not the failure messages")
    g.add_argument("--jobs", dest="lanes", type=int, default=min(4, os.cpu_count() or 1), metavar="N",
                   help="assignments graded side by side (default: the number of cores, at most 4; the grade is "
                        "the same for any N)")
    add_limit_options(g)
    g.set_defaults(run=_cmd_grade)

    gb = commands.add_parser("grade-batch", help="grade every submission of a class, in parallel, resumably")
    gb.add_argument("submissions", type=Path, help="folder with one sub-folder per student (each as grade takes it)")
    gb.add_argument("--jobs", type=int, default=None,
                    help=f"parallel graders on this machine (default: its CPUs, {os.cpu_count() or 1})")
    gb.add_argument("--cluster", metavar="ADDRESS",
                    help="grade on the Ray cluster whose head is at ADDRESS (HOST:PORT; default: $RAY_ADDRESS when "
                         "set), or on a Ray instance started here for the batch (local); needs the cluster extra")
    gb.add_argument("--task-time", type=float, metavar="SECONDS",
                    help="with --cluster: wall-clock time a submission's task may take before it is cancelled and "
                         "scores 0 (default: twice --submission-time, plus 300)")
    gb.add_argument("--allow-weak-nodes", action="store_true",
                    help="with --cluster: grade on nodes that cannot sandbox student code (no Landlock); they "
                         "refuse otherwise")
    gb.add_argument("--out", type=Path, default=Path("grades.csv"), help="the CSV to write (default %(default)s)")
    gb.add_argument("--json-dir", type=Path, metavar="DIR",
                   help="per-student results.json folder (default: next to --out, <name>-results/)")
    gb.add_argument("--assignment", action="append", metavar="NAME", help="grade only this assignment (repeatable)")
    gb.add_argument("--regrade", action="store_true",
                    help="grade again even what is already graded and unchanged (rerun after an interruption, it "
                         "resumes: what this regrade graded already is kept)")
    gb.add_argument("--public-only", action="store_true", help="skip the hidden checks")
    gb.add_argument("--solutions", type=Path, metavar="DIR", help="reference solutions (default: solutions/)")
    add_limit_options(gb, in_process=False)
    gb.set_defaults(run=_cmd_grade_batch)

    r = commands.add_parser("report", help="what the class got wrong: a page, report.json and report.csv from "
                                           "grade-batch's results")
    r.add_argument("results", type=Path, metavar="RESULTS_DIR",
                   help="grade-batch's results folder (<student>.json and .meta.json), or <student>/results.json "
                        "folders")
    r.add_argument("--out", type=Path, default=Path("report.html"),
                   help="the page to write; report.json and report.csv go beside it, with its stem "
                        "(default %(default)s)")
    r.set_defaults(run=_cmd_report)

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

    z = commands.add_parser("gradescope", help="write a Gradescope autograder zip (setup.sh, run_autograder, the "
                                               "grader with its hidden checks and the reference)")
    z.add_argument("out", type=Path, help="the zip to write (OUT.zip)")
    z.add_argument("--assignment", action="append", metavar="NAME",
                   help="an assignment it grades (repeatable; default all)")
    z.add_argument("--solutions", type=Path, metavar="DIR", help="reference solutions (default: solutions/)")
    z.set_defaults(run=_cmd_gradescope)

    r = commands.add_parser("gradescope-run", help="inside Gradescope's container: what the zip's setup.sh "
                                                   "(prepare) and run_autograder (run) call")
    r.add_argument("step", choices=("run", "prepare"),
                   help="run: grade $AUTOGRADER_ROOT/submission into results/results.json; prepare: grade the "
                        "reference once (setup.sh)")
    r.add_argument("--root", type=Path, default=Path(os.environ.get("AUTOGRADER_ROOT", "/autograder")),
                   help="the zip's root (default $AUTOGRADER_ROOT or /autograder)")
    r.add_argument("--deadline", type=float, default=DEADLINE_SECONDS, metavar="SECONDS",
                   help="results.json is written by then, what is not graded yet at 0 (default %(default)s: "
                        "before Gradescope's 10 minutes)")
    r.set_defaults(run=_cmd_gradescope_run)
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

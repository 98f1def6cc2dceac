"""`python -m autograder report`: what the class got wrong, as report.json, report.csv and a page.

A made-up class written by hand (its expected numbers worked out by hand below), a real class
graded by grade-batch (its numbers recomputed here from the results files), and the page opened
in a real browser (the system's Chromium, driven by Playwright)."""

from __future__ import annotations

import csv
import io
import json
import shlex
import shutil
from pathlib import Path

import pytest
from conftest import BUGBANK, ROOT, overlay_submission, run_cli

from autograder import cli
from autograder.class_report import (
    CSV_COLUMNS,
    NOT_IMPORTED,
    class_report,
    message_shape,
    read_results,
    render_csv,
    render_html,
)

# --- a made-up class ---------------------------------------------------------------------------

POINTS = {"knn/dist/shape": 1, "knn/dist/values": 3, "knn/predict/ties": 2, "knn/predict/votes": 2,
          "svm/loss/value": 2, "svm/grad/check": 2}


def failed(message, kind="wrong_value", hint_id=None, hint=None):
    return {"message": message, "kind": kind, "hint_id": hint_id, "hint": hint}


TIES = ("knn/tie_first", "a tie must go to the smallest label")
NO_IMPORT = failed("svm.py could not be imported: SyntaxError: invalid syntax (svm.py, line 3)", "does_not_import")
NO_FILE = failed("Not graded: the submission has no file knn/knn.py", "no_file")
CRASHED = failed("knn.py could not be imported: the process crashed (signal 11)", "does_not_import")

# student: (per assignment status, the failed checks; every other check passes)
CLASS = {
    "ann": ({}, {"svm/grad/check": failed("svm_grad: dW[1, 1] is 2 but should be 3.")}),
    "ben": ({}, {"knn/dist/values": failed("dist: dists[0, 2] is 4 but should be 2.8284.", hint_id="knn/l1",
                                           hint="these are L1 distances; use L2"),
                 "knn/predict/ties": failed("predict: y_pred[0] is 1 but should be 0.", hint_id=TIES[0], hint=TIES[1]),
                 "svm/grad/check": failed("svm_grad: dW[0, 1] is 0.5 but should be 0.25.")}),
    "cat": ({"svm": "does_not_import"},
            {"knn/predict/ties": failed("predict: y_pred[2] is 6 but should be 4.", hint_id=TIES[0], hint=TIES[1]),
             "knn/predict/votes": failed("predict: y_pred[3] is 7 but should be 2."),
             "svm/loss/value": NO_IMPORT, "svm/grad/check": NO_IMPORT}),
    "dan": ({"knn": "missing"},
            {**{name: NO_FILE for name in POINTS if name.startswith("knn/")},
             "svm/grad/check": failed("svm_grad: dW[2, 0] is 1.5e-3 but should be -0.75.")}),
    "eve": ({}, {"knn/dist/values": failed("dist: out of time (the limit is 2 s of CPU time per check).", "timed_out"),
                 "svm/grad/check": failed("svm_grad: dW has the wrong sign.", hint_id="svm/grad_sign",
                                          hint="the gradient of the margin is -x for the right class")}),
    "fay": ({"knn": "crashed", "svm": "missing"},
            {**{name: CRASHED for name in POINTS if name.startswith("knn/")},
             **{name: failed("Not graded: the submission has no file svm/svm.py", "no_file")
                for name in POINTS if name.startswith("svm/")}}),
}


def payload(statuses, failures):
    """A results.json as the grader writes it."""
    tests = []
    for name, points in POINTS.items():
        f = failures.get(name)
        if f is None:
            tests.append({"name": name, "score": points, "max_score": points, "status": "passed", "output": "passed",
                          "visibility": "visible", "extra_data": {"seconds": 0.01, "student_seconds": 0.0}})
            continue
        output = f["message"] + "\nCase: M=3, N=2" + (f"\nHint: {f['hint']}" if f["hint"] else "")
        tests.append({"name": name, "score": 0, "max_score": points, "status": "failed", "output": output,
                      "visibility": "visible", "extra_data": {"seconds": 0.01, "student_seconds": 0.0,
                                                              "kind": f["kind"], "function": None,
                                                              "hint_id": f["hint_id"]}})
    assignments = {a: {"status": statuses.get(a, "graded"), "detail": "", "file": ""} for a in ("knn", "svm")}
    worst = next((s for s in ("does_not_import", "crashed", "missing") if s in statuses.values()), "graded")
    return {"score": sum(t["score"] for t in tests), "output": "", "tests": tests,
            "extra_data": {"status": worst, "assignments": assignments}}


def write_class(folder: Path, klass=CLASS) -> Path:
    """grade-batch's layout: <student>.json beside <student>.meta.json."""
    folder.mkdir(parents=True, exist_ok=True)
    for student, (statuses, failures) in klass.items():
        data = payload(statuses, failures)
        (folder / f"{student}.json").write_text(json.dumps(data))
        (folder / f"{student}.meta.json").write_text(json.dumps({"student": student,
                                                                 "status": data["extra_data"]["status"]}))
    return folder


@pytest.fixture
def report(tmp_path):
    students, skipped = read_results(write_class(tmp_path / "results"))
    return class_report(students, skipped)


def by_name(report):
    return {c["name"]: c for c in report["checks"]}


def test_pass_rates_count_only_the_students_whose_module_imported(report):
    checks = by_name(report)
    # knn: ann ben cat eve judged (dan's is missing, fay's crashed on import); svm: ann ben dan eve
    # (cat's does not import, fay's is missing)
    assert {name: (c["students"], c["passed"], c["pass_rate"]) for name, c in checks.items()} == {
        "knn/dist/shape": (4, 4, 1.0), "knn/dist/values": (4, 2, 0.5), "knn/predict/ties": (4, 2, 0.5),
        "knn/predict/votes": (4, 3, 0.75), "svm/loss/value": (4, 4, 1.0), "svm/grad/check": (4, 0, 0.0)}
    assert checks["knn/dist/shape"]["not_judged"] == 2
    # the most failed first; equal rates in the order of the tests
    assert [c["name"] for c in report["checks"]] == ["svm/grad/check", "knn/dist/values", "knn/predict/ties",
                                                     "knn/predict/votes", "knn/dist/shape", "svm/loss/value"]
    assert report["nobody_fails"] == ["knn/dist/shape", "svm/loss/value"]
    assert report["everybody_fails"] == ["svm/grad/check"]
    assert "found and imported" in report["denominator"]
    assert set(NOT_IMPORTED) == {"missing", "ambiguous", "does_not_import", "crashed"}


def test_a_module_handed_in_after_all_counts_in_the_pass_rates(tmp_path):
    # dan hands knn in after all, with a wrong shape: knn/dist/shape is no longer passed by all it judges
    klass = {**CLASS, "dan": ({}, {"knn/dist/shape": failed("dist: shape (2, 3) but should be (3, 2).",
                                                            "wrong_shape")})}
    report = class_report(*read_results(write_class(tmp_path / "results", klass)))
    assert (by_name(report)["knn/dist/shape"]["students"], by_name(report)["knn/dist/shape"]["passed"]) == (5, 4)
    assert "knn/dist/shape" not in report["nobody_fails"]


def test_scores_per_assignment(report):
    knn, svm = report["assignments"]
    # knn of 8: ann 8, ben 3, cat 4, eve 5, fay 0 (crashed, handed in); dan's missing is left out
    assert (knn["name"], knn["max_score"], knn["students"], knn["handed_in"]) == ("knn", 8, 6, 5)
    assert (knn["mean"], knn["median"], knn["full_marks"], knn["full_marks_share"]) == (4.0, 4, 1, 0.2)
    assert [b["count"] for b in knn["histogram"]] == [1, 0, 0, 1, 0, 1, 1, 0, 0, 1]  # 0, 37.5, 50, 62.5, 100 %
    assert knn["scores"] == {"ann": 8, "ben": 3, "cat": 4, "dan": 0, "eve": 5, "fay": 0}
    # svm of 4: ann ben dan eve 2 each, cat 0 (does not import); fay's missing
    assert (svm["handed_in"], svm["mean"], svm["median"], svm["full_marks_share"]) == (5, 1.6, 2, 0.0)


def test_hints_with_their_advice_checks_count_and_students(report):
    assert report["hints"] == [
        {"id": "knn/tie_first", "text": "a tie must go to the smallest label", "checks": ["knn/predict/ties"],
         "count": 2, "students": ["ben", "cat"]},
        {"id": "knn/l1", "text": "these are L1 distances; use L2", "checks": ["knn/dist/values"], "count": 1,
         "students": ["ben"]},
        {"id": "svm/grad_sign", "text": "the gradient of the margin is -x for the right class",
         "checks": ["svm/grad/check"], "count": 1, "students": ["eve"]}]
    assert by_name(report)["knn/predict/ties"]["hints"] == {"knn/tie_first": 2}


def test_unhinted_failures_grouped_by_the_shape_of_their_message(report):
    assert [(s["shape"], s["checks"], s["count"], s["students"]) for s in report["unmatched"]] == [
        ("svm_grad: dW[#] is # but should be #.", ["svm/grad/check"], 3, ["ann", "ben", "dan"]),
        ("predict: y_pred[#] is # but should be #.", ["knn/predict/votes"], 1, ["cat"])]


@pytest.mark.parametrize("message, shape", [
    ("knn_predict: y_pred does not match at 3 of 8 positions: y_pred[0] is 12 but should be 7; y_pred[4] is 1 "
     "but should be 0.", "knn_predict: y_pred does not match at # of # positions: y_pred[#] is # but should be #."),
    ("knn_predict: y_pred does not match at 1 of 60 positions: y_pred[13] is 0 but should be 8.\nCase: k=3",
     "knn_predict: y_pred does not match at # of # positions: y_pred[#] is # but should be #."),
    ("folds [rows 0-3, rows 4-6]: result[1][1] is 0.33 but should be 6.7e-01", "folds [rows #, rows #]: "
     "result[#][#] is # but should be #"),
    ("KeyError: 'alpha' in float32 labels [[1, 0], [2, 3]] shape (5, 3) vs (5,) nan -inf",
     "KeyError: '…' in float32 labels [#] shape (#) vs (#) # #"),
])
def test_message_shape(message, shape):
    assert message_shape(message) == shape


def test_what_did_not_import_or_finish_is_listed_apart(report):
    assert report["apart"]["assignments"] == [
        {"student": "dan", "assignment": "knn", "status": "missing", "detail": ""},
        {"student": "fay", "assignment": "knn", "status": "crashed", "detail": ""},
        {"student": "cat", "assignment": "svm", "status": "does_not_import", "detail": ""},
        {"student": "fay", "assignment": "svm", "status": "missing", "detail": ""}]
    assert report["apart"]["checks"] == [{"check": "knn/dist/values", "kind": "timed_out", "count": 1,
                                          "students": ["eve"]}]
    assert not any("out of time" in s["example"] for s in report["unmatched"])


def test_csv_one_row_per_check_and_hint(report):
    rows = list(csv.reader(io.StringIO(render_csv(report))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[1:] == [
        ["svm/grad/check", "svm", "2", "4", "0", "4", "0.0000", "svm/grad_sign", "1", "eve"],
        ["svm/grad/check", "svm", "2", "4", "0", "4", "0.0000", "", "3", "ann;ben;dan"],
        ["knn/dist/values", "knn", "3", "4", "2", "2", "0.5000", "knn/l1", "1", "ben"],
        ["knn/predict/ties", "knn", "2", "4", "2", "2", "0.5000", "knn/tie_first", "2", "ben;cat"],
        ["knn/predict/votes", "knn", "2", "4", "3", "1", "0.7500", "", "1", "cat"],
        ["knn/dist/shape", "knn", "1", "4", "4", "0", "1.0000", "", "0", ""],
        ["svm/loss/value", "svm", "2", "4", "4", "0", "1.0000", "", "0", ""]]


def test_the_page_gives_its_numbers_stable_hooks(report):
    page = render_html(report)
    assert 'data-check="knn/predict/votes" data-pass-rate="0.75" data-passed="3" data-students="4"' in page
    assert 'data-hint="knn/tie_first" data-count="2" data-student-count="2"' in page
    assert 'id="assignment-knn" data-assignment="knn" data-students="6" data-handed-in="5" data-mean="4.0"' in page
    assert "<script" not in page and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")


HOSTILE = '<img src=x onerror=alert(1)>'


def test_every_student_string_is_escaped(tmp_path):
    """A student's name (its folder) and what its code printed (messages, even hints) reach the
    page as text, never as markup."""
    folder = tmp_path / "results"
    evil = payload({}, {"knn/dist/values": failed('dist: <script>alert("x")</script> is 1 but should be 2.'),
                        "knn/predict/ties": failed("predict: wrong", hint_id="knn/<b>id</b>",
                                                   hint="<script>alert(2)</script>")})
    (folder / HOSTILE).mkdir(parents=True)
    (folder / HOSTILE / "results.json").write_text(json.dumps(evil))  # a folder of results.json
    page = render_html(class_report(*read_results(folder)))
    for raw in (HOSTILE, "<script>", "<b>id</b>"):
        assert raw not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert 'data-hint="knn/&lt;b&gt;id&lt;/b&gt;"' in page


# --- bad folders and files ---------------------------------------------------------------------


def report_cli(capsys, *args):
    code = cli.main(["report", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_bad_folders_and_files_exit_2_naming_them(tmp_path, capsys):
    out = tmp_path / "out" / "report.html"
    code, _, err = report_cli(capsys, tmp_path / "nope", "--out", out)
    assert code == 2 and f"results folder {tmp_path / 'nope'} does not exist" in err
    (tmp_path / "empty").mkdir()
    code, _, err = report_cli(capsys, tmp_path / "empty", "--out", out)
    assert code == 2 and f"results folder {tmp_path / 'empty'} holds no results" in err
    folder = write_class(tmp_path / "results")
    (folder / "zed.json").write_text('{"tests": [')  # cut short
    code, _, err = report_cli(capsys, folder, "--out", out)
    assert code == 2 and f"{folder / 'zed.json'} is not valid JSON" in err
    (folder / "zed.json").write_text('{"tests": [{"name": "knn/dist/shape", "score": 1}]}')
    code, _, err = report_cli(capsys, folder, "--out", out)
    assert code == 2 and f'{folder / "zed.json"} is not a results.json: test 1 (knn/dist/shape) has no number ' \
                         '"max_score"' in err
    (folder / "zed.json").write_text("[1, 2]")
    code, _, err = report_cli(capsys, folder, "--out", out)
    assert code == 2 and f"{folder / 'zed.json'} is not a results.json: a JSON list" in err
    (folder / "zed.json").unlink()
    code, _, err = report_cli(capsys, folder, "--out", folder / "report.html")
    assert code == 2 and "inside the results folder" in err
    assert not out.exists()


def test_writes_the_page_json_and_csv_beside_it_and_lists_what_it_skipped(tmp_path, capsys, monkeypatch):
    folder = write_class(tmp_path / "results")
    (folder / "notes").mkdir()  # not a student's: said, not silently passed over
    monkeypatch.chdir(tmp_path)
    code, out, err = report_cli(capsys, folder)  # the default --out: report.html here
    assert code == 0, err
    assert f"warning: skipped {folder / 'notes'}: a folder without results.json" in err
    assert {p.name for p in tmp_path.iterdir()} == {"results", "report.html", "report.json", "report.csv"}
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["skipped"] == [f"{folder / 'notes'}: a folder without results.json"]
    assert data["students"] == ["ann", "ben", "cat", "dan", "eve", "fay"]
    assert "6 students, 6 checks, 3 hints met" in out
    assert render_html(data) == (tmp_path / "report.html").read_text()  # drawn from the data alone


# --- a real class ----------------------------------------------------------------------------------

BUGS = {"frank": "ties_to_largest", "gina": "ties_to_largest", "hank": "k_plus_one"}


@pytest.fixture(scope="module")
def real_class(tmp_path_factory):
    """A knn class graded by grade-batch, and its report written by the command grade-batch
    prints at its end."""
    tmp = tmp_path_factory.mktemp("real_class")
    root = tmp / "class"
    for student, source in {"alice": ROOT / "solutions" / "knn" / "knn.py",
                            "bob": ROOT / "examples" / "partly_wrong" / "knn" / "knn.py",
                            "carol": ROOT / "assignments" / "knn" / "knn.py"}.items():
        (root / student / "knn").mkdir(parents=True)
        shutil.copyfile(source, root / student / "knn" / "knn.py")
    (root / "dave" / "knn").mkdir(parents=True)
    (root / "dave" / "knn" / "knn.py").write_text((ROOT / "solutions" / "knn" / "knn.py").read_text()
                                                  + "\ndef broken(:\n    pass\n")
    (root / "erin").mkdir()
    for student, bug in BUGS.items():
        overlay_submission(root / student, "knn", BUGBANK / "knn" / f"{bug}.py")
    batch = run_cli("grade-batch", str(root), "--jobs", "2", "--assignment", "knn", "--timeout", "2",
                    "--out", str(tmp / "grades.csv"))
    assert batch.returncode == 0, batch.stdout + batch.stderr
    command = batch.stderr.strip().splitlines()[-1]
    assert command == (f"class report: python -m autograder report {tmp / 'grades-results'} "
                       f"--out {tmp / 'grades-report.html'}")
    args = shlex.split(command.split(": ", 1)[1])[3:]
    report = run_cli(*args)
    assert report.returncode == 0, report.stdout + report.stderr
    return tmp


def expected_from_results(folder: Path) -> dict:
    """The report's numbers worked out here from the results files: per check (judged, passed)
    over the students whose knn imported, per hint the students, the mean score of those who
    handed knn in."""
    checks, hints, scores = {}, {}, []
    for path in sorted(folder.glob("*.json")):
        if path.name.endswith(".meta.json"):
            continue
        data = json.loads(path.read_text())
        status = data["extra_data"]["assignments"]["knn"]["status"]
        if status != "missing":
            scores.append(data["score"])
        if status in ("missing", "does_not_import"):
            continue
        for test in data["tests"]:
            judged, passed = checks.get(test["name"], (0, 0))
            checks[test["name"]] = (judged + 1, passed + (test["status"] == "passed"))
            hint = test["extra_data"].get("hint_id")
            if hint:
                hints.setdefault(hint, set()).add(path.stem)
    return {"checks": checks, "hints": hints, "mean": sum(scores) / len(scores)}


def test_the_report_of_a_graded_class(real_class):
    expected = expected_from_results(real_class / "grades-results")
    report = json.loads((real_class / "grades-report.json").read_text())
    assert report["students"] == ["alice", "bob", "carol", "dave", "erin", "frank", "gina", "hank"]
    assert {c["name"]: (c["students"], c["passed"]) for c in report["checks"]} == expected["checks"]
    assert {h["id"]: set(h["students"]) for h in report["hints"]} == expected["hints"]
    assert report["assignments"][0]["mean"] == pytest.approx(expected["mean"])
    # what the bugs are known to do (tests/bugbank/knn): both ties_to_largest students meet its hint
    assert {"frank", "gina"} <= set(next(h for h in report["hints"] if h["id"] == "knn/tie_to_largest")["students"])
    assert expected["checks"]["knn/knn_predict/ties"] == (6, 1)  # alice alone (bob breaks ties to the nearest)
    assert [(r["student"], r["status"]) for r in report["apart"]["assignments"]] == [
        ("dave", "does_not_import"), ("erin", "missing")]
    # a results file changed by hand changes the report the same way (the comparison can fail)
    tampered = real_class / "tampered"
    shutil.copytree(real_class / "grades-results", tampered)
    alice = json.loads((tampered / "alice.json").read_text())
    alice["tests"][0]["status"] = "failed"
    (tampered / "alice.json").write_text(json.dumps(alice))
    changed = class_report(*read_results(tampered))
    assert {c["name"]: (c["students"], c["passed"]) for c in changed["checks"]} != expected["checks"]
    assert {c["name"]: (c["students"], c["passed"]) for c in changed["checks"]} == expected_from_results(
        tampered)["checks"]


# --- in a real browser -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium, the system's (never Playwright's download): missing, the test fails."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("no chromium on PATH: install it (apt-get install -y chromium; .ci/run does) to open the "
                    "class report in a real browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        pytest.fail(f"Playwright's Python package is missing ({error}): pip install -e '.[dev]'")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


def page_problems(browser, url: str, screenshot: Path):
    """Open the page: (its problems, the page). Problems: console errors, page errors, images
    not loaded, a blank screenshot."""
    from PIL import Image

    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.goto(url)
    page.wait_for_load_state("load")
    images = page.evaluate("Array.from(document.images).map(i => [i.alt, i.complete, i.naturalWidth])")
    problems += [f"image {alt!r} not loaded" for alt, complete, width in images if not complete or width <= 0]
    page.screenshot(path=str(screenshot), full_page=True)
    image = Image.open(screenshot).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20) or []
    inked = sum(n for n, colour in colours if min(colour) < 200)
    if len(colours) < 20 or inked < 0.01 * image.width * image.height:
        problems.append(f"blank screenshot: {len(colours)} colours, {inked} dark pixels")
    return problems, page, images


def test_the_page_in_a_real_browser(real_class, browser, tmp_path):
    expected = expected_from_results(real_class / "grades-results")
    problems, page, images = page_problems(browser, (real_class / "grades-report.html").as_uri(),
                                           tmp_path / "page.png")
    assert problems == []
    assert len(images) == 1
    rates = page.evaluate("Object.fromEntries(Array.from(document.querySelectorAll('tr[data-pass-rate]'))"
                          ".map(r => [r.dataset.check, [r.dataset.passRate, r.cells[2].textContent]]))")
    assert {name: (float(rate), text) for name, (rate, text) in rates.items()} == {
        name: (pytest.approx(passed / judged, abs=1e-6), f"{passed} of {judged}")  # 6 digits on the page
        for name, (judged, passed) in expected["checks"].items()}
    counts = page.evaluate("Object.fromEntries(Array.from(document.querySelectorAll('tr[data-hint]'))"
                           ".map(r => [r.dataset.hint, Number(r.dataset.studentCount)]))")
    assert counts == {hint: len(who) for hint, who in expected["hints"].items()}
    mean = page.evaluate("document.querySelector('#assignment-knn').dataset.mean")
    shown = page.evaluate("document.querySelector('#assignment-knn [data-field=mean]').textContent")
    assert float(mean) == pytest.approx(expected["mean"], abs=1e-6)
    assert shown.startswith(f"{round(expected['mean'], 2):g} / 31")
    page.close()


def test_the_browser_check_catches_a_broken_page(browser, tmp_path):
    broken = tmp_path / "broken.html"
    broken.write_text('<html><body><img src="data:image/svg+xml;base64,bm90IGFuIHN2Zw==" width="10" height="10" '
                      'alt="not an svg"><script>undefined_function()</script></body></html>')
    problems, page, _ = page_problems(browser, broken.as_uri(), tmp_path / "broken.png")
    page.close()
    assert any("not an svg" in p for p in problems)
    assert any("undefined_function" in p for p in problems)
    assert any("blank screenshot" in p for p in problems)


def test_a_hostile_name_stays_text_in_the_browser(browser, tmp_path):
    folder = tmp_path / "results"
    (folder / HOSTILE).mkdir(parents=True)
    (folder / HOSTILE / "results.json").write_text(json.dumps(payload({}, {
        "knn/dist/values": failed("<script>window.pwned = 1</script>")})))
    (tmp_path / "page.html").write_text(render_html(class_report(*read_results(folder))))
    page = browser.new_page()
    page.goto((tmp_path / "page.html").as_uri())
    # no script ran or was made; the only images are the two assignments' histograms
    assert page.evaluate("[document.scripts.length, document.images.length, window.pwned === undefined]") == [
        0, 2, True]
    assert HOSTILE in page.inner_text("body")
    page.close()

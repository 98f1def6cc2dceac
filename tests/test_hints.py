"""Hints name the mistake and the idea; none hands over the line (issue 17, item 8).

Every hint text of every suite (public and hidden, the shared helpers and the core's own) is
compared with the reference solutions: no non-trivial line of a ``### BEGIN SOLUTION`` region,
no whole right-hand side of one, and none of the known answers listed below (the fixes the
reference writes differently) may appear in a hint.

Two directions:

- a solution line or right-hand side, whitespace removed, must not be a substring of a hint
  (whitespace removed the same way);
- every code-looking fragment of a hint (a span that parses as Python and has an operator, a
  subscript, an assignment or a call with arguments) must not be, once parsed and printed back,
  a solution line, a whole right-hand side of one, or a known answer. This catches what the
  first misses: other spacing, other parentheses, ``2`` for ``2.0``, other quotes.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest
from conftest import SOLUTIONS

import autograder
from autograder.core.verdicts import Hint
from autograder.release import solution_lines, solution_regions
from autograder.suites import ASSIGNMENTS, load_suite, module_file

PACKAGE = Path(autograder.__file__).resolve().parent

# A line or expression shorter than this (whitespace removed) is too plain to be an answer
# (``x = cache``, ``float(loss)``, ``x.copy()``).
MIN_LENGTH = 12

# Fixes a hint could hand over that the reference writes differently (or spreads over several
# lines), per assignment. A hint may name the function or the idea (np.add.at, the +1 margin,
# "the gradient of λ·ΣW² with respect to W"), never one of these.
KNOWN_ANSWERS = {
    "knn": [
        "np.sqrt(np.maximum(sq, 0))",  # the reference clips in place, then takes the root in place
        "np.maximum(sq, 0)",
        "np.clip(sq, 0, None)",
        "np.argsort(d)[:k]",
        "np.bincount(labels).argmax()",
        "np.array_split(X, num_folds)",
        "X.astype(np.float64)",
    ],
    "svm": [
        "dW += 2 * reg * W",  # the reference adds the penalty's gradient inside one long expression
        "2 * reg * W",
        "loss += reg * np.sum(W * W)",
        "reg * np.sum(W * W)",
        "reg * np.sum(W ** 2)",
        "dW[:, y_i] -= X[i]",
        "margins > 0",
    ],
    "softmax": [
        "dW += 2 * reg * W",
        "2 * reg * W",
        "loss += reg * np.sum(W * W)",
        "reg * np.sum(W * W)",
        "reg * np.sum(W ** 2)",
        "dscores[np.arange(N), y] -= 1",
        "(s - max) - log(sum(exp(s - max)))",
    ],
    "nn": [
        "rng.random(x.shape)",
        "rng.random(x.shape) >= p",
        "momentum * (w - w_prev)",
    ],
    "conv": [
        "1 + (H + 2 * pad - HH) // stride",
        "1 + (H - pool_size) // stride",
        "dx_padded[:, :, pad:-pad, pad:-pad]",
        "b[None, :, None, None]",
        "np.maximum(z2 + x, 0)",  # the residual block: the ReLU of the sum, the shortcut's gradient
        "dx_conv + dout * (out > 0)",
        "dx + dout * (out > 0)",
        "size += (kernel - 1) * jump",  # the receptive field's recursion
        "r + (k - 1) * j",
    ],
    "lstm": [
        "next_h = o * np.tanh(next_c)",
        "dnext_h * o * (1 - tanh(next_c) ** 2)",
        "dnext_c + dnext_h * o * (1 - np.tanh(next_c) ** 2)",
    ],
    "word2vec": [
        "np.add.at(W, idx, -lr * g)",
        "-np.logaddexp(0, -x)",
        "counts ** 0.75 / np.sum(counts ** 0.75)",
        "np.where(valid, contexts, 0)",  # CBOW: padding out of the mean, each word its share of dL/dh
        "h.sum(axis=1) / counts",
        "dh / counts",
        "1 - 2 * codes[o]",  # the hierarchical softmax's signs, the paths read from the root
        "1.0 - 2.0 * codes",
        "codes[::-1]",
        "np.add.at(W_node, nodes, -lr * g)",
    ],
    "gan": [
        "D(fake.detach())",
        "-np.logaddexp(0, -z)",
        "-np.logaddexp(0, z)",
        "(sigmoid(z) - t) / N",
    ],
}

# Hint(...) calls whose text is not a literal: the Hint class re-wrapping its own text.
NON_LITERAL_TEXTS = {("core/verdicts.py", "self.text")}


@dataclass(frozen=True)
class HintText:
    id: str
    text: str
    where: str  # file:line, or the module and attribute it was found under


# --- the hints ------------------------------------------------------------------------------------


def literal_text(node: ast.expr) -> str | None:
    """A string literal's text (implicit concatenation and ``+`` included); an f-string's
    placeholders are printed as their expressions (``{name}`` becomes ``name``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else ast.unparse(part.value)
                       for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = literal_text(node.left), literal_text(node.right)
        return None if left is None or right is None else left + right
    return None


def hint_calls(path: Path) -> list[tuple[ast.Call, str]]:
    """Every ``Hint(id, text)`` call in a source file, with where it is."""
    tree = ast.parse(path.read_text(), str(path))
    relative = path.relative_to(PACKAGE).as_posix()
    return [(node, f"{relative}:{node.lineno}") for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Hint"]


def call_parts(call: ast.Call) -> tuple[ast.expr | None, ast.expr | None]:
    keywords = {k.arg: k.value for k in call.keywords}
    id_node = call.args[0] if call.args else keywords.get("id")
    text_node = call.args[1] if len(call.args) > 1 else keywords.get("text")
    return id_node, text_node


@lru_cache(maxsize=None)
def static_hints() -> tuple[HintText, ...]:
    """Every hint written in the package's source, public or hidden, read (never executed)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for call, where in hint_calls(path):
            id_node, text_node = call_parts(call)
            text = literal_text(text_node) if text_node is not None else None
            if text is None:
                continue  # test_every_hint_text_is_a_literal names these
            hint_id = literal_text(id_node) if id_node is not None else None
            found.append(HintText(hint_id or ast.unparse(id_node), text, where))
    return tuple(found)


def _walk_values(value, seen: set[int]):
    """Hints inside a module attribute: lists, tuples, dicts, dataclasses, nested."""
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, Hint):
        yield value
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _walk_values(item, seen)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _walk_values(item, seen)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _walk_values(getattr(value, field.name), seen)


def suite_modules() -> list:
    """The modules that define hints: the core's verdicts, the shared helpers, every suite's
    public and hidden checks (load_suite imports the hidden module when it is installed)."""
    for assignment in ASSIGNMENTS:
        load_suite(assignment)
    prefix = "autograder.suites."
    names = ["autograder.core.verdicts"] + sorted(name for name in sys.modules if name.startswith(prefix))
    return [importlib.import_module(name) for name in names]


def runtime_hints() -> list[HintText]:
    """The hints the imported modules hold right now, as attributes (also inside tables and
    specs): what a monkeypatched hint looks like to the detector."""
    found, seen = [], set()
    for module in suite_modules():
        for attribute, value in vars(module).items():
            for hint in _walk_values(value, seen):
                found.append(HintText(hint.id, hint.text, f"{module.__name__}.{attribute}"))
    return found


def all_hints() -> list[HintText]:
    return [*static_hints(), *runtime_hints()]


# --- the answers ----------------------------------------------------------------------------------


def squeeze(code: str) -> str:
    """Code compared as text: no whitespace, ``2.0`` as ``2``, one kind of quote."""
    code = re.sub(r"\s+", "", code)
    code = re.sub(r"(?<![\w.])(\d+)\.0*(?![\w.])", r"\1", code)
    return code.replace("'", '"')


class _Canonical(ast.NodeTransformer):
    def visit_Constant(self, node: ast.Constant) -> ast.Constant:
        if isinstance(node.value, float) and node.value.is_integer() and abs(node.value) < 1e15:
            return ast.copy_location(ast.Constant(int(node.value)), node)
        return node


def canonical(tree: ast.AST) -> str:
    """Code compared as syntax: parsed, ``2.0`` as ``2``, printed back (which also drops
    redundant parentheses and settles spacing and quotes)."""
    return ast.unparse(_Canonical().visit(tree))


def parse_code(code: str) -> ast.stmt | None:
    """``code`` as one statement, or None when it is not one."""
    try:
        body = ast.parse(code).body
    except (SyntaxError, ValueError):
        return None
    return body[0] if len(body) == 1 else None


# A size or a conversion of plain names (``len(centers)``, ``float(reg)``) tells nothing.
PLAIN_BUILTINS = frozenset({"len", "int", "float", "bool", "str"})


def is_plain(node: ast.AST) -> bool:
    """Names, attributes, constants, tuples of them and a size or conversion of them: nothing a
    hint could hand over."""
    if isinstance(node, (ast.Name, ast.Constant)):
        return True
    if isinstance(node, ast.Attribute):
        return is_plain(node.value)
    if isinstance(node, ast.Tuple):
        return all(is_plain(element) for element in node.elts)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in PLAIN_BUILTINS:
        return not node.keywords and all(is_plain(argument) for argument in node.args)
    return False


def right_hand_sides(statement: ast.stmt) -> list[ast.expr]:
    """The whole right-hand sides of a statement: an assignment's value (each element when a
    tuple is assigned to a tuple of targets), a return's value (and each returned element)."""
    value = getattr(statement, "value", None)
    if not isinstance(statement, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return)) or value is None:
        return []
    values = [value]
    if isinstance(value, ast.Tuple) and (isinstance(statement, ast.Return) or any(
            isinstance(target, ast.Tuple) for target in getattr(statement, "targets", ()))):
        values += value.elts
    return values


@dataclass(frozen=True)
class Answer:
    assignment: str
    code: str  # as it is in the source (or the known answer)

    @property
    def text_key(self) -> str:
        return squeeze(self.code)

    @property
    def syntax_key(self) -> str | None:
        statement = parse_code(self.code)
        return None if statement is None else canonical(statement)


def substantial(code: str) -> bool:
    statement = parse_code(code)
    if statement is not None and isinstance(statement, ast.Expr) and is_plain(statement.value):
        return False
    if statement is not None and isinstance(statement, ast.Return) and (
            statement.value is None or is_plain(statement.value)):
        return False
    return len(squeeze(code)) >= MIN_LENGTH


def strip_comment(line: str) -> str:
    return re.sub(r"\s+#\s.*$", "", line).strip()


def reference_answers(assignment: str, source: str) -> list[Answer]:
    """The solution's lines (each physical line that is code on its own, each whole statement)
    and the whole right-hand sides of its statements, the trivial ones left out."""
    codes = [strip_comment(line) for line in solution_lines(source)]
    codes = [code for code in codes if not code.startswith(("#", '"', "'")) and parse_code(code) is not None]
    regions = solution_regions(source)
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt) or isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            continue
        if not any(begin < node.lineno - 1 < end for begin, end in regions):
            continue
        if not isinstance(node, (ast.If, ast.For, ast.While, ast.With, ast.Try)):
            codes.append(ast.get_source_segment(source, node))
        codes += [ast.get_source_segment(source, value) for value in right_hand_sides(node)]
    return [Answer(assignment, code) for code in dict.fromkeys(codes) if code and substantial(code)]


@lru_cache(maxsize=None)
def answers() -> tuple[Answer, ...]:
    found = []
    for assignment in ASSIGNMENTS:
        found += reference_answers(assignment, (SOLUTIONS / module_file(assignment)).read_text())
        found += [Answer(assignment, code) for code in KNOWN_ANSWERS.get(assignment, ())]
    return tuple(found)


# --- the detector ---------------------------------------------------------------------------------

_CODE_NODES = (ast.BinOp, ast.Compare, ast.Subscript, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.UnaryOp)
_KEYWORDS = r"(?:and|or|not|in|is|if|else|for|lambda|return)\b"
# Two words in a row (neither a keyword): prose, which no longer span from there can parse as.
_PROSE = re.compile(rf"(?<![\w.])(?!{_KEYWORDS})[A-Za-z_]\w*\s+(?!{_KEYWORDS})[A-Za-z_]")


@lru_cache(maxsize=None)
def code_fragments(text: str, longest: int = 90) -> tuple[tuple[str, ...], ...]:
    """The spans of ``text`` that parse as one Python statement and look like code (an operator,
    a comparison, a subscript, an assignment, or a call with arguments), each as its canonical
    form followed by those of its whole right-hand sides."""
    starts = [m.start() for m in re.finditer(r"(?<![\w.])[\w(\[\-~]", text)]
    ends = [m.end() for m in re.finditer(r"[\w)\]](?![\w(\[])", text)]
    fragments = []
    for start in starts:
        for end in ends:
            if end <= start:
                continue
            span = text[start:end]
            if end - start > longest or _PROSE.search(span):
                break  # so is every longer span from this start
            if not any(ch in span for ch in "=+-*/@<>[(%"):
                continue
            statement = parse_code(span)
            if statement is None:
                continue
            if any(isinstance(node, _CODE_NODES) or (isinstance(node, ast.Call) and (node.args or node.keywords))
                   for node in ast.walk(statement)):
                values = right_hand_sides(statement)
                fragments.append((canonical(statement), *(canonical(value) for value in values)))
    return tuple(fragments)


def leaks(hints: list[HintText], found_answers=None) -> list[str]:
    """Each hint that contains an answer, said how (empty when none does)."""
    found_answers = answers() if found_answers is None else found_answers
    by_syntax = {}
    for answer in found_answers:
        if answer.syntax_key is not None:
            by_syntax.setdefault(answer.syntax_key, answer)
    problems = []
    for hint in hints:
        squeezed = squeeze(hint.text)
        hit = next((answer for answer in found_answers if answer.text_key in squeezed), None)
        if hit is not None:
            problems.append(f"{hint.id} ({hint.where}) contains {hit.assignment}'s answer {hit.code!r}")
            continue
        for keys in code_fragments(hint.text):
            hit = next((by_syntax[key] for key in keys if key in by_syntax), None)
            if hit is not None:
                problems.append(f"{hint.id} ({hint.where}) has the fragment {keys[0]!r}, "
                                f"which is {hit.assignment}'s answer {hit.code!r}")
                break
    return problems


# --- tests ----------------------------------------------------------------------------------------


def test_the_collector_finds_the_hints_of_every_suite():
    hints = static_hints()
    prefixes = {hint.id.split("/")[0] for hint in hints}
    assert set(ASSIGNMENTS) | {"common"} <= prefixes
    assert any(hint.where.startswith("suites/knn/hidden.py") for hint in hints), "hidden hints are collected too"
    assert len(hints) > 100


def test_every_hint_text_is_a_literal():
    """A hint whose text is computed could not be read here: write it as a (f-)string literal."""
    computed = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for call, where in hint_calls(path):
            _, text_node = call_parts(call)
            key = (where.split(":")[0], ast.unparse(text_node) if text_node is not None else "")
            if (text_node is None or literal_text(text_node) is None) and key not in NON_LITERAL_TEXTS:
                computed.append(where)
    assert computed == []


def test_the_hints_held_by_the_modules_are_those_in_the_source():
    written = {(hint.id, hint.text) for hint in static_hints()}
    held = runtime_hints()
    assert len(held) > 40
    assert [hint for hint in held if (hint.id, hint.text) not in written] == []


def test_the_reference_lines_are_read():
    per_assignment = {assignment: [a for a in answers() if a.assignment == assignment] for assignment in ASSIGNMENTS}
    assert all(len(found) >= 3 for found in per_assignment.values()), per_assignment
    codes = {answer.code for answer in answers()}
    assert "dW = X.T @ coefficients / N + 2.0 * reg * W" in codes  # svm, a whole line
    assert "X.T @ coefficients / N + 2.0 * reg * W" in codes  # ... and its right-hand side
    assert "np.maximum(sq, 0.0, out=sq)" in codes  # knn's clip
    assert "return x" not in codes and "x = cache" not in codes  # trivial lines are left out
    assert "len(centers)" not in codes and "float(reg)" not in codes  # a size or conversion of names too


def test_known_answers_parse():
    assert [code for codes in KNOWN_ANSWERS.values() for code in codes if parse_code(code) is None] == []


def test_no_hint_hands_over_a_line_of_the_reference():
    assert leaks(all_hints()) == []


# --- the detector can fail --------------------------------------------------------------------


def _with_text(text: str) -> list[HintText]:
    return [HintText("test/leaky", text, "test")]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_hint_with_a_reference_line_is_flagged(assignment):
    source = (SOLUTIONS / module_file(assignment)).read_text()
    lines = [a.code for a in reference_answers(assignment, source) if "\n" not in a.code]
    line = max(lines, key=len)
    assert leaks(_with_text(f"the fix is: {line}.")) != []
    # ... also written with other spacing
    assert leaks(_with_text("try " + re.sub(r"\s*([=+*/@,])\s*", r"\1", line))) != []


@pytest.mark.parametrize("text", [
    # the two examples of the issue, and the old texts of their hints
    "clip at 0 first, np.sqrt(np.maximum(sq, 0)).",
    "clip first: np.sqrt( np.maximum(sq,0.0) )",
    "rounding can make ||a||^2 + ||b||^2 - 2 a.b slightly negative for (nearly) equal rows, and "
    "np.sqrt of a negative number is NaN: clip at 0 first, np.sqrt(np.maximum(sq, 0)).",
    "the penalty's gradient: dW += 2 * reg * W.",
    "use dW+=2.0*reg*W",
    "the penalty's gradient is 2 * reg * W (the derivative of reg * W**2), not reg * W.",
    "with reg = 0 your answer is right: look at the penalty, loss += reg * np.sum(W * W) and dW += 2 * reg * W.",
    # a reference line as it is, and one only the syntax comparison sees (other parentheses)
    "write margins = scores - correct + 1.0",
    "the margins are (scores - correct) + 1",
    "the gradient is X.T @ coefficients / N + (2.0 * reg) * W",
    "D(fake.detach())",
    "call opt_G.zero_grad() first",
])
def test_the_detector_flags_answers(text):
    assert leaks(_with_text(text)) != [], text


@pytest.mark.parametrize("text", [
    "the squared distance can come out slightly negative through rounding; the contract says what to do with it",
    "the penalty's part of dW is the gradient of λ·ΣW² with respect to W",
    "the penalty's part of dW is the gradient of reg * sum(W**2) with respect to W",
    "the notes' hinge is max(0, s_j - s_y + 1), with the +1.",
    "use np.add.at so that repeated indices add up",
    "return loss, dW",
])
def test_the_detector_lets_ideas_through(text):
    assert leaks(_with_text(text)) == []


def test_a_monkeypatched_hint_is_flagged(monkeypatch):
    """The check above reads the modules' hints as they are: a leaking text put into one is
    found, through the same collection."""
    from autograder.suites.knn import public as knn

    leaking = Hint(knn.CLIP_HINT.id, "clip at 0 first: np.maximum(sq, 0.0, out=sq), then np.sqrt(sq, out=sq).")
    monkeypatch.setattr(knn, "CLIP_HINT", leaking)
    problems = leaks(all_hints())
    assert any(knn.CLIP_HINT.id in problem for problem in problems), problems

    from autograder.suites import linear

    monkeypatch.setattr(linear, "PENALTY_HINT", Hint("common/penalty_wrong", "dW += 2 * reg * W"))
    assert any("common/penalty_wrong" in problem for problem in leaks(all_hints()))


# --- the notes' conventions stay in the texts ------------------------------------------------------


def _text(hint_id: str) -> str:
    texts = {hint.text for hint in static_hints() if hint.id == hint_id}
    assert len(texts) == 1, (hint_id, texts)
    return texts.pop()


def test_the_notes_conventions_are_kept():
    assert "+1" in _text("svm/margin_missing")
    for hint_id in ("svm/penalty_gradient_halved", "softmax/penalty_gradient_halved",
                    "svm/penalty_missing_from_loss", "softmax/penalty_missing_from_loss", "common/penalty_wrong"):
        text = _text(hint_id)  # the notes' lambda * sum(W**2), whose gradient is 2 * lambda * W
        assert "lambda" in text and "sum of the squared weights" in text, hint_id
    for hint_id in ("svm/penalty_gradient_halved", "softmax/penalty_gradient_halved"):
        assert "half" in _text(hint_id) and "factor 2" in _text(hint_id), hint_id
    for hint in static_hints():
        for count in re.findall(r"(\d+) negatives", hint.text):
            assert count == "5", hint


# --- the notebooks --------------------------------------------------------------------------------


def notebook_code() -> list[HintText]:
    """Every statement of the code cells a student's notebook holds besides the solution cells
    (the setup, the test cells, the experiments), as texts the detector reads like hints."""
    from autograder.course import build_notebook

    found = []
    for assignment in ASSIGNMENTS:
        for number, cell in enumerate(build_notebook(assignment)["cells"]):
            if cell["cell_type"] != "code" or cell["metadata"].get("nbgrader", {}).get("solution"):
                continue
            source = "".join(cell["source"])
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.stmt) and not isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.If,
                                                                        ast.For, ast.While, ast.With, ast.Try)):
                    found.append(HintText(f"{assignment}/notebook", ast.get_source_segment(source, node),
                                          f"{assignment}'s notebook, cell {number}, line {node.lineno}"))
    return found


def test_no_notebook_hands_over_a_line_of_the_reference():
    """The experiments train with the student's own functions, PyTorch or gensim: a NumPy softmax
    head in the conv notebook was the softmax assignment's answer."""
    code = notebook_code()
    assert len(code) > 200
    assert leaks(code, [answer for answer in answers() if not calls_a_contract_function(answer.code)]) == []


def calls_a_contract_function(code: str) -> bool:
    """``compute_distances(X_train, X_test)``: a line of the reference that only calls one of the
    contract's functions with names, as a notebook calls the student's own."""
    statement = parse_code(code)
    call = statement.value if isinstance(statement, (ast.Expr, ast.Assign, ast.Return)) else None
    functions = {function for assignment in ASSIGNMENTS for function in load_suite(assignment).functions}
    return (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in functions
            and all(isinstance(arg, (ast.Name, ast.Constant))
                    for arg in [*call.args, *(keyword.value for keyword in call.keywords)]))


def test_the_notebook_detector_flags_a_softmax_written_out():
    leaky = "probs = np.exp(scores - scores.max(axis=1, keepdims=True))"
    assert leaks([HintText("conv/notebook", leaky, "test")]) != []

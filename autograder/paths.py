"""Where the project's folders are. Instructors may point the grader elsewhere with
``--solutions`` or the environment variable AUTOGRADER_SOLUTIONS."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
STUBS = ROOT / "assignments"  # the generated student stubs (python -m autograder stubs)
EXAMPLES = ROOT / "examples"


def solutions_dir() -> Path:
    return Path(os.environ.get("AUTOGRADER_SOLUTIONS", ROOT / "solutions"))

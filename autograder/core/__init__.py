"""The autograder's core, shared by every assignment: the door to student code (door, loader),
the judgements (verdicts, gradcheck, tolerances), checks and suites, running and reporting."""

"""Starts processes that try to outlive grading: a plain child, and a daemon that double-forks
into its own session."""
EXPECTED_SCORE = "equal"  # to the same wrong code without the attack: it ran and gained nothing
import os as _os
import subprocess as _subprocess
import sys as _sys

_MARKER = "{MARKER}"
_subprocess.Popen([_sys.executable, "-c", f"import time; time.sleep(600)  # {_MARKER}"])
if _os.fork() == 0:
    _os.setsid()
    if _os.fork() == 0:
        _os.execv(_sys.executable, [_sys.executable, "-c", f"import time; time.sleep(600)  # {_MARKER}"])
    _os._exit(0)

"""Never finishes importing, whatever is raised at it."""
EXPECTED_SCORE = "lower"  # than the same wrong code without the attack
import signal as _signal

_signal.signal(_signal.SIGALRM, _signal.SIG_IGN)
_signal.signal(_signal.SIGPROF, _signal.SIG_IGN)
while True:
    try:
        while True:
            pass
    except BaseException:
        pass

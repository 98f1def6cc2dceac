"""An endless loop in a call, after ignoring SIGALRM, SIGPROF and SIGTERM (and swallowing exceptions)."""
EXPECTED_SCORE = "lower"  # than the same wrong code without the attack
import signal as _signal


def cross_validate_k(X, y, k_choices, num_folds=5):
    _signal.signal(_signal.SIGALRM, _signal.SIG_IGN)
    _signal.signal(_signal.SIGPROF, _signal.SIG_IGN)
    _signal.signal(_signal.SIGTERM, _signal.SIG_IGN)
    _signal.signal(_signal.SIGINT, _signal.SIG_IGN)
    while True:
        try:
            while True:
                pass
        except BaseException:
            pass

"""knn_predict never returns: it ignores every signal it can and catches whatever is raised in
it. Only a kill from outside stops it; every check calling it (cross_validate_k's call it inside
the student's code) would wait out the time limit and its grace again."""
import signal as _signal


def knn_predict(X_train, y_train, X_test, k=1):
    for number in _signal.Signals:
        try:
            _signal.signal(number, _signal.SIG_IGN)
        except (OSError, ValueError, RuntimeError):
            pass
    while True:
        try:
            while True:
                pass
        except BaseException:
            pass

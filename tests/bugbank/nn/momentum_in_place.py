"""Updates w in place and returns it: the values are right, the caller's w is overwritten."""
FAILS = {"sgd_momentum/inputs_untouched"}
HINTS = {"sgd_momentum/inputs_untouched": "work on a copy"}


def sgd_momentum(w, dw, w_prev, lr, momentum):
    step = momentum * (w - w_prev) - lr * dw
    w += step
    return w

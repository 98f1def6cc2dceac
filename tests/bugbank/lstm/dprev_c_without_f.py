"""dprev_c = dc: the gradient to the previous cell state skips the forget gate."""
FAILS = {"lstm_step_backward/values", "lstm_step_backward/numeric_gradient", "lstm_backward/values",
         "lstm_backward/numeric_gradient", "lstm_step_backward/vs_reference", "lstm_backward/vs_reference"}

_reference_step_backward = lstm_step_backward


def lstm_step_backward(dnext_h, dnext_c, cache):
    dx, dprev_h, dprev_c, dWx, dWh, db = _reference_step_backward(dnext_h, dnext_c, cache)
    f = cache[6]
    return dx, dprev_h, dprev_c / f, dWx, dWh, db

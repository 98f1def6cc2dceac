"""cross_validate_k raises KeyboardInterrupt (not a real Ctrl-C)."""


def cross_validate_k(X, y, k_choices, num_folds=5):
    raise KeyboardInterrupt

"""cross_validate_k never returns."""


def cross_validate_k(X, y, k_choices, num_folds=5):
    while True:
        pass

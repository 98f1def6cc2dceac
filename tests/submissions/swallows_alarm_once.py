"""cross_validate_k catches the first interruption and keeps looping; the alarm fires again."""


def cross_validate_k(X, y, k_choices, num_folds=5):
    try:
        while True:
            pass
    except BaseException:
        pass
    while True:
        pass

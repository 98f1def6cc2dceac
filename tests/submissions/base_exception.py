"""cross_validate_k raises a home-made BaseException subclass."""


class Escape(BaseException):
    pass


def cross_validate_k(X, y, k_choices, num_folds=5):
    raise Escape("out of here")

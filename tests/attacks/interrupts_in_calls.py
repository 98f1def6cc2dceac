"""KeyboardInterrupt and SystemExit raised in calls."""
EXPECTED_SCORE = "lower"  # than the same wrong code without the attack


def knn_predict(X_train, y_train, X_test, k=1):
    raise KeyboardInterrupt


def cross_validate_k(X, y, k_choices, num_folds=5):
    raise SystemExit(0)

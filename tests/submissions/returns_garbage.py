"""knn_predict returns None (a forgotten return), cross_validate_k an odd object."""


def knn_predict(X_train, y_train, X_test, k=1):
    y_pred = compute_distances(X_train, X_test).argmin(axis=1)


class Accuracies:
    def __eq__(self, other):
        return True


def cross_validate_k(X, y, k_choices, num_folds=5):
    return Accuracies()

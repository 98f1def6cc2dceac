"""Direct differences without converting integer inputs: uint8 pixels wrap around."""
FAILS = {"compute_distances/integer_pixels"}
HINTS = {"compute_distances/integer_pixels": "uint8"}

import numpy as np


def compute_distances(X_train, X_test):
    diff = X_test[:, None, :] - X_train[None, :, :]
    return np.sqrt(np.sum(diff * diff, axis=2)).astype(np.float64)

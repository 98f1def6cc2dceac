"""A two-layer network by hand: layers with a forward and a backward pass (lecture notes 2.2, 2.5-2.9),
the data's preprocessing and the weights' initialisation (2.9.1-2.9.2).

Every layer comes as a pair. ``*_forward`` computes the output and returns a ``cache`` with
whatever the backward pass will need; ``*_backward`` takes the upstream gradient ``dout`` (the
gradient of the loss with respect to the layer's output) and the cache, and returns the
gradients with respect to the layer's inputs: upstream gradient times local gradient, the
chain rule of the notes. A cache can be anything you like (a tuple, a dict).

No Python loops over samples or units are needed anywhere.
"""

import numpy as np


def affine_forward(x, w, b):
    """Fully connected layer: ``out = x_flat @ w + b``.

    Args:
        x: (N, d_1, ..., d_k) inputs; each sample is flattened to D = d_1 * ... * d_k values.
        w: (D, M) weights.
        b: (M,) biases.

    Returns:
        out: (N, M).
        cache: what affine_backward needs.
    """
    # YOUR CODE HERE
    raise NotImplementedError("affine_forward is not implemented yet: replace this line with your code.")


def affine_backward(dout, cache):
    """Backward pass of affine_forward.

    Args:
        dout: (N, M) upstream gradient.
        cache: from affine_forward.

    Returns:
        dx: gradient with respect to x, in x's shape (N, d_1, ..., d_k), not flattened.
        dw: (D, M) gradient with respect to w.
        db: (M,) gradient with respect to b (summed over the samples, not averaged).
    """
    # YOUR CODE HERE
    raise NotImplementedError("affine_backward is not implemented yet: replace this line with your code.")


def relu_forward(x):
    """ReLU, element-wise: ``out = max(0, x)``. Any shape.

    Returns:
        out: same shape as x.
        cache: what relu_backward needs.
    """
    # YOUR CODE HERE
    raise NotImplementedError("relu_forward is not implemented yet: replace this line with your code.")


def relu_backward(dout, cache):
    """Backward pass of relu_forward: the gradient flows where the *input* was positive (the
    notes' max gate routes it), and is 0 elsewhere (also at x == 0).

    Returns:
        dx: same shape as dout.
    """
    # YOUR CODE HERE
    raise NotImplementedError("relu_backward is not implemented yet: replace this line with your code.")


def sigmoid_forward(x):
    """Logistic sigmoid, element-wise: ``out = 1 / (1 + exp(-x))``. Any shape.

    Must not overflow (nor warn) for |x| up to 1e4: ``np.exp(-x)`` overflows for x < -709.

    Returns:
        out: same shape as x, in [0, 1].
        cache: what sigmoid_backward needs.
    """
    # YOUR CODE HERE
    raise NotImplementedError("sigmoid_forward is not implemented yet: replace this line with your code.")


def sigmoid_backward(dout, cache):
    """Backward pass of sigmoid_forward, through the notes' shortcut: the local gradient is
    ``sigma * (1 - sigma)``, computed from the forward's output.

    Returns:
        dx: same shape as dout.
    """
    # YOUR CODE HERE
    raise NotImplementedError("sigmoid_backward is not implemented yet: replace this line with your code.")


def dropout_forward(x, p, train, rng):
    """Inverted dropout.

    Args:
        x: inputs, any shape.
        p: the probability of *dropping* a unit (PyTorch's convention), 0 <= p < 1.
        train: True in training, False at test time.
        rng: a ``numpy.random.Generator``; the only source of randomness (never ``np.random.*``).

    Returns:
        out: in training ``x * mask / (1 - p)`` with ``mask`` drawn from rng, each entry 1 with
            probability 1 - p and 0 with probability p; at test time ``x`` itself (a copy).
        cache: what dropout_backward needs.
    """
    # YOUR CODE HERE
    raise NotImplementedError("dropout_forward is not implemented yet: replace this line with your code.")


def dropout_backward(dout, cache):
    """Backward pass of dropout_forward: the gradient goes through the units that were kept,
    scaled like them; at test time it passes unchanged.

    Returns:
        dx: same shape as dout.
    """
    # YOUR CODE HERE
    raise NotImplementedError("dropout_backward is not implemented yet: replace this line with your code.")


def preprocess(X_train, X_test):
    """Standardise the data (notes 2.9.1): centre every feature on the *training* set's mean,
    then divide it by the training set's standard deviation (the population one, ``ddof=0``).

    The test set is transformed with the training set's statistics, never with its own: it
    stands for data the model has not seen, whose statistics are not known when training. A
    feature with zero spread in the training set (every value equal) is only centred.

    Args:
        X_train: (N, D) training data (any real dtype, integers included).
        X_test: (M, D) test data.

    Returns:
        (X_train_p, X_test_p): float64 arrays of the same shapes. X_train and X_test are left
        unchanged.
    """
    # YOUR CODE HERE
    raise NotImplementedError("preprocess is not implemented yet: replace this line with your code.")


def init_weights(fan_in, fan_out, rng, scheme="he"):
    """Random initial weights of a fully connected layer (notes 2.9.2).

    Args:
        fan_in: the number of inputs of the layer (D), an int >= 1.
        fan_out: the number of outputs (M), an int >= 1.
        rng: a ``numpy.random.Generator``; the only source of randomness (never ``np.random.*``).
        scheme: ``"he"``: normal with standard deviation ``sqrt(2 / fan_in)`` (for ReLU layers;
            PyTorch's ``kaiming_normal_`` in its fan_in mode); ``"xavier"``: normal with standard
            deviation ``sqrt(2 / (fan_in + fan_out))`` (``xavier_normal_``); ``"small"``: normal
            with standard deviation 0.01. All with mean 0.

    Returns:
        W: (fan_in, fan_out) float64.

    Raises:
        ValueError: for any other scheme, or fan_in or fan_out below 1.
    """
    # YOUR CODE HERE
    raise NotImplementedError("init_weights is not implemented yet: replace this line with your code.")


def sgd_momentum(w, dw, w_prev, lr, momentum):
    """One step of the notes' update with a smoothing term:

        ``w_next = w - lr * dw + momentum * (w - w_prev)``

    Args:
        w: current weights (any shape); dw: the gradient at w; w_prev: the weights one step
            earlier (equal to w at the first step); lr: learning rate; momentum: alpha.

    Returns:
        w_next: a new array; w, dw and w_prev are left unchanged.
    """
    # YOUR CODE HERE
    raise NotImplementedError("sgd_momentum is not implemented yet: replace this line with your code.")


def two_layer_net(params, X, y=None, reg=0.0):
    """affine - ReLU - affine, with a softmax loss.

    Args:
        params: dict with W1 (D, H), b1 (H,), W2 (H, C), b2 (C,).
        X: (N, D) inputs.
        y: (N,) integer labels in [0, C), or None.
        reg: L2 penalty strength; the penalty is ``reg * (sum(W1**2) + sum(W2**2))`` (no
            penalty on the biases).

    Returns:
        If y is None: scores, (N, C).
        Otherwise: (loss, grads) with loss a float, the mean softmax cross-entropy plus the
        penalty, and grads a dict with the same keys as params, each of its array's shape.

    Build it from the layers above (and a stable softmax); do not modify params.
    """
    # YOUR CODE HERE
    raise NotImplementedError("two_layer_net is not implemented yet: replace this line with your code.")

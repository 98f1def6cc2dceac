"""Recurrent networks by hand: one step of a vanilla RNN and of an LSTM, and an LSTM over a whole
sequence with backpropagation through time (lecture notes 4.1-4.2).

A recurrent network reads a sequence one element at a time ("I", then "am", then "Chinese") and
carries a hidden state h from each step to the next: the new state mixes the current input with
the previous state. An LSTM also carries a cell state c, and three gates decide what to forget
from it, what to write into it, and what to show of it.

Shapes: a minibatch of N sequences, inputs of D numbers, hidden states of H numbers, T steps.
Weights multiply from the right (``x @ Wx``). The LSTM's four gate blocks are in PyTorch's order
i, f, g, o, so that ``lstm_step`` equals ``torch.nn.LSTMCell`` with ``weight_ih = Wx.T``,
``weight_hh = Wh.T``, ``bias_ih = b``, ``bias_hh = 0``.

Every forward function returns a ``cache`` (anything you like) for its backward function, which
receives the upstream gradients and returns the gradients of every input, each in that input's
shape. Nothing may be modified in place: not the inputs, not the upstream gradients.
"""

import numpy as np


def rnn_step(x, prev_h, Wx, Wh, b):
    """One step of a vanilla RNN: ``next_h = tanh(x @ Wx + prev_h @ Wh + b)``.

    Args:
        x: (N, D) inputs; prev_h: (N, H) previous hidden state; Wx: (D, H); Wh: (H, H); b: (H,).

    Returns:
        next_h: (N, H).
        cache: what rnn_step_backward needs.
    """
    # YOUR CODE HERE
    raise NotImplementedError("rnn_step is not implemented yet: replace this line with your code.")


def rnn_step_backward(dnext_h, cache):
    """Backward pass of rnn_step.

    Args:
        dnext_h: (N, H) upstream gradient of next_h.
        cache: from rnn_step.

    Returns:
        dx (N, D), dprev_h (N, H), dWx (D, H), dWh (H, H), db (H,).
    """
    # YOUR CODE HERE
    raise NotImplementedError("rnn_step_backward is not implemented yet: replace this line with your code.")


def lstm_step(x, prev_h, prev_c, Wx, Wh, b):
    """One step of an LSTM.

    ``a = x @ Wx + prev_h @ Wh + b`` is split into four blocks of H columns, in PyTorch's order
    i, f, g, o: the input gate ``i = sigmoid(a_i)``, the forget gate ``f = sigmoid(a_f)``, the
    candidate ``g = tanh(a_g)`` and the output gate ``o = sigmoid(a_o)``. Then
    ``next_c = f * prev_c + i * g`` and ``next_h = o * tanh(next_c)``.

    Args:
        x: (N, D); prev_h, prev_c: (N, H); Wx: (D, 4H); Wh: (H, 4H); b: (4H,).

    Returns:
        next_h, next_c: (N, H) each; finite, without warnings, even for pre-activations of +-50.
        cache: what lstm_step_backward needs.
    """
    # YOUR CODE HERE
    raise NotImplementedError("lstm_step is not implemented yet: replace this line with your code.")


def lstm_step_backward(dnext_h, dnext_c, cache):
    """Backward pass of lstm_step.

    Args:
        dnext_h, dnext_c: (N, H) upstream gradients of next_h and next_c (leave them unchanged).
        cache: from lstm_step.

    Returns:
        dx (N, D), dprev_h (N, H), dprev_c (N, H), dWx (D, 4H), dWh (H, 4H), db (4H,).
        next_c reaches the loss twice: directly (dnext_c) and through next_h = o * tanh(next_c).
    """
    # YOUR CODE HERE
    raise NotImplementedError("lstm_step_backward is not implemented yet: replace this line with your code.")


def lstm_forward(x, h0, Wx, Wh, b):
    """An LSTM over whole sequences, starting from h0 and a cell state of zeros.

    Args:
        x: (N, T, D) sequences; h0: (N, H); Wx: (D, 4H); Wh: (H, 4H); b: (4H,).

    Returns:
        h: (N, T, H), the hidden state after every step.
        cache: what lstm_backward needs.
    """
    # YOUR CODE HERE
    raise NotImplementedError("lstm_forward is not implemented yet: replace this line with your code.")


def lstm_backward(dh, cache):
    """Backpropagation through time for lstm_forward.

    Args:
        dh: (N, T, H) upstream gradients of every hidden state (leave it unchanged).
        cache: from lstm_forward.

    Returns:
        dx (N, T, D), dh0 (N, H), dWx (D, 4H), dWh (H, 4H), db (4H,): the weights are shared by
        every step, so their gradients add up over the steps.
    """
    # YOUR CODE HERE
    raise NotImplementedError("lstm_backward is not implemented yet: replace this line with your code.")

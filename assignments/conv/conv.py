"""Convolution and max pooling, forward and backward (lecture notes 3).

Images are (N, C, H, W): N images of C channels (R, G, B for a colour image), H rows and W
columns. A convolutional layer has F filters, each (C, HH, WW): a filter covers every channel of
a window, the products are summed over the channels and the window, and the filter's bias is
added (the notes' ``R .* F1 + G .* F1 + B .* F1 + bias``). The same filter slides over the whole
image (parameter sharing), moving ``stride`` pixels at a time, over the image zero-padded by
``pad`` pixels on every side.

As in PyTorch, CS231n and the notes, the filter is *not* flipped: this is a cross-correlation.

Each ``*_forward`` returns ``(out, cache)`` and its ``*_backward`` takes the upstream gradient
and that cache. Loops over filters, channels or kernel positions are fine; a loop over every
pixel of every image is correct too, but slow.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv_forward(x, w, b, stride=1, pad=0):
    """Convolutional layer (cross-correlation, no kernel flip).

    Args:
        x: (N, C, H, W) images.
        w: (F, C, HH, WW) filters.
        b: (F,) biases, one per filter.
        stride: step between windows, an int >= 1, the same along rows and columns.
        pad: zeros added on every side of x (top, bottom, left and right), an int >= 0.

    Returns:
        out: (N, F, H', W') with ``H' = 1 + (H + 2*pad - HH) // stride`` (floor, as
            ``torch.nn.functional.conv2d``) and likewise W';
            ``out[n, f, i, j] = sum(x_padded[n, :, i*stride : i*stride+HH, j*stride : j*stride+WW] * w[f]) + b[f]``.
        cache: what conv_backward needs.

    Raises:
        ValueError (naming the bad argument) if stride < 1, pad < 0, the channels of x and w
        differ, or the filter does not fit in the padded input (H' < 1 or W' < 1).
    """
    # YOUR CODE HERE
    raise NotImplementedError("conv_forward is not implemented yet: replace this line with your code.")


def conv_backward(dout, cache):
    """Backward pass of conv_forward.

    Args:
        dout: (N, F, H', W') upstream gradient.
        cache: from conv_forward.

    Returns:
        dx: (N, C, H, W), dw: (F, C, HH, WW), db: (F,) — each summed over every image and every
        position the filter visited (parameter sharing); padding gets no gradient.
    """
    # YOUR CODE HERE
    raise NotImplementedError("conv_backward is not implemented yet: replace this line with your code.")


def max_pool_forward(x, pool_size=2, stride=2):
    """Max pooling over pool_size x pool_size windows, no padding.

    Args:
        x: (N, C, H, W).
        pool_size: the window's height and width, an int >= 1.
        stride: step between windows, an int >= 1; windows overlap when stride < pool_size.

    Returns:
        out: (N, C, H', W') with ``H' = 1 + (H - pool_size) // stride``, likewise W'; each entry
            the maximum of its window.
        cache: what max_pool_backward needs.

    Raises:
        ValueError if pool_size or stride is below 1 or the window does not fit in x.
    """
    # YOUR CODE HERE
    raise NotImplementedError("max_pool_forward is not implemented yet: replace this line with your code.")


def max_pool_backward(dout, cache):
    """Backward pass of max_pool_forward: each window passes its gradient to the position of its
    maximum (the first one in row-major order if several are equal); where windows overlap, a
    position that is the maximum of several windows receives the sum of their gradients.

    Returns:
        dx: (N, C, H, W).
    """
    # YOUR CODE HERE
    raise NotImplementedError("max_pool_backward is not implemented yet: replace this line with your code.")

"""Returns the pair in the wrong order: (dW, loss)."""
FAILS = {"softmax_loss/shape_types", "softmax_loss/values_without_penalty", "softmax_loss/values_with_penalty",
         "softmax_loss/numeric_gradient", "softmax_loss/sanity", "softmax_loss/digits_training",
         "softmax_loss/stability", "softmax_loss/vs_reference", "softmax_loss/digits_vs_reference"}
HINTS = {"softmax_loss/shape_types": "return loss, dW"}

_reference_softmax_loss = softmax_loss


def softmax_loss(W, X, y, reg):
    loss, dW = _reference_softmax_loss(W, X, y, reg)
    return dW, loss

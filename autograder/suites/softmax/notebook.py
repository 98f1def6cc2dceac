"""The softmax notebook's text and experiment (lecture notes 2.5.1)."""

TITLE = "Softmax classifier"

INTRO = r"""
# The softmax classifier

*Lecture notes, chapter 2, section 5.1.*

The scores $s = X W$ of a linear classifier (see the SVM notebook) are just numbers. For image
classification we would rather have the **probability** that the image belongs to each class.
The softmax classifier turns scores into probabilities and asks for a high probability of the
correct class.

## From scores to a loss (the notes' four steps)

1. the scores of a sample, $s_1, \dots, s_C$ (any real numbers);
2. exponentiate them, $e^{s_j}$: all positive, larger scores much larger;
3. normalise, $p_j = e^{s_j} / \sum_k e^{s_k}$: positive and summing to 1, a probability for
   each class;
4. take the negative log of the correct class's probability:

$$L_i = -\log p_{y_i} = -s_{y_i} + \log \sum_k e^{s_k}.$$

A sample that is sure of the right class ($p_{y_i} \to 1$) costs nothing; one that is sure of a
wrong class costs a lot. The full loss averages over samples and adds the same penalty
$\lambda \sum W^2$ as the SVM.

## Numbers that do not fit (why the shift)

$e^{s}$ overflows to infinity for $s > 709$, and a probability as small as $e^{-1000}$ underflows
to 0, whose log is $-\infty$. Both are avoided by the identity

$$\log \sum_k e^{s_k} = m + \log \sum_k e^{s_k - m}, \qquad m = \max_k s_k,$$

(the **log-sum-exp** trick): the largest shifted score is 0, so nothing overflows, and
$\log p_j = (s_j - m) - \log \sum_k e^{s_k - m}$ is computed directly, never as the log of an
underflowed number.
"""

SETUP = r"""
Run this cell first: it imports what the function below may use.
"""

SECTIONS = {
    "softmax_loss": r"""
## 1. Loss and gradient

The derivative of $L_i$ with respect to the scores is remarkably simple:

$$\frac{\partial L_i}{\partial s_{ij}} = p_{ij} - \mathbb{1}[j = y_i],$$

the probabilities, minus 1 at the correct class. With the chain rule through $s = X W$ the whole
gradient is `X.T @ (P - Y) / N` plus $2\lambda W$, where `P` holds the probabilities and `Y` the
one-hot labels. Compute `log P` with the log-sum-exp trick; the test cell tries scores 10⁴
apart.
""",
}

EXPERIMENT = [
    ("markdown", r"""
## 2. Experiment: softmax against SVM on the digits

Train on scikit-learn's 8×8 digits with plain mini-batch SGD using **your** `softmax_loss`, and
the same SGD with the SVM loss from PyTorch (`F.multi_margin_loss`, times C), then look at the
loss curves, the templates each learned, and how sure the softmax classifier is.
"""),
    ("code", r"""
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits

digits = load_digits()
order = np.random.default_rng(0).permutation(len(digits.target))
X_all = np.hstack([digits.data[order] / 16.0, np.ones((len(order), 1))])  # pixels in [0, 1], then the bias
y_all = digits.target[order]
X_train, y_train, X_test, y_test = X_all[500:], y_all[500:], X_all[:500], y_all[:500]


def svm_loss_torch(W, X, y, reg):
    W_t = torch.tensor(W, requires_grad=True)
    scores = torch.from_numpy(X) @ W_t
    loss = F.multi_margin_loss(scores, torch.from_numpy(y)) * scores.shape[1] + reg * (W_t ** 2).sum()
    loss.backward()
    return loss.item(), W_t.grad.numpy()


def train(loss_fn, steps=400, batch=100, learning_rate=0.5, reg=1e-3, seed=0):
    rng = np.random.default_rng(seed)
    W = rng.normal(scale=1e-3, size=(X_train.shape[1], 10))
    history = []
    for _ in range(steps):
        rows = rng.choice(len(y_train), size=batch, replace=False)
        loss, dW = loss_fn(W, X_train[rows], y_train[rows], reg)
        history.append(loss)
        W = W - learning_rate * dW
    return W, history


W_softmax, softmax_history = train(softmax_loss)
W_svm, svm_history = train(svm_loss_torch, learning_rate=0.1)
for name, W in (("softmax", W_softmax), ("SVM", W_svm)):
    print(f"{name:8s} test accuracy {np.mean(np.argmax(X_test @ W, axis=1) == y_test):.3f}")

fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
axes[0].plot(softmax_history, label="softmax (your softmax_loss)", alpha=0.8)
axes[0].plot(svm_history, label="SVM (PyTorch)", alpha=0.8)
axes[0].axhline(np.log(10), color="gray", linestyle=":", label="log(10): the first softmax loss")
axes[0].set_xlabel("SGD step")
axes[0].set_ylabel("training loss on the mini-batch")
axes[0].set_yscale("log")
axes[0].set_title("Loss curves")
axes[0].legend(fontsize=8)

shown = [int(np.flatnonzero(y_test == digit)[0]) for digit in range(10)]  # one test image per digit
scores = X_test[shown] @ W_softmax
probs = torch.softmax(torch.from_numpy(scores), dim=1).numpy()
axes[1].imshow(probs, cmap="Greens", vmin=0, vmax=1)
axes[1].set_xticks(range(10))
axes[1].set_yticks(range(10), [f"a test {digit}" for digit in range(10)])
axes[1].set_xlabel("class")
axes[1].set_title("Softmax probabilities (rows sum to 1)")
plt.tight_layout()
plt.show()
"""),
    ("markdown", r"""
The softmax loss starts at $\log 10$ (every class equally likely) and keeps decreasing as the
probabilities sharpen; the SVM loss stops at 0 once the margins are met. Both learn similar
templates — each column of `W`, reshaped to 8×8:
"""),
    ("code", r"""
fig, axes = plt.subplots(2, 10, figsize=(11, 2.8))
for row, (name, W) in enumerate((("softmax", W_softmax), ("SVM", W_svm))):
    for digit in range(10):
        template = W[:64, digit].reshape(8, 8)
        axes[row, digit].imshow(template, cmap="RdBu_r", vmin=-abs(template).max(), vmax=abs(template).max())
        axes[row, digit].set_xticks([])
        axes[row, digit].set_yticks([])
        axes[row, digit].set_title(str(digit), fontsize=9)
    axes[row, 0].set_ylabel(name)
fig.suptitle("Learned templates: red pixels raise the class's score, blue ones lower it")
plt.tight_layout()
plt.show()
"""),
]

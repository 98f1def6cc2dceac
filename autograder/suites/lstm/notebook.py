"""The recurrent notebook's text and experiment (lecture notes 4.1-4.2)."""

TITLE = "Recurrent networks: RNN and LSTM steps, backpropagation through time"

INTRO = r"""
# Recurrent networks by hand

*Lecture notes, chapter 4.1-4.2: a hidden state carried through a sequence, and the LSTM's
cell state with gates that decide what to keep.*

## A state carried from one input to the next (notes 4.1)

A sentence is read one word at a time: "I", then "am", then "Chinese". A **recurrent** network
keeps a hidden state $h$ and combines, at every step, the new input with the state the previous
step left:

$$h_t = \tanh(x_t W_x + h_{t-1} W_h + b).$$

The same weights serve every step. Unrolled over $T$ steps, the network is a deep feed-forward
network whose layers share their weights, and backpropagation runs through it backwards in time
(**BPTT**): the gradient reaching $h_t$ comes from the loss at step $t$ *and* from step $t+1$,
and the weights' gradients add up over all steps.

## The LSTM (notes 4.2)

Through many $\tanh$ steps the gradient shrinks (or explodes), and the plain RNN forgets. The
LSTM adds a **cell state** $c$ that passes from step to step through a multiplication and an
addition only, and three **gates** — numbers between 0 and 1 from a sigmoid — that decide what
to do with it:

$$a = x_t W_x + h_{t-1} W_h + b \quad\text{split into four blocks } a_i, a_f, a_g, a_o,$$
$$i = \sigma(a_i),\quad f = \sigma(a_f),\quad g = \tanh(a_g),\quad o = \sigma(a_o),$$
$$c_t = f \odot c_{t-1} + i \odot g, \qquad h_t = o \odot \tanh(c_t).$$

The **forget gate** $f$ keeps or erases the old memory, the **input gate** $i$ decides how much
of the candidate $g$ to write, the **output gate** $o$ what to show of the memory. We use
PyTorch's block order $i, f, g, o$ (CS231n uses $i, f, o, g$): your `lstm_step` then equals
`torch.nn.LSTMCell` with `weight_ih = Wx.T`, `weight_hh = Wh.T`, `bias_ih = b`, `bias_hh = 0`,
and you can check your weights against it directly.

## Going back through a step

Upstream gradient times local gradient, gate by gate. Two things are easy to miss:

- $c_t$ reaches the loss **twice**: through the next step (`dnext_c`) and through
  $h_t = o \odot \tanh(c_t)$, so $\partial L/\partial c_t = $ `dnext_c` $+$ `dnext_h` $\odot\, o \odot (1 - \tanh^2 c_t)$;
- never change the upstream gradients you are given: compute into new arrays.

Implement the functions in order; each test cell checks its function.
"""

SETUP = r"""
Run this cell first: it imports what the functions below may use.
"""

SECTIONS = {
    "rnn_step": r"""
## 1. One step of a vanilla RNN

`next_h = tanh(x @ Wx + prev_h @ Wh + b)`; keep what the backward pass needs.
""",
    "rnn_step_backward": r"""
$\tanh'(a) = 1 - \tanh^2(a)$, from the step's **output**. Then the affine part, as in the
two-layer network: one gradient per input, each in that input's shape.
""",
    "lstm_step": r"""
## 2. One step of an LSTM

Four blocks of $H$ columns, in the order i, f, g, o. Write the sigmoid so that `np.exp` only
ever sees numbers $\le 0$: the check feeds pre-activations of $\pm 50$ and beyond, and an
overflow warning costs the point.
""",
    "lstm_step_backward": r"""
From `dnext_h` and `dnext_c` back to every input: first the total gradient of the cell state,
then each gate's, then the four blocks of $a$ side by side, then the affine part.
""",
    "lstm_forward": r"""
## 3. The LSTM over whole sequences

Loop over the $T$ steps with your `lstm_step`, starting from `h0` and a cell state of zeros,
and keep every step's cache.
""",
    "lstm_backward": r"""
Backpropagation through time: from the last step to the first. The gradient entering step $t$
is `dh[:, t]` plus what step $t+1$ sent back (in a new array: do not add into `dh`); the
weights' gradients add up over the steps.
""",
}

EXPERIMENT = [
    ("markdown", r"""
## 4. Experiment: learning a pattern that needs memory

The token sequence repeats `0 1 0 2 0 1 0 3`. What follows a `0` depends on what came before
it, so a network that only sees the current token cannot predict it. An LSTM with 16 hidden
units (your `lstm_forward` and `lstm_backward`) and a softmax output layer learns to predict
the next token, trained with the momentum update of chapter 2. Then we watch its gates on one
sequence.
"""),
    ("code", r"""
import matplotlib.pyplot as plt

PATTERN = np.array([0, 1, 0, 2, 0, 1, 0, 3])
H, N, T, V = 16, 32, 16, 4
rng = np.random.default_rng(0)


def batch(rng, n=N):
    starts = rng.integers(0, len(PATTERN), size=n)
    tokens = PATTERN[(starts[:, None] + np.arange(T + 1)) % len(PATTERN)]
    return np.eye(V)[tokens[:, :-1]], tokens[:, 1:]


params = {"Wx": rng.normal(scale=0.3, size=(V, 4 * H)), "Wh": rng.normal(scale=0.3, size=(H, 4 * H)),
          "b": np.zeros(4 * H), "Wy": rng.normal(scale=0.3, size=(H, V)), "by": np.zeros(V)}
previous = {k: v.copy() for k, v in params.items()}
losses = []
for step in range(300):
    x, targets = batch(rng)
    h, cache = lstm_forward(x, np.zeros((N, H)), params["Wx"], params["Wh"], params["b"])
    scores = h @ params["Wy"] + params["by"]
    probs = np.exp(scores - scores.max(axis=2, keepdims=True))
    probs /= probs.sum(axis=2, keepdims=True)
    picked = np.take_along_axis(probs, targets[..., None], axis=2)[..., 0]
    losses.append(-np.mean(np.log(picked)))
    dscores = probs.copy()
    np.put_along_axis(dscores, targets[..., None], (picked - 1)[..., None], axis=2)
    dscores /= N * T
    grads = {"Wy": h.reshape(-1, H).T @ dscores.reshape(-1, V), "by": dscores.sum(axis=(0, 1))}
    _, _, grads["Wx"], grads["Wh"], grads["b"] = lstm_backward(dscores @ params["Wy"].T, cache)
    updated = {k: params[k] - 0.5 * grads[k] + 0.9 * (params[k] - previous[k]) for k in params}
    previous, params = params, updated

x, targets = batch(np.random.default_rng(1), n=1)
h, c = np.zeros((1, H)), np.zeros((1, H))
gates = {"input gate i": [], "forget gate f": [], "output gate o": []}
for position in range(T):
    pre = x[:, position] @ params["Wx"] + h @ params["Wh"] + params["b"]
    for name, block in (("input gate i", 0), ("forget gate f", 1), ("output gate o", 3)):
        gates[name].append(1 / (1 + np.exp(-pre[0, block * H:(block + 1) * H])))
    h, c, _ = lstm_step(x[:, position], h, c, params["Wx"], params["Wh"], params["b"])
predicted = np.argmax(lstm_forward(x, np.zeros((1, H)), params["Wx"], params["Wh"], params["b"])[0] @ params["Wy"]
                      + params["by"], axis=2)[0]
print("input:     ", np.argmax(x[0], axis=1).tolist())
print("next token:", targets[0].tolist())
print("predicted: ", predicted.tolist())

fig, axes = plt.subplots(1, 4, figsize=(15, 3.6))
axes[0].plot(losses)
axes[0].set_yscale("log")
axes[0].set_xlabel("step")
axes[0].set_title("training loss (cross-entropy per token)")
tokens = np.argmax(x[0], axis=1)
for ax, (name, values) in zip(axes[1:], gates.items()):
    ax.imshow(np.array(values).T, aspect="auto", cmap="viridis", vmin=0, vmax=1)
    ax.set_xticks(range(T))
    ax.set_xticklabels(tokens)
    ax.set_xlabel("input token")
    ax.set_ylabel("unit")
    ax.set_title(name)
plt.tight_layout()
plt.show()
"""),
    ("markdown", r"""
The loss falls to what can be predicted at all (the first tokens of each sequence come before
the network has seen enough context to know where in the pattern it is): afterwards it predicts
even the tokens that follow a `0`, which takes memory of the tokens before. In the gate pictures (one row per hidden unit, one column per
input token) some units open or close in step with the pattern's period of 8: the gates, not a
fixed rule, decide when to write into the memory and when to keep it.
"""),
]

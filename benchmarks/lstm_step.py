"""The recurrent step: the reference lstm_step forward and lstm_step_backward for N=64, D=128,
H=256 float64, against torch.nn.LSTMCell forward and backward (autograd, every input and
weight), in blocks taking turns in the same run (see ``common.settled``). Goal: <= 1.5x."""

from __future__ import annotations

import numpy as np
from common import reference, settled

GOAL = 1.5


def run(rounds: int = 5, N: int = 64, D: int = 128, H: int = 256, settle: float = 0.3) -> float:
    import torch

    lstm = reference("lstm")
    rng = np.random.default_rng(0)
    x, h, c = rng.normal(size=(N, D)), rng.normal(size=(N, H)), rng.normal(size=(N, H))
    Wx, Wh, b = rng.normal(size=(D, 4 * H)) * 0.1, rng.normal(size=(H, 4 * H)) * 0.1, rng.normal(size=4 * H) * 0.1
    dh, dc = rng.normal(size=(N, H)), rng.normal(size=(N, H))

    cell = torch.nn.LSTMCell(D, H).double()
    with torch.no_grad():
        cell.weight_ih.copy_(torch.from_numpy(Wx.T.copy()))
        cell.weight_hh.copy_(torch.from_numpy(Wh.T.copy()))
        cell.bias_ih.copy_(torch.from_numpy(b))
        cell.bias_hh.zero_()
    inputs = [torch.tensor(a, requires_grad=True) for a in (x, h, c)]
    upstream = [torch.from_numpy(dh), torch.from_numpy(dc)]

    def ours():
        _, _, cache = lstm.lstm_step(x, h, c, Wx, Wh, b)
        return lstm.lstm_step_backward(dh, dc, cache)

    def theirs():
        next_h, next_c = cell(inputs[0], (inputs[1], inputs[2]))
        return torch.autograd.grad([next_h, next_c], inputs + list(cell.parameters()), upstream)

    medians = settled({"reference": ours, "PyTorch": theirs}, rounds, settle=settle)
    ratio = medians["reference"] / medians["PyTorch"]
    print(f"lstm_step forward + backward, N={N}, D={D}, H={H}, float64, median of {rounds} x 5 calls:")
    print(f"  reference {medians['reference'] * 1e3:8.2f} ms  torch.nn.LSTMCell {medians['PyTorch'] * 1e3:8.2f} ms  "
          f"ratio {ratio:5.2f} (goal <= {GOAL}x: {'met' if ratio <= GOAL else 'MISSED'})")
    return ratio

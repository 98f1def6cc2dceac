"""The generator's loss computed in NumPy and wrapped in a new tensor: the right number, but
nothing to backpropagate through."""

FAILS = {"generator_loss/values", "gan_step/three_steps", "gan_step/own_players", "gan_step/stale_gradients",
         "gan_step/learns_gaussian", "gan_step/vs_reference", "gan_step/learns_gaussian_vs_reference"}
HINTS = {}

import numpy as np
import torch


def generator_loss(logits_fake):
    z = logits_fake.detach().numpy()
    return torch.tensor(np.mean(np.logaddexp(0, -z)))

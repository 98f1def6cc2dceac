"""The original minimax generator loss, mean log(1 - D(G(z))), which saturates."""

FAILS = {"generator_loss/values", "gan_step/three_steps", "gan_step/stale_gradients",
         "gan_step/vs_reference"}
HINTS = {"generator_loss/values": "saturating", "gan_step/three_steps": "saturating"}

import torch
import torch.nn.functional as F


def generator_loss(logits_fake):
    return -F.binary_cross_entropy_with_logits(logits_fake, torch.zeros_like(logits_fake))

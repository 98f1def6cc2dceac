"""The discriminator's labels swapped: real against 0, fake against 1."""

FAILS = {"discriminator_loss/values", "gan_step/three_steps", "gan_step/own_players", "gan_step/stale_gradients",
         "gan_step/learns_gaussian", "gan_step/vs_reference", "gan_step/learns_gaussian_vs_reference"}
HINTS = {"discriminator_loss/values": "swapped", "gan_step/three_steps": "swapped"}

import torch
import torch.nn.functional as F


def discriminator_loss(logits_real, logits_fake):
    return (F.binary_cross_entropy_with_logits(logits_real, torch.zeros_like(logits_real))
            + F.binary_cross_entropy_with_logits(logits_fake, torch.ones_like(logits_fake)))

"""Targets built as torch.ones(N): fine for logits of shape (N,), an error for (N, 1), which is
what a discriminator ending in nn.Linear(h, 1) gives."""

FAILS = {"discriminator_loss/values", "generator_loss/values", "gan_step/three_steps", "gan_step/own_players",
         "gan_step/stale_gradients", "gan_step/learns_gaussian", "gan_step/vs_reference",
         "gan_step/learns_gaussian_vs_reference"}

import torch
import torch.nn.functional as F


def discriminator_loss(logits_real, logits_fake):
    ones = torch.ones(logits_real.shape[0], dtype=logits_real.dtype)
    zeros = torch.zeros(logits_fake.shape[0], dtype=logits_fake.dtype)
    return F.binary_cross_entropy_with_logits(logits_real, ones) + F.binary_cross_entropy_with_logits(logits_fake, zeros)


def generator_loss(logits_fake):
    return F.binary_cross_entropy_with_logits(logits_fake, torch.ones(logits_fake.shape[0], dtype=logits_fake.dtype))

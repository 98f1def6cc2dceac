"""The GAN oracle: the contract's PyTorch functions and the mistakes the hints name, run by
the instructor to precompute every number the public checks compare with
(``python -m autograder stubs`` writes them to ``expected.npz``). Not part of the student
bundle: for functions written in PyTorch, a PyTorch oracle is their solution."""

from __future__ import annotations

import numpy as np

from ...core import torch_builders
from .public import MISTAKES, SCENARIOS, Players, logit_cases, loss_key, trajectory_key


def torch_loss(function: str, arrays, *, swapped: bool = False, saturating: bool = False, after_sigmoid: bool = False):
    """(value, [gradients]) of the contract's loss (or of a mistake), computed here."""
    import torch
    import torch.nn.functional as F

    inputs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]

    def bce(x, label: float):
        target = torch.full_like(x, label)
        if after_sigmoid:
            return F.binary_cross_entropy(torch.sigmoid(x), target)
        return F.binary_cross_entropy_with_logits(x, target)

    if function == "discriminator_loss":
        real, fake = inputs
        loss = bce(real, 0.0) + bce(fake, 1.0) if swapped else bce(real, 1.0) + bce(fake, 0.0)
    else:
        (fake,) = inputs
        loss = -bce(fake, 0.0) if saturating else bce(fake, 1.0)
    return float(loss.detach()), [g.numpy() for g in torch.autograd.grad(loss, inputs)]


def oracle_step(G, D, opt_G, opt_D, real, z, mistake: str | None = None) -> tuple[float, float]:
    """The contract's gan_step, or one with ``mistake``: "swapped", "saturating", "no_zero_G",
    "no_zero_D", "D_moved_by_G", "not_detached"."""
    import torch

    real, z = torch.from_numpy(real), torch.from_numpy(z)
    if mistake == "not_detached":  # zeroed once, at the start
        opt_D.zero_grad()
        opt_G.zero_grad()
    fake = G(z)
    logits_real, logits_fake = D(real), D(fake if mistake == "not_detached" else fake.detach())
    d_loss = torch_value(logits_real, 0.0 if mistake == "swapped" else 1.0) + torch_value(
        logits_fake, 1.0 if mistake == "swapped" else 0.0)
    if mistake not in ("no_zero_D", "not_detached"):
        opt_D.zero_grad()
    d_loss.backward(retain_graph=mistake == "not_detached")
    opt_D.step()
    logits = D(fake)
    g_loss = -torch_value(logits, 0.0) if mistake == "saturating" else torch_value(logits, 1.0)
    if mistake not in ("no_zero_G", "not_detached"):
        opt_G.zero_grad()
    g_loss.backward()
    opt_G.step()
    if mistake == "D_moved_by_G":
        opt_D.step()
    return float(d_loss.detach()), float(g_loss.detach())


def torch_value(logits, label: float):
    import torch
    import torch.nn.functional as F

    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, label))


def oracle_trajectory(players: Players, batches, mistake: str | None = None, stale: bool = False):
    """[(d_loss, g_loss, G's parameters, D's parameters)] after each call, computed here."""
    G, D, opt_G, opt_D = local_players(players)
    if stale:
        torch_builders.stale_gradients(G, 7)
        torch_builders.stale_gradients(D, 8)
    states = []
    for real, z in batches:
        d_loss, g_loss = oracle_step(G, D, opt_G, opt_D, real, z, mistake)
        states.append((d_loss, g_loss, torch_builders.parameters(G), torch_builders.parameters(D)))
    return states


def local_players(players: Players):
    """The scenario's G, D and optimisers, built here as the worker builds them."""
    G = torch_builders.mlp(players.seed, players.G_sizes)
    D = torch_builders.mlp(players.seed + 1, players.D_sizes)
    return (G, D, torch_builders.adam(G, players.lr_G, players.beta1),
            torch_builders.sgd(D, players.lr_D, players.momentum))


def expected_values() -> dict[str, np.ndarray]:
    """Every expected number of the public checks, keyed as public.py reads them."""
    import torch

    torch.set_num_threads(1)
    values: dict[str, np.ndarray] = {}
    for function, count in (("discriminator_loss", 2), ("generator_loss", 1)):
        for index, (_, arrays) in enumerate(logit_cases(count)):
            key = loss_key(function, index)
            for mistake in (None, "swapped", "saturating", "after_sigmoid"):
                value, gradients = torch_loss(function, arrays, **({mistake: True} if mistake else {}))
                prefix = key if mistake is None else f"{key}/{mistake}"
                values[f"{prefix}/value"] = np.asarray(value)
                for i, g in enumerate(gradients):
                    values[f"{prefix}/grad/{i}"] = g
    for players, calls, stale in SCENARIOS:
        for mistake in (None, *MISTAKES):
            key = trajectory_key(players, calls, mistake, stale)
            for number, (d_loss, g_loss, G_params, D_params) in enumerate(
                    oracle_trajectory(players, players.batches(calls), mistake, stale), start=1):
                values[f"{key}/{number}/d_loss"] = np.asarray(d_loss)
                values[f"{key}/{number}/g_loss"] = np.asarray(g_loss)
                for k, p in enumerate(G_params):
                    values[f"{key}/{number}/G/{k}"] = p
                for k, p in enumerate(D_params):
                    values[f"{key}/{number}/D/{k}"] = p
    return values

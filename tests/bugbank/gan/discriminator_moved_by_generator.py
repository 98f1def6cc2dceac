"""Both optimisers stepped at the end: the generator's backward also moves D."""

FAILS = {"gan_step/learns_gaussian", "gan_step/learns_gaussian_vs_reference", "gan_step/own_players",
         "gan_step/stale_gradients", "gan_step/three_steps", "gan_step/vs_reference"}
HINTS = {"gan_step/three_steps": "D was moved by the generator's step", "gan_step/own_players": "only opt_D moves D"}


def gan_step(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    d_loss = discriminator_loss(D(real), D(fake.detach()))  # noqa: F821
    opt_D.zero_grad()
    d_loss.backward()
    opt_D.step()
    g_loss = generator_loss(D(fake))  # noqa: F821
    opt_G.zero_grad()
    g_loss.backward()
    opt_G.step()
    opt_D.step()
    return d_loss.item(), g_loss.item()

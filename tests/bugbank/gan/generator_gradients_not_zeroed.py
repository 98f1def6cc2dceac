"""opt_G.zero_grad() forgotten: G's gradients pile up from one call to the next."""

FAILS = {"gan_step/learns_gaussian", "gan_step/learns_gaussian_vs_reference", "gan_step/stale_gradients",
         "gan_step/three_steps", "gan_step/vs_reference"}
HINTS = {"gan_step/three_steps": "G's gradients were not zeroed"}


def gan_step(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    d_loss = discriminator_loss(D(real), D(fake.detach()))  # noqa: F821 (the reference's, above)
    opt_D.zero_grad()
    d_loss.backward()
    opt_D.step()
    g_loss = generator_loss(D(fake))  # noqa: F821
    g_loss.backward()
    opt_G.step()
    return d_loss.item(), g_loss.item()

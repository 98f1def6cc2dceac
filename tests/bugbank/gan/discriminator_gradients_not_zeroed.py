"""opt_D.zero_grad() forgotten: D's step also applies the gradients the generator's backward
left in D on the previous call."""

FAILS = {"gan_step/learns_gaussian", "gan_step/learns_gaussian_vs_reference", "gan_step/stale_gradients",
         "gan_step/three_steps", "gan_step/vs_reference"}
HINTS = {"gan_step/three_steps": "D's gradients were not zeroed"}


def gan_step(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    d_loss = discriminator_loss(D(real), D(fake.detach()))  # noqa: F821
    d_loss.backward()
    opt_D.step()
    g_loss = generator_loss(D(fake))  # noqa: F821
    opt_G.zero_grad()
    g_loss.backward()
    opt_G.step()
    return d_loss.item(), g_loss.item()

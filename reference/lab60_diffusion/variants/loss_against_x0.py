"""The training loss compares the model's output with x0 instead of the noise."""
# ruff: noqa: F821  (appended to the solution: its names and imports are in scope)


def noise_prediction_loss(model, x0, noise, timesteps, alphas_cumprod):
    t = _timesteps(timesteps, x0.shape[0], alphas_cumprod.shape[0])
    x_t = add_noise(x0, noise, t, alphas_cumprod)
    return F.mse_loss(model(x_t, t), x0)

"""The DDIM previous timestep is off by one: t - T // n - 1 instead of t - T // n."""
# ruff: noqa: F821  (appended to the solution: its names and imports are in scope)


def ddim_step(model_output, timestep, sample, alphas_cumprod, num_inference_steps, eta=0.0, noise=None,
              clip_sample=True, clip_sample_range=1.0, set_alpha_to_one=True):
    T = alphas_cumprod.shape[0]
    if not 1 <= num_inference_steps <= T or not 0 <= timestep < T or eta < 0 or (eta > 0 and noise is None):
        raise ValueError("bad arguments")
    prev_t = timestep - T // num_inference_steps - 1
    a = alphas_cumprod[timestep]
    a_prev = alphas_cumprod[prev_t] if prev_t >= 0 else (torch.ones(()) if set_alpha_to_one else alphas_cumprod[0])
    x0_hat = _pred_x0(model_output, sample, a, clip_sample, clip_sample_range)
    sigma = eta * ((1 - a_prev) / (1 - a) * (1 - a / a_prev)) ** 0.5
    prev_sample = a_prev**0.5 * x0_hat + (1 - a_prev - sigma**2) ** 0.5 * model_output
    if eta > 0:
        prev_sample = prev_sample + sigma * noise
    return prev_sample, x0_hat

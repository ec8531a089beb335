"""DDIM keeps the noise term at eta = 0: a given noise is added with the full posterior std."""
# ruff: noqa: F821  (appended to the solution: its names and imports are in scope)

_ddim_step_orig = ddim_step


def ddim_step(model_output, timestep, sample, alphas_cumprod, num_inference_steps, eta=0.0, noise=None,
              clip_sample=True, clip_sample_range=1.0, set_alpha_to_one=True):
    prev_sample, x0 = _ddim_step_orig(model_output, timestep, sample, alphas_cumprod, num_inference_steps, eta, noise,
                                      clip_sample, clip_sample_range, set_alpha_to_one)
    if eta == 0 and noise is not None:
        T = alphas_cumprod.shape[0]
        prev_t = timestep - T // num_inference_steps
        a = alphas_cumprod[timestep]
        a_prev = alphas_cumprod[prev_t] if prev_t >= 0 else torch.ones(())
        prev_sample = prev_sample + ((1 - a_prev) / (1 - a) * (1 - a / a_prev)) ** 0.5 * noise
    return prev_sample, x0

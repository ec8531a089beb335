"""set_alpha_to_one is ignored: past the first timestep abar_prev is always 1."""
# ruff: noqa: F821  (appended to the solution: its names and imports are in scope)

_ddim_step_orig = ddim_step


def ddim_step(model_output, timestep, sample, alphas_cumprod, num_inference_steps, eta=0.0, noise=None,
              clip_sample=True, clip_sample_range=1.0, set_alpha_to_one=True):
    return _ddim_step_orig(model_output, timestep, sample, alphas_cumprod, num_inference_steps, eta, noise,
                           clip_sample, clip_sample_range, True)

"""MFU divides by one device's peak although the step ran on n_devices devices."""


def mfu(flops_per_token, tokens_per_step, step_seconds, peak_flops, n_devices=1):
    if step_seconds <= 0 or peak_flops <= 0 or n_devices < 1:
        raise ValueError("bad arguments")
    if flops_per_token < 0 or tokens_per_step < 0:
        raise ValueError("bad arguments")
    return tokens_per_step / step_seconds * flops_per_token / peak_flops

"""Takes the max of the two roofs instead of the min."""


def roofline(intensity, peak_flops, peak_bandwidth):
    if intensity < 0 or peak_flops <= 0 or peak_bandwidth <= 0:
        raise ValueError("need intensity >= 0 and positive peaks")
    return max(peak_flops, intensity * peak_bandwidth)

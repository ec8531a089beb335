"""The plot saves an empty chart: the axes and labels, but the curves are never drawn."""


def plot_schedules(curves, num_steps, path, log_scale=False):
    if not curves:
        raise ValueError("curves is empty")
    num_steps = _int(num_steps, "num_steps", 1)
    for name, config in curves.values():
        schedule_values(name, config, num_steps)
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 4.5))
    axes = figure.subplots()
    if log_scale:
        axes.set_yscale("log")
    axes.set_xlabel("step")
    axes.set_ylabel("learning rate")
    figure.savefig(path, format="png")
    return str(path)

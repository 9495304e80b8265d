"""The three-panel impact figure and its data twin."""

from __future__ import annotations

import pandas as pd

__all__ = ["impact_plot_data", "plot_impact"]

_PANELS = (
    ("original", [("observed", None), ("counterfactual", "counterfactual")]),
    ("pointwise", [("effect", "effect")]),
    ("cumulative", [("cumulative_effect", "cumulative_effect")]),
)


def impact_plot_data(result) -> pd.DataFrame:
    """Tidy data of the impact figure.

    Parameters
    ----------
    result : ImpactResult
        The fitted result.

    Returns
    -------
    pandas.DataFrame
        Columns ``date, panel, line, value, lower, upper`` (bands are NaN for the
        observed line).
    """
    pw = result.pointwise
    frames = []
    for panel, lines in _PANELS:
        for line, band in lines:
            frames.append(
                pd.DataFrame(
                    {
                        "date": pw.index,
                        "panel": panel,
                        "line": line,
                        "value": pw[line].to_numpy(),
                        "lower": pw[f"{band}_lower"].to_numpy() if band else float("nan"),
                        "upper": pw[f"{band}_upper"].to_numpy() if band else float("nan"),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def plot_impact(result, *, figsize=(10, 8), title=None):
    """Draw observed vs counterfactual, pointwise effect and cumulative effect.

    Parameters
    ----------
    result : ImpactResult
        The fitted result.
    figsize : tuple, default (10, 8)
        Figure size in inches.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        A figure with three stacked Axes sharing the date axis. Each campaign window is
        shaded (``axvspan``) and the first campaign start marked by a dashed line.
    """
    import matplotlib.pyplot as plt

    data = impact_plot_data(result)
    fig, axes = plt.subplots(3, 1, figsize=figsize, sharex=True)
    colors = {
        "observed": "black",
        "counterfactual": "C0",
        "effect": "C0",
        "cumulative_effect": "C0",
    }
    ylabels = {
        "original": str(result.y.name or "y"),
        "pointwise": "effect",
        "cumulative": "cumulative",
    }
    for ax, (panel, lines) in zip(axes, _PANELS, strict=True):
        for line, band in lines:
            d = data[(data["panel"] == panel) & (data["line"] == line)]
            if band:
                ax.fill_between(d["date"], d["lower"], d["upper"], color="C0", alpha=0.2, lw=0)
            ax.plot(
                d["date"],
                d["value"],
                color=colors[line],
                lw=1,
                ls="--" if line == "counterfactual" else "-",
                label=line.replace("_", " "),
            )
        if panel != "original":
            ax.axhline(0, color="grey", lw=0.8)
        for iv in result.interventions:
            start, end = result.windows[iv.name]
            ax.axvspan(start, end, color="C1", alpha=0.1, lw=0)
        ax.axvline(result.window[0], color="grey", ls=":", lw=1)
        ax.set_ylabel(ylabels[panel])
    axes[0].legend(loc="upper left", frameon=False)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig

"""Figures of the trust checks and of campaign planning: now in :mod:`darksocial.plotting`.

Kept so that ``from darksocial.trust_plots import plot_power_curve`` (and the other three)
still works; new code imports from :mod:`darksocial.plotting`.
"""

from __future__ import annotations

from darksocial.plotting import (
    plot_placebo_in_space,
    plot_placebo_in_time,
    plot_power_curve,
    plot_triangulation,
)

__all__ = [
    "plot_placebo_in_space",
    "plot_placebo_in_time",
    "plot_power_curve",
    "plot_triangulation",
]

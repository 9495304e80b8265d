"""Checks that a measured campaign lift is not noise or an artefact of one modelling choice.

Three checks on one campaign, all re-running :func:`darksocial.its.fit` with the same
specification:

* :func:`placebo_in_time` refits at fake launch dates in the pre-period (no campaign
  there) and ranks the real effect among the placebo "effects": a calibrated p-value
  that does not rely on the model's own intervals.
* :func:`placebo_in_space` runs the same analysis on series that should not move
  (non-branded search, a control channel) and says plainly whether they moved too.
* :func:`triangulate` estimates the same campaign with every applicable model, method
  and pre-period length in one table, so a reader sees whether the conclusion depends on
  a choice.

:func:`calibration_warning` reads the calibration study's table (package data
``darksocial/data/calibration.csv``, written by ``benchmarks/calibration.py``, through
:func:`calibration_table`) and returns a warning sentence for a ``(model, method)`` pair
that missed its coverage or false-positive targets.
"""

from __future__ import annotations

import dataclasses
import re
import time
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from darksocial.config import ALPHA, SEED
from darksocial.errors import (
    DarkSocialError,
    DataFormatError,
    DataValidationError,
    InterventionDateError,
    ParameterError,
)
from darksocial.formatting import fixed_percent, number, percent, plural
from darksocial.its import COUNT_MODELS, METHODS, MODELS
from darksocial.validation import (
    check_alpha,
    check_choice,
    check_duration,
    check_series,
    exclusion_mask,
    is_count_series,
    launch_position,
)

__all__ = [
    "PlaceboInSpace",
    "PlaceboInTime",
    "Triangulation",
    "calibration_table",
    "calibration_warning",
    "placebo_in_space",
    "placebo_in_time",
    "triangulate",
]

#: The calibration study's table, package data written by ``benchmarks/calibration.py``.
CALIBRATION_TABLE = Path(__file__).resolve().parent / "data" / "calibration.csv"

#: Placebo fits by default: enough for a p-value resolution of 1/31 at ~10 ms a fit.
N_PLACEBOS = 30

#: Simulated paths per fit inside the checks (fewer than a headline fit: tail-area p
#: values of 1/201 resolution are enough to rank placebos, and it is 5x faster).
CHECK_SIMULATIONS = 200

# Design columns of the engine that are not user controls (see darksocial.its.design).
_BASE_TERMS = re.compile(r"^(const|trend|holiday|yearend$|dow\[|month\[|season\d|yearly_|fourier)")


def _engine():
    """The ITS engine's public ``fit`` and ``Intervention``."""
    from darksocial.its import Intervention, fit

    return fit, Intervention


def _effect_row(res) -> dict:
    """Relative and average effect with intervals and p of one fit, as a flat dict."""
    e = res.effects
    return {
        "estimate": float(e.loc["relative", "estimate"]),
        "lower": float(e.loc["relative", "lower"]),
        "upper": float(e.loc["relative", "upper"]),
        "average": float(e.loc["average", "estimate"]),
        "average_lower": float(e.loc["average", "lower"]),
        "average_upper": float(e.loc["average", "upper"]),
        "cumulative_lower": float(e.loc["cumulative", "lower"]),
        "cumulative_upper": float(e.loc["cumulative", "upper"]),
        "p_value": float(res.p_value),
    }


@dataclasses.dataclass(frozen=True)
class _Spec:
    """What is re-run by every check: the series, the campaign and the model options."""

    y: pd.Series
    pos0: int
    length: int
    controls: pd.DataFrame | None
    model: str
    method: str
    shape: str
    alpha: float
    seed: int
    fit_kwargs: dict

    def fit(self, y: pd.Series, start: int, length: int, *, name: str = "campaign", **extra):
        """Fit the spec on ``y`` with a campaign at position ``start`` for ``length``."""
        fit, Intervention = _engine()
        idx = y.index
        iv = Intervention(
            name,
            idx[start],
            shape=self.shape,
            evaluation_end=idx[min(start + length, len(idx)) - 1],
            **self.fit_kwargs.get("_intervention", {}),
        )
        kw = {k: v for k, v in self.fit_kwargs.items() if k != "_intervention"}
        kw.update(extra)
        kw.setdefault("n_simulations", CHECK_SIMULATIONS)
        ctrl = None if self.controls is None else self.controls.loc[idx]
        return fit(
            y,
            iv,
            controls=ctrl,
            model=self.model,
            method=self.method,
            alpha=self.alpha,
            seed=self.seed,
            **kw,
        )


def _controls_from_design(res) -> pd.DataFrame | None:
    cols = [c for c in res.design.columns if ":" not in c and not _BASE_TERMS.match(c)]
    return res.design[cols] if cols else None


def _make_spec(
    y,
    launch,
    *,
    duration,
    controls,
    model,
    method,
    shape,
    alpha,
    seed,
    fit_kwargs,
) -> tuple[_Spec, object]:
    """Build the spec from a series + launch, or from a fitted ImpactResult."""
    from darksocial.its import ImpactResult

    if isinstance(y, ImpactResult):
        res = y
        if len(res.interventions) != 1:
            raise ParameterError(
                f"The result has {len(res.interventions)} campaigns; the checks handle one "
                "at a time: fit each campaign separately and check it."
            )
        iv = res.interventions[0]
        series = res.y.astype(float)
        pos0 = int(series.index.searchsorted(iv.start))
        lo, hi = res.window
        length = int(series.index.get_loc(hi)) - pos0 + 1
        if controls is None:
            controls = _controls_from_design(res)
        fk = dict(fit_kwargs)
        if res.transform is not None:
            fk.setdefault("transform", res.transform)
        extra = {}
        if iv.ramp_periods is not None:
            extra["ramp_periods"] = iv.ramp_periods
        if iv.half_life is not None and iv.shape == "pulse":
            extra["half_life"] = iv.half_life
        if extra:
            fk["_intervention"] = extra
        spec = _Spec(
            series,
            pos0,
            length,
            None if controls is None else controls,
            res.model,
            res.method,
            iv.shape,
            res.alpha,
            res.seed,
            fk,
        )
        return spec, res
    check_choice(model, MODELS, "model")
    if method is None:
        method = "counterfactual" if model == "structural" else "intervention"
    check_choice(method, METHODS, "method")
    check_alpha(alpha)
    series = check_series(y)
    pos0 = launch_position(series.index, launch)
    if pos0 <= 0 or pos0 >= len(series):
        raise InterventionDateError(
            f"launch {pd.Timestamp(launch).date()} must fall after the first date "
            f"({series.index[0].date()}) and on or before the last ({series.index[-1].date()})."
        )
    duration = check_duration(duration)
    length = len(series) - pos0 if duration is None else min(duration, len(series) - pos0)
    if controls is not None:
        if isinstance(controls, pd.Series):
            controls = controls.to_frame()
        missing = series.index.difference(controls.index)
        if len(missing):
            raise DataValidationError(
                f"controls lack {len(missing)} dates of y (first {missing[0].date()}); "
                "give controls on every date of y."
            )
    return (
        _Spec(series, pos0, length, controls, model, method, shape, alpha, seed, fit_kwargs),
        None,
    )


# -- placebo in time -------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class PlaceboInTime:
    """Placebo launches in the pre-period and the real effect's rank among them.

    Attributes
    ----------
    placebos : pandas.DataFrame
        One row per placebo launch: ``launch, window_end, n_pre, estimate, lower, upper``
        (relative effect), ``average``, ``p_value`` (the model's own p) and
        ``significant`` (the model's own verdict at ``alpha``).
    real : pandas.Series
        The real campaign's ``estimate, lower, upper, average, p_value``.
    p_value : float
        Calibrated p-value ``(1 + #{|placebo| >= |real|}) / (1 + n)`` on :attr:`statistic`.
    false_positive_rate : float
        Share of placebo launches the model itself called significant at ``alpha``: an
        estimate of its false-positive rate on this very series (nominal: ``alpha``).
    n_failed : int
        Placebo fits that failed (skipped).
    model, method : str
        The specification re-run.
    alpha : float
        Significance level.
    statistic : {"relative", "average"}, default "relative"
        The effect ranked, described and drawn: the relative effect (``estimate``), or the
        average effect in the metric's own units (``average``) for a metric zero in most
        periods before launch. The two are not equivalent: the relative effect is the
        average one over each window's own expected level, which differs from one fake
        launch date to the next (trend, seasons), so they can rank the placebos
        differently. The average one is a statistic of its own, as valid for the rank
        (the same statistic at the real and every fake launch); on a level near zero it is
        the one that means something, since dividing by that level is what makes the
        relative effect swing (-866% to +546%).
    unit : str, default ""
        The average effect's unit in words (``"index points"``, ``"clicks a day"``), for
        ``statistic="average"``.
    """

    placebos: pd.DataFrame
    real: pd.Series
    p_value: float
    false_positive_rate: float
    n_failed: int
    model: str
    method: str
    alpha: float
    statistic: Literal["relative", "average"] = "relative"
    unit: str = ""

    @property
    def _column(self) -> str:
        """The column of :attr:`statistic`: ``estimate`` (relative) or ``average``."""
        return "average" if self.statistic == "average" else "estimate"

    def _size(self, value: float) -> str:
        """One effect as the report writes it: a percentage, or a number in its units."""
        return _effect_size(value, self.statistic, self.unit)

    def frame(self) -> pd.DataFrame:
        """All placebo fits and the real one in one tidy table.

        Returns
        -------
        pandas.DataFrame
            The columns of :attr:`placebos` plus ``kind`` (``"placebo"`` or ``"real"``).
        """
        real = self.real.to_frame().T.assign(kind="real")
        out = pd.concat([self.placebos.assign(kind="placebo"), real], ignore_index=True)
        return out.infer_objects()

    def summary(self) -> str:
        """A short text summary: counts, the calibrated p and the model's own p.

        Returns
        -------
        str
            Three lines of plain text.
        """
        n = len(self.placebos)
        return "\n".join(
            [
                f"Placebo in time: {n} fake launches ({self.n_failed} failed), "
                f"model={self.model}, method={self.method}",
                f"real effect {self._summary_size()}, model p = "
                f"{self.real['p_value']:.3g}, calibrated p = {self.p_value:.3g}",
                f"placebos called significant at {self.alpha:g}: "
                f"{self.false_positive_rate:.0%} (nominal {self.alpha:.0%})",
            ]
        )

    def _summary_size(self) -> str:
        if self.statistic == "average":
            return self._size(float(self.real["average"]))
        return fixed_percent(self.real["estimate"])

    def __str__(self) -> str:
        return self.summary()

    @property
    def n_as_large(self) -> int:
        """Placebo effects at least as large (in size) as the real one: the p-value's count."""
        col = self._column
        est = self.placebos[col].to_numpy(dtype=float) if len(self.placebos) else []
        return int(np.sum(np.abs(est) >= abs(float(self.real[col]))))

    @property
    def smallest_p(self) -> float:
        """The smallest calibrated p-value these placebos can give, ``1 / (n + 1)``.

        Reached when the real effect is larger than every placebo; with fewer than
        :attr:`placebos_needed` placebos it is not below ``alpha``.
        """
        return 1 / (len(self.placebos) + 1)

    @property
    def placebos_needed(self) -> int:
        """Fewest placebos whose :attr:`smallest_p` is below ``alpha`` (20 at 0.05)."""
        # smallest n with 1 / (n + 1) < alpha; the epsilon keeps 1 / 0.05 at 20
        return int(np.floor(1 / self.alpha + 1e-9))

    @property
    def verdict(self) -> Literal["rare", "could be noise", "too few", "not run"]:
        """What the calibrated p-value says, in one of four words.

        ``"rare"``: :attr:`p_value` is below ``alpha``, a change this large is rare without
        a campaign. ``"too few"``: the real effect is larger than every placebo, but
        :attr:`smallest_p` is not below ``alpha``, so the check cannot call any effect
        unusual (a longer pre-period gives more placebos). ``"could be noise"``: some
        placebo effects were at least as large. ``"not run"``: no placebo was fitted.
        """
        if len(self.placebos) == 0 or not np.isfinite(self.p_value):
            return "not run"
        if self.p_value < self.alpha:
            return "rare"
        if self.n_as_large == 0:
            return "too few"
        return "could be noise"

    def report(self) -> str:
        """A plain-language paragraph for a marketing lead.

        Returns
        -------
        str
            Where the real effect ranks among the placebo effects, what that means (or that
            there are too few placebos to tell), and a warning when the model's own
            intervals look too narrow on this series.
        """
        n = len(self.placebos)
        if n == 0:
            return "No placebo launch could be fitted, so the effect could not be checked."
        est = self.placebos[self._column]
        real = float(self.real[self._column])
        beaten = int(np.sum(np.abs(est) < abs(real)))
        lo, hi = np.quantile(est, [0.05, 0.95])
        than = f"all {n} of them" if beaten == n else f"{beaten} of them"
        between = (
            f"{number(lo, signed=True)} and {number(hi, signed=True)} {self.unit}".rstrip()
            if self.statistic == "average"
            else f"{percent(lo)} and {percent(hi)}"
        )
        text = (
            f"At {n} fake launch dates before the campaign, where nothing happened, the same "
            f"analysis found 'effects' mostly between {between}. The real "
            f"effect, {self._size(real)}, is larger (in size) than {than}: calibrated "
            f"p = {self.p_value:.2f}. "
        )
        verdict = self.verdict
        if verdict == "rare":
            text += "A change this large is rarely produced by noise alone on this series."
        elif verdict == "too few":
            text += (
                f"That is the smallest p {n} fake launch dates can give, and it is not below "
                f"{self.alpha:g}: there are too few of them for this check to call any "
                f"effect unusual, however large (it needs at least {self.placebos_needed}). "
                "A longer history before launch (an export that starts earlier) would add "
                "fake launch dates."
            )
        else:
            k = self.n_as_large
            text += (
                f"Changes this large happen without any campaign on this series ({k} of the "
                f"{n} fake launch dates {'was' if k == 1 else 'were'} at least as large), so "
                "this one could be noise."
            )
        if self.intervals_too_narrow:
            text += (
                f" Warning: the model called {self.false_positive_rate:.0%} of the fake "
                f"launches significant (nominal {self.alpha:.0%}); its own intervals are too "
                "narrow here, trust the calibrated p."
            )
        return text

    @property
    def intervals_too_narrow(self) -> bool:
        """Whether the model called more fake launches significant than chance allows.

        True when :attr:`false_positive_rate` exceeds ``alpha`` by more than two binomial
        standard errors: the model's own intervals and p-values are then too optimistic on
        this series, and :attr:`p_value` (calibrated) is the one to quote.
        """
        n = len(self.placebos)
        if n == 0 or not np.isfinite(self.false_positive_rate):
            return False
        # binomial upper tolerance on the model's own placebo rejections
        tol = self.alpha + 2 * np.sqrt(self.alpha * (1 - self.alpha) / n)
        return bool(self.false_positive_rate > tol)

    def plot_data(self) -> pd.DataFrame:
        """The data drawn by :meth:`plot`: :meth:`frame` columns ``kind, launch, estimate``.

        Returns
        -------
        pandas.DataFrame
            One row per placebo plus the real one; ``estimate`` is the relative effect, or
            the average one with ``statistic="average"``.
        """
        frame = self.frame()
        return frame[["kind", "launch"]].assign(estimate=frame[self._column])

    def plot(self, *, ax=None):
        """Histogram of placebo effects with the real effect marked.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on (default: the current Axes).

        Returns
        -------
        matplotlib.axes.Axes
        """
        from darksocial.plotting import plot_placebo_in_time

        return plot_placebo_in_time(self, ax=ax)


def placebo_in_time(
    y,
    launch=None,
    *,
    duration: int | None = None,
    controls: pd.DataFrame | None = None,
    model: str = "segmented",
    method: str | None = None,
    shape: str = "level",
    n_placebos: int = N_PLACEBOS,
    min_pre: int | None = None,
    exclude=None,
    alpha: float = ALPHA,
    seed: int = SEED,
    **fit_kwargs,
) -> PlaceboInTime:
    """Refit at fake launch dates in the pre-period and rank the real effect among them.

    Parameters
    ----------
    y : pandas.Series or darksocial.its.ImpactResult
        The outcome with a regular DatetimeIndex, or a fitted single-campaign result
        (then ``launch``, ``duration``, ``model``, ``method``, ``shape``, ``alpha``,
        ``seed``, ``transform`` and the controls are taken from it).
    launch : str or pandas.Timestamp
        First day of the real campaign (not needed with a result).
    duration : int, optional
        Length in periods of the evaluation window; default: to the end of the data.
    controls : pandas.DataFrame, optional
        Control series indexed like ``y``.
    model : {"segmented", "arima", "structural", "poisson", "negbin"}, default "segmented"
        Model of :func:`darksocial.its.fit`.
    method : {"intervention", "counterfactual"}, optional
        Method of :func:`darksocial.its.fit` (its default when omitted).
    shape : {"level", "ramp", "pulse", "slope", "level+slope"}, default "level"
        Shape of the campaign (and of every placebo).
    n_placebos : int, default 30
        Number of fake launches, spread evenly over the admissible dates.
    min_pre : int, optional
        Fewest periods before a fake launch; default ``max(56, 2 * duration)`` capped so
        that at least a few placebos fit.
    exclude : pandas.DataFrame or sequence of (start, end) pairs, optional
        Earlier campaigns: no placebo window overlaps them (their real lift would pass
        for noise). The campaign calendar (``launch`` and ``end`` or ``evaluation_end``
        columns, e.g. ``load_sample().campaigns``) or ``[("2025-03-03", "2025-04-27")]``;
        a missing end means an 8-week window.
    alpha : float, default 0.05
        Significance level.
    seed : int, default ``darksocial.config.SEED``
        Seed of every fit.
    **fit_kwargs
        Passed to :func:`darksocial.its.fit` (``seasonality``, ``holidays``,
        ``transform``, ``n_simulations`` ...).

    Returns
    -------
    PlaceboInTime
        ``.frame()``, ``.p_value``, ``.report()``, ``.plot(ax=None)``.

    Raises
    ------
    InterventionDateError
        If the pre-period is too short to hold one window of the real length after
        ``min_pre`` periods (the message says how much history is needed).
    ParameterError
        If an option is invalid.

    Notes
    -----
    Each placebo uses only data before the real launch: its series is cut after its own
    window (or after as many periods as the real analysis has after its launch, whichever
    is longer, but never past the real launch), so the real campaign never leaks in. The
    statistic is the relative effect; the calibrated p-value is two-sided,
    ``(1 + #{|placebo| >= |real|}) / (1 + n)`` (Abadie et al. 2010's placebo rank).
    Its resolution is ``1 / (n + 1)``: with 30 placebos it cannot go below 0.032.

    Examples
    --------
    >>> from darksocial.sample import simulate_series
    >>> y, controls, truth = simulate_series(730, effect=0.15, seed=1)
    >>> check = placebo_in_time(y, truth["launch"], duration=56)
    >>> check.p_value  # doctest: +SKIP
    0.032
    """
    spec, res = _make_spec(
        y,
        launch,
        duration=duration,
        controls=controls,
        model=model,
        method=method,
        shape=shape,
        alpha=alpha,
        seed=seed,
        fit_kwargs=fit_kwargs,
    )
    if int(n_placebos) < 5:
        raise ParameterError(f"n_placebos={n_placebos} is too few; use at least 5 (e.g. 30).")
    L = spec.length
    after = len(spec.y) - spec.pos0  # periods the real analysis has after its launch
    if min_pre is None:
        min_pre = max(56, 2 * L)
        # shorten the default (never below one window) when history is scarce
        min_pre = max(min(min_pre, spec.pos0 - L - 4), L, 8)
    last_start = spec.pos0 - L
    if last_start < min_pre:
        raise InterventionDateError(
            f"The pre-period before {spec.y.index[spec.pos0].date()} has {spec.pos0} periods; "
            f"placebo launches need at least min_pre + duration = {min_pre} + {L} = "
            f"{min_pre + L}: load more history or shorten duration."
        )
    cand = np.arange(min_pre, last_start + 1)
    mask = exclusion_mask(spec.y.index, exclude)
    if mask.any():
        csum = np.concatenate([[0], np.cumsum(mask)])
        cand = cand[(csum[cand + L] - csum[cand]) == 0]
        if not len(cand):
            raise InterventionDateError(
                f"Every {L}-period window before {spec.y.index[spec.pos0].date()} overlaps an "
                "excluded campaign; exclude fewer campaigns or shorten duration."
            )
    pick = np.linspace(0, len(cand) - 1, int(n_placebos)).round().astype(int)
    starts = np.unique(cand[pick])

    if res is None:
        res = spec.fit(spec.y, spec.pos0, L)
    real = pd.Series({"launch": spec.y.index[spec.pos0], **_effect_row(res)})
    real["window_end"] = spec.y.index[spec.pos0 + L - 1]
    real["n_pre"] = spec.pos0

    rows, failed = [], 0
    for s in starts:
        cut = min(s + max(L, after), spec.pos0)
        ys = spec.y.iloc[:cut]
        try:
            r = spec.fit(ys, int(s), L, name="placebo")
        except DarkSocialError:
            failed += 1
            continue
        row = {"launch": ys.index[s], "window_end": ys.index[s + L - 1], "n_pre": int(s)}
        row.update(_effect_row(r))
        rows.append(row)
    cols = ["launch", "window_end", "n_pre", *_effect_row(res).keys()]
    placebos = pd.DataFrame(rows, columns=cols)
    placebos["significant"] = placebos["p_value"] < spec.alpha
    est = placebos["estimate"].to_numpy(dtype=float)
    n = len(est)
    p = (1 + int(np.sum(np.abs(est) >= abs(real["estimate"])))) / (1 + n)
    fpr = float(placebos["significant"].mean()) if n else float("nan")
    real = real[[c for c in cols if c in real.index]]
    real["significant"] = bool(real["p_value"] < spec.alpha)
    return PlaceboInTime(
        placebos=placebos,
        real=real,
        p_value=float(p),
        false_positive_rate=fpr,
        n_failed=failed,
        model=spec.model,
        method=spec.method,
        alpha=spec.alpha,
    )


# -- placebo in space ------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class PlaceboInSpace:
    """The same analysis on series that should not move.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per series: ``series, estimate, lower, upper`` (relative effect),
        ``average, average_lower, average_upper, p_value, moved, sentence``.
    alpha : float
        Significance level.
    """

    table: pd.DataFrame
    alpha: float

    def frame(self) -> pd.DataFrame:
        """The per-series table (a copy of :attr:`table`).

        Returns
        -------
        pandas.DataFrame
        """
        return self.table.copy()

    @property
    def any_moved(self) -> bool:
        """Whether any series that should not move did move."""
        return bool(self.table["moved"].any())

    def report(self, *, lift: bool | None = None) -> str:
        """One plain sentence per series and a conclusion.

        Parameters
        ----------
        lift : bool, optional
            Whether the campaign's own metric showed a significant change. With False the
            conclusion says there is no lift to explain, instead of vouching for one.

        Returns
        -------
        str
            E.g. ``"non-branded search did not move (+1.2%, −3.0% to +5.0%)."`` and a
            closing sentence.
        """
        t = self.table
        lines = [s + "." for s in t["sentence"]]
        ok = t.dropna(subset=["estimate"])
        if ok.empty:
            return " ".join(lines) or "No series could be checked."
        if ok["moved"].any() and lift is False:
            # no lift to explain away: "moved too: the lift may not be the campaign" read
            # beside a campaign whose own change was -1.5%, no clear change
            names = ", ".join(ok.loc[ok["moved"], "series"])
            lines.append(
                f"{names} moved during the campaign's window while the campaign's own "
                "metric showed no clear change: the comparison series may not be a clean "
                "baseline (a site-wide change, seasonality the model missed, or the campaign "
                "spilling into them, which the model would then take for the market)."
            )
        elif ok["moved"].any():
            names = ", ".join(ok.loc[ok["moved"], "series"])
            lines.append(
                f"{names} moved too: the lift may not be the campaign (a site-wide change, "
                "seasonality the model missed, or spill-over into the controls)."
            )
        elif lift is False:
            lines.append(
                "No series that should not move did; as the campaign's own metric showed no "
                "clear change either, there is no lift for this check to explain."
            )
        else:
            lines.append(
                "No series that should not move did: a change in the campaign's metrics does "
                "not come from a site-wide shift or seasonality the model missed."
            )
        return " ".join(lines)

    def plot_data(self) -> pd.DataFrame:
        """The data drawn by :meth:`plot`: ``series, estimate, lower, upper, moved``.

        Returns
        -------
        pandas.DataFrame
        """
        return self.table[["series", "estimate", "lower", "upper", "moved"]].copy()

    def plot(self, *, ax=None):
        """Relative effect and interval of each series, with zero marked.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on (default: the current Axes).

        Returns
        -------
        matplotlib.axes.Axes
        """
        from darksocial.plotting import plot_placebo_in_space

        return plot_placebo_in_space(self, ax=ax)


def placebo_in_space(
    series,
    launch,
    *,
    duration: int | None = None,
    controls: pd.DataFrame | None = None,
    model: str = "segmented",
    method: str | None = None,
    shape: str = "level",
    alpha: float = ALPHA,
    seed: int = SEED,
    **fit_kwargs,
) -> PlaceboInSpace:
    """Run the campaign's analysis on series that should not move, and say if they did.

    Parameters
    ----------
    series : pandas.DataFrame, pandas.Series or dict of pandas.Series
        Series that the campaign should not affect (non-branded search, a control
        channel), one per column or dict entry; the names are used in the sentences
        (e.g. ``"non-branded search"``).
    launch : str or pandas.Timestamp
        First day of the campaign.
    duration : int, optional
        Length in periods of the evaluation window; default: to the end of the data.
    controls : pandas.DataFrame, optional
        Controls for every series (do not include a series among its own controls).
    model, method, shape, alpha, seed, **fit_kwargs
        As in :func:`placebo_in_time`.

    Returns
    -------
    PlaceboInSpace
        ``.frame()``, ``.report()``, ``.any_moved``, ``.plot(ax=None)``.

    Raises
    ------
    DataValidationError
        If ``series`` is empty or not made of dated numeric series.
    ParameterError
        If an option is invalid.

    Notes
    -----
    A series "moved" when the interval of its cumulative effect excludes zero, the same
    rule the engine's report uses for the real campaign. A series whose fit fails is kept
    with a note instead of breaking the table.

    Examples
    --------
    >>> check = placebo_in_space({"non-branded search": nonbrand}, "2025-03-03")  # doctest: +SKIP
    >>> print(check.report())  # doctest: +SKIP
    """
    if isinstance(series, pd.Series):
        series = {str(series.name or "series"): series}
    elif isinstance(series, pd.DataFrame):
        series = {str(c): series[c] for c in series.columns}
    elif not isinstance(series, dict):
        raise DataValidationError(
            "series must be a DataFrame, a Series or a dict of Series (name -> series), not "
            f"{type(series).__name__}."
        )
    if not series:
        raise DataValidationError(
            "series is empty; pass at least one series that should not move."
        )
    rows = []
    for name, s in series.items():
        spec, _ = _make_spec(
            s,
            launch,
            duration=duration,
            controls=controls,
            model=model,
            method=method,
            shape=shape,
            alpha=alpha,
            seed=seed,
            fit_kwargs=fit_kwargs,
        )
        try:
            r = spec.fit(spec.y, spec.pos0, spec.length)
        except DarkSocialError as exc:
            rows.append(
                {"series": name, "moved": False, "sentence": f"{name}: not fitted ({exc})"}
            )
            continue
        row = {"series": name, **_effect_row(r)}
        moved = row["cumulative_lower"] > 0 or row["cumulative_upper"] < 0
        span = f"({percent(row['estimate'])}, {percent(row['lower'])} to {percent(row['upper'])})"
        row["moved"] = bool(moved)
        row["sentence"] = f"{name} {'moved' if moved else 'did not move'} {span}"
        rows.append(row)
    cols = ["series", *_effect_row_keys(), "moved", "sentence"]
    table = pd.DataFrame(rows).reindex(columns=cols)
    table["moved"] = table["moved"].astype(bool)
    return PlaceboInSpace(table=table, alpha=alpha)


def _effect_row_keys() -> list[str]:
    return [
        "estimate",
        "lower",
        "upper",
        "average",
        "average_lower",
        "average_upper",
        "cumulative_lower",
        "cumulative_upper",
        "p_value",
    ]


def _effect_size(value: float, statistic: str, unit: str) -> str:
    """One effect as the checks write it: a percentage, or a signed number in its units."""
    if statistic == "average":
        return f"{number(value, signed=True)} {unit}".rstrip()
    return percent(value)


# -- triangulation ---------------------------------------------------------------------------
#: Each model in a reader's words (the pages say these; code and API keep the names).
MODEL_WORDS = {
    "segmented": "trend and season regression",
    "arima": "ARIMA",
    "structural": "Bayesian structural model (R CausalImpact's)",
    "poisson": "Poisson count model",
    "negbin": "negative binomial count model",
}
#: Each method in a reader's words: one fit with a step at launch, or a forecast.
METHOD_WORDS = {
    "intervention": "step at launch",
    "counterfactual": "forecast from before launch",
}


def _choice(row, size=percent, column: str = "estimate") -> str:
    """One triangulation row in words: 'negative binomial count model, step at launch: −34%'."""
    pre = row.get("pre_period")
    pre = "" if pre in (None, "all") or pd.isna(pre) else f", last {pre}"
    model = MODEL_WORDS.get(row["model"], row["model"])
    method = METHOD_WORDS.get(row["method"], row["method"])
    return f"{model}, {method}{pre}: {size(row[column])}"


@dataclasses.dataclass(frozen=True)
class Triangulation:
    """The same campaign estimated by several models, methods and pre-period lengths.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per combination: ``model, method, pre_period, n_pre, estimate, lower,
        upper`` (relative effect), ``average, average_lower, average_upper, p_value,
        significant, seconds, note``. Failed or inapplicable combinations have NaN
        numbers and a ``note``.
    alpha : float
        Significance level.
    statistic : {"relative", "average"}, default "relative"
        The effect compared across rows: the relative one (``estimate, lower, upper``), or
        the average one in the metric's own units (``average, average_lower,
        average_upper``) for a metric zero in most periods before launch, whose relative
        effect swings without meaning (-2,479% to +2,630%). ``significant`` is then
        whether the average effect's interval excludes zero.
    unit : str, default ""
        The average effect's unit in words (``"index points"``), for
        ``statistic="average"``.
    """

    table: pd.DataFrame
    alpha: float
    statistic: Literal["relative", "average"] = "relative"
    unit: str = ""

    @property
    def columns(self) -> tuple[str, str, str]:
        """The estimate's and its interval's columns of :attr:`statistic` in :attr:`table`."""
        if self.statistic == "average":
            return ("average", "average_lower", "average_upper")
        return ("estimate", "lower", "upper")

    def _size(self, value: float) -> str:
        return _effect_size(value, self.statistic, self.unit)

    def frame(self) -> pd.DataFrame:
        """The table (a copy of :attr:`table`).

        Returns
        -------
        pandas.DataFrame
        """
        return self.table.copy()

    @property
    def agreement(self) -> Literal["significant up", "significant down", "none", "mixed"]:
        """Whether the fitted combinations agree.

        ``"significant up"`` / ``"significant down"``: every fit is significant with the
        same sign; ``"none"``: none is significant; ``"mixed"``: the verdict depends on
        the choice.
        """
        col = self.columns[0]
        ok = self.table.dropna(subset=[col])
        if ok.empty:
            return "none"
        sig = ok["significant"].eq(True)
        if sig.all() and (ok[col] > 0).all():
            return "significant up"
        if sig.all() and (ok[col] < 0).all():
            return "significant down"
        if not sig.any():
            return "none"
        return "mixed"

    def report(self) -> str:
        """A plain sentence on whether the conclusion depends on a modelling choice.

        Returns
        -------
        str
        """
        col = self.columns[0]
        ok = self.table.dropna(subset=[col])
        n_fail = len(self.table) - len(ok)
        if ok.empty:
            return "No model could be fitted; see the notes in the table."
        if len(ok) == 1:
            sig = (
                "an effect whose interval excludes zero"
                if ok["significant"].eq(True).iloc[0]  # a row without an interval is no
                else ("no effect whose interval excludes zero")
            )
            return (
                f"Only one of the {len(self.table)} model, method and pre-period choices "
                f"could be fitted ({_choice(ok.iloc[0], self._size, col)}; it finds {sig}): "
                "with nothing to compare it with, this check cannot say whether the "
                "conclusion depends on the modelling choice; see the notes in the table."
            )
        lo, hi = ok[col].min(), ok[col].max()
        # the table shows percent() (number() for the average): the sentence rounds the same way
        if self.statistic == "average":
            head = (
                f"Across {len(ok)} model, method and pre-period choices the average effect "
                f"ranges from {number(lo, signed=True)} to {self._size(hi)}. "
            )
        else:
            head = (
                f"Across {len(ok)} model, method and pre-period choices the lift ranges from "
                + (f"{percent(lo)} to {percent(hi)}. ")
            )
        verdict = {
            "significant up": "All of them find a significant increase: the conclusion does "
            "not depend on the modelling choice.",
            "significant down": "All of them find a significant decrease: the conclusion does "
            "not depend on the modelling choice.",
            "none": "No model finds an effect whose interval excludes zero: the conclusion (no "
            "detectable lift) does not depend on the modelling choice.",
        }.get(self.agreement)
        p = ok["p_value"] if "p_value" in ok else pd.Series(dtype=float)
        edge = int((p < self.alpha).sum())
        if self.agreement == "none" and edge:
            # a row at p = 0.03 beside "does not depend on the modelling choice" overstated
            # the agreement
            verdict = (
                f"No model's interval excludes zero, but {edge} of them "
                f"{'comes' if edge == 1 else 'come'} close (a test p below "
                f"{self.alpha:g}): no clear change, with a weak sign of one in "
                f"{'that model' if edge == 1 else 'those models'}."
            )
        if verdict is None:
            sig = ok["significant"].eq(True)
            k, n = int(sig.sum()), len(ok)
            rows = ok[sig]
            ups, downs = int((rows[col] > 0).sum()), int((rows[col] < 0).sum())
            if ups and downs:
                what = f"{ups} a rise and {downs} a fall"
            else:
                what = (
                    ("a rise" if ups else "a fall")
                    if k == 1
                    else ("all rises" if ups else "all falls")
                )
            names = "; ".join(_choice(r, self._size, col) for _, r in rows.head(4).iterrows())
            more = "; ..." if k > 4 else ""
            finds = "finds" if k == 1 else "find"
            # every estimate on the same side as the significant ones: the direction holds
            # whatever the model, only whether it stands out from the noise does not ("5 of 7
            # find a significant effect, all rises... the conclusion depends on the modelling
            # choice" read as doubt about the direction, with every estimate from +26 to +42)
            one_way = (ups and not downs and (ok[col] > 0).all()) or (
                downs and not ups and (ok[col] < 0).all()
            )
            verdict = (
                f"{k} of {n} {finds} a significant effect, {what} ({names}{more}); the others "
                f"point the same way, but their intervals include zero: the direction does not "
                "depend on the modelling choice, whether the change stands out from noise does; "
                "report it with caution."
                if one_way
                else f"{k} of {n} {finds} a significant effect, {what} ({names}{more}): the "
                "conclusion depends on the modelling choice; report it with caution."
            )
        could = f"{plural(n_fail, 'combination')} could not be fitted"
        tail = f" ({could}; see the notes.)" if n_fail else ""
        return head + verdict + tail

    def plot_data(self) -> pd.DataFrame:
        """The data drawn by :meth:`plot`: ``label, estimate, lower, upper, significant``.

        Returns
        -------
        pandas.DataFrame
            ``estimate, lower, upper`` are the relative effect, or the average one with
            ``statistic="average"``.
        """
        est, lower, upper = self.columns
        ok = self.table.dropna(subset=[est])
        label = ok["model"] + " / " + ok["method"] + " / " + ok["pre_period"].astype(str)
        return pd.DataFrame(
            {
                "label": label,
                "estimate": ok[est],
                "lower": ok[lower],
                "upper": ok[upper],
                "significant": ok["significant"].eq(True),
            }
        ).reset_index(drop=True)

    def plot(self, *, ax=None):
        """Forest plot of the relative effect of every fitted combination.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on (default: the current Axes).

        Returns
        -------
        matplotlib.axes.Axes
        """
        from darksocial.plotting import plot_triangulation

        return plot_triangulation(self, ax=ax)


def triangulate(
    y: pd.Series,
    launch,
    *,
    duration: int | None = None,
    controls: pd.DataFrame | None = None,
    models=MODELS,
    methods=METHODS,
    pre_periods=(None, 12, 9, 6),
    shape: str = "level",
    alpha: float = ALPHA,
    seed: int = SEED,
    **fit_kwargs,
) -> Triangulation:
    """Estimate one campaign with every applicable model, method and pre-period length.

    Parameters
    ----------
    y : pandas.Series
        The outcome with a regular DatetimeIndex.
    launch : str or pandas.Timestamp
        First day of the campaign.
    duration : int, optional
        Length in periods of the evaluation window; default: to the end of the data.
    controls : pandas.DataFrame, optional
        Control series indexed like ``y``.
    models : sequence of str, default all five models
        Models of :func:`darksocial.its.fit`; ``"poisson"`` and ``"negbin"`` are skipped
        (with a note) when ``y`` is not counts.
    methods : sequence of str, default ("intervention", "counterfactual")
        Methods of :func:`darksocial.its.fit`.
    pre_periods : sequence of int or None, default (None, 12, 9, 6)
        Pre-period lengths in months before the launch (``None``: all the history).
        A length at least as long as the history is skipped (it equals "all").
    shape : str, default "level"
        Shape of the campaign.
    alpha : float, default 0.05
        Significance level.
    seed : int, default ``darksocial.config.SEED``
        Seed of every fit.
    **fit_kwargs
        Passed to :func:`darksocial.its.fit`.

    Returns
    -------
    Triangulation
        ``.frame()``, ``.agreement``, ``.report()``, ``.plot(ax=None)``.

    Raises
    ------
    ParameterError
        If a model, method or pre-period length is invalid.

    Notes
    -----
    A combination that fails (too short a pre-period for the model, a convergence
    error) is kept as a row with a ``note`` instead of breaking the table. Run time on
    two years of daily data: ~10 ms per segmented or Poisson fit, ~0.5 s per negative
    binomial fit, a few seconds per structural fit; the default grid takes ~15-30 s,
    dominated by ``"structural"``; pass ``models=("segmented", "poisson")`` for a quick
    table.

    Examples
    --------
    >>> tri = triangulate(y, "2025-03-03", duration=56, models=("segmented",))  # doctest: +SKIP
    >>> tri.frame(); print(tri.report())  # doctest: +SKIP
    """
    for m in models:
        check_choice(m, MODELS, "model")
    for me in methods:
        check_choice(me, METHODS, "method")
    for pp in pre_periods:
        if pp is not None and (
            isinstance(pp, bool) or not isinstance(pp, int | np.integer) or pp < 1
        ):
            raise ParameterError(
                f"pre_periods item {pp!r} must be a number of months >= 1 or None (all)."
            )
    base, _ = _make_spec(
        y,
        launch,
        duration=duration,
        controls=controls,
        model="segmented",
        method="intervention",
        shape=shape,
        alpha=alpha,
        seed=seed,
        fit_kwargs=fit_kwargs,
    )
    counts = is_count_series(base.y)
    launch_ts = base.y.index[base.pos0]
    rows = []
    for pp in pre_periods:
        if pp is None:
            first, label = 0, "all"
        else:
            first = int(base.y.index.searchsorted(launch_ts - pd.DateOffset(months=int(pp))))
            label = f"{int(pp)} months"
            if first <= 0:
                continue  # the history is not longer than this: same as "all"
        ys = base.y.iloc[first:]
        for m in models:
            for me in methods:
                row = {"model": m, "method": me, "pre_period": label, "n_pre": base.pos0 - first}
                if m in COUNT_MODELS and not counts:
                    row["note"] = "not applicable: y is not non-negative counts"
                    rows.append(row)
                    continue
                spec = dataclasses.replace(base, model=m, method=me)
                t0 = time.perf_counter()
                try:
                    r = spec.fit(ys, base.pos0 - first, base.length)
                except Exception as exc:  # noqa: BLE001 - one failed fit must not break the table
                    msg = str(exc).splitlines()[0] if str(exc) else ""
                    row["note"] = f"failed: {type(exc).__name__}: {msg}"[:200]
                    rows.append(row)
                    continue
                row.update(_effect_row(r))
                row["seconds"] = time.perf_counter() - t0
                row["note"] = ""
                rows.append(row)
    cols = [
        "model",
        "method",
        "pre_period",
        "n_pre",
        *_effect_row_keys(),
        "significant",
        "seconds",
        "note",
    ]
    table = pd.DataFrame(rows).reindex(columns=cols)
    excl = (table["cumulative_lower"] > 0) | (table["cumulative_upper"] < 0)
    table["significant"] = excl.where(table["estimate"].notna())
    table["note"] = table["note"].fillna("")
    return Triangulation(table=table, alpha=alpha)


# -- calibration -----------------------------------------------------------------------------
def calibration_table(path: str | Path | None = None) -> pd.DataFrame:
    """Read the calibration study's table: one row per model, method and scenario.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The table; by default :data:`CALIBRATION_TABLE`, the package's copy.

    Returns
    -------
    pandas.DataFrame
        Columns ``model``, ``method``, ``scenario`` (``"overall"`` per pair), coverage,
        false-positive rate and power columns.

    Raises
    ------
    DataFormatError
        The table is missing: a broken install, or a study never run.
    """
    p = Path(path) if path is not None else CALIBRATION_TABLE
    if not p.is_file():
        raise DataFormatError(
            f"the calibration table {p} is missing; run `python benchmarks/calibration.py` "
            "(it writes darksocial/data/calibration.csv) or reinstall darksocial"
        )
    # keep_default_na: a scenario called "null" or "NA" must stay a string
    return pd.read_csv(p, keep_default_na=False, na_values=[""])


def calibration_warning(
    model: str, method: str, *, shape: str | None = None, path: str | Path | None = None
) -> str | None:
    """A warning sentence when the calibration study found a model not to be trusted.

    Parameters
    ----------
    model : str
        Model of :func:`darksocial.its.fit`.
    method : str
        Method of :func:`darksocial.its.fit`.
    shape : {"level", "ramp", "pulse"}, optional
        Campaign shape: judge coverage on the study's scenarios of that shape (e.g. the
        intervention method covers pulses far worse than levels) instead of overall.
    path : str or pathlib.Path, optional
        The calibration table (default :data:`CALIBRATION_TABLE`).

    Returns
    -------
    str or None
        A sentence naming the missed targets (coverage outside 92-98%, false-positive
        rate above 6%), or ``None`` when the pair met them or was not studied.

    Raises
    ------
    DataFormatError
        The calibration table is missing (see :func:`calibration_table`).

    Examples
    --------
    >>> calibration_warning("segmented", "intervention", shape="pulse")  # doctest: +SKIP
    """
    table = calibration_table(path)
    pair = table[(table["model"] == model) & (table["method"] == method)]
    if "scenario" in table.columns:
        overall = pair[pair["scenario"] == "overall"]
        scoped = (
            pair[pair["scenario"].astype(str).str.startswith(str(shape))] if shape else overall
        )
        if scoped.empty:
            scoped = overall
    else:
        overall = scoped = pair
    if overall.empty:
        return None
    problems = []
    where = f" of {shape} campaigns" if shape and scoped is not overall else ""
    covs = {
        what: scoped[col].mean()
        for col, what in (("coverage_average", "average"), ("coverage_cumulative", "cumulative"))
        if col in scoped
    }
    bad = {k: v for k, v in covs.items() if pd.notna(v) and not 0.92 <= v <= 0.98}
    if bad:
        vals = sorted({f"{v:.0%}" for v in bad.values()})
        problems.append(
            f"its 95% intervals for the {' and '.join(bad)} effect{where} covered the truth "
            f"{' and '.join(vals)} of the time"
        )
    fpr = overall.iloc[0].get("false_positive_rate")
    if pd.notna(fpr) and fpr > 0.06:
        problems.append(f"it called {fpr:.0%} of no-effect series significant at 5%")
    if not problems:
        return None
    too_wide = bool(bad) and all(v > 0.98 for v in bad.values()) and len(problems) == 1
    advice = (
        "its intervals are wider than they need be, so it misses real effects more often "
        "than the others; compare it with the placebo-in-time p-value."
        if too_wide
        else "treat its intervals and p-value with caution and check the placebo-in-time p-value."
    )
    return (
        f"Calibration warning for model={model!r}, method={method!r}: in simulations close to "
        f"the sample data {' and '.join(problems)} (targets: 92-98% coverage, at most "
        f"6% false positives); {advice}"
    )

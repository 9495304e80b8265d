"""Plan a campaign before launch: minimum detectable lift, duration needed, power curve.

Everything is estimated from the history alone, by simulation on the real series: take
the history before the planned launch, pick pseudo-launch dates inside it, multiply the
``duration`` periods after each by ``1 + lift * profile`` (the effect shape), re-run the
planned analysis with :func:`darksocial.its.fit`, and count how often the lift is
detected (the interval of the cumulative effect lies above zero at ``alpha``). The
post-periods are real data with the real noise, seasonality and outliers of the series.
An analytic approximation from the residual spread and AR(1) autocorrelation is shown
beside it.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
from scipy import stats

from darksocial.attribution import wilson_interval
from darksocial.checks import CHECK_SIMULATIONS
from darksocial.config import ALPHA, SEED
from darksocial.constants import MIN_YEARS_FOR_YEARLY_SEASONALITY
from darksocial.errors import (
    DarkSocialError,
    InterventionDateError,
    ParameterError,
)
from darksocial.formatting import fixed_percent
from darksocial.io import load_series  # re-exported: its home is darksocial.io
from darksocial.its import METHODS, MODELS
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
    "PowerAnalysis",
    "duration_needed",
    "load_series",
    "minimum_detectable_lift",
    "plan_text",
    "power_curve",
]

#: Pseudo-launches per grid point by default: a Monte-Carlo standard error of about
#: 6 points of power at 80%, in a few seconds for the segmented model.
N_SIM = 40

#: Ramp length and pulse half-life (periods) assumed when planning those shapes.
PLAN_RAMP_PERIODS = 14
PLAN_HALF_LIFE = 7.0

#: Multiples of the analytic MDE tried by :func:`minimum_detectable_lift` by default.
_LIFT_MULTIPLES = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0)
_SHAPES = ("level", "ramp", "pulse")


def _profile(shape: str, d: int, ramp_periods: int, half_life: float) -> np.ndarray:
    k = np.arange(d, dtype=float)
    if shape == "level":
        return np.ones(d)
    if shape == "ramp":
        return np.minimum(k + 1, ramp_periods) / ramp_periods
    return 0.5 ** (k / half_life)


@dataclasses.dataclass(frozen=True)
class _Plan:
    hist: pd.Series
    controls: pd.DataFrame | None
    launch: pd.Timestamp
    model: str
    method: str
    shape: str
    alpha: float
    power: float
    min_pre: int | None
    seed: int
    excluded: np.ndarray
    counts: bool
    ramp_periods: int
    half_life: float
    fit_kwargs: dict

    def starts(self, d: int, n_sim: int) -> np.ndarray:
        """Evenly spread pseudo-launch positions leaving ``min_pre`` before, ``d`` after.

        Windows overlapping an excluded campaign are skipped; if the default ``min_pre``
        then leaves fewer than 10 dates, the whole history (from 32 periods) is used.
        """

        def candidates(lo: int) -> np.ndarray:
            cand = np.arange(lo, len(self.hist) - d + 1)
            if self.excluded.any():
                # a pseudo-campaign must not overlap a real one (its lift would count as noise)
                csum = np.concatenate([[0], np.cumsum(self.excluded)])
                cand = cand[(csum[cand + d] - csum[cand]) == 0]
            return cand

        cand = candidates(self.min_pre_for(d))
        if len(cand) < 10 and self.min_pre is None:
            cand = candidates(max(32, d))
        if not len(cand):
            return cand
        pick = np.linspace(0, len(cand) - 1, int(n_sim)).round().astype(int)
        return np.unique(cand[pick])

    def min_pre_for(self, d: int) -> int:
        if self.min_pre is not None:
            return int(self.min_pre)
        n = len(self.hist)
        cap = n - d - 10  # leave room for about ten distinct pseudo-launch dates
        # pseudo pre-periods at least half the real one, so the pseudo fits resemble it
        mp = max(32, d, min(n // 2, cap))
        # if the planned fit spans enough years for the engine's "auto" yearly seasonality,
        # make every pseudo fit span that much too, otherwise the pseudo fits (without
        # yearly terms) mistake summer and Christmas dips for effects
        spacing = float(np.median(np.diff(self.hist.index.asi8))) / 86_400e9
        need = math.ceil(MIN_YEARS_FOR_YEARLY_SEASONALITY * 365.25 / spacing)
        planned_span = n + d if self.method == "intervention" else n
        if planned_span >= need:
            pseudo_need = need - d if self.method == "intervention" else need
            if pseudo_need <= cap:
                mp = max(mp, pseudo_need)
        return int(mp)

    def detect(self, s: int, d: int, lift: float) -> bool:
        """Inject ``lift`` at position ``s`` for ``d`` periods, refit, report detection."""
        from darksocial.its import Intervention, fit

        ys = self.hist.iloc[: s + d].copy()
        mult = 1 + lift * _profile(self.shape, d, self.ramp_periods, self.half_life)
        post = ys.to_numpy()[s:] * mult
        if self.counts:
            post = np.round(post)
        ys.iloc[s:] = post
        extra = {}
        if self.shape == "ramp":
            extra["ramp_periods"] = self.ramp_periods
        if self.shape == "pulse":
            extra["half_life"] = self.half_life
        iv = Intervention("planned", ys.index[s], shape=self.shape, **extra)
        ctrl = None if self.controls is None else self.controls.loc[ys.index]
        kw = dict(self.fit_kwargs)
        kw.setdefault("n_simulations", CHECK_SIMULATIONS)
        r = fit(
            ys,
            iv,
            controls=ctrl,
            model=self.model,
            method=self.method,
            alpha=self.alpha,
            seed=self.seed,
            **kw,
        )
        return bool(r.effects.loc["cumulative", "lower"] > 0)

    def analytic(self, d: int) -> tuple[float, float]:
        """Standard error of the relative cumulative effect, and the level it is relative to.

        From OLS residuals of the history on a constant, a trend, day-of-week dummies
        (daily data) and the controls: ``se = sd * sqrt(LRV * (S2 + S1**2 / n_pre)) /
        (level * S1)`` with ``S1 = sum(profile)``, ``S2 = sum(profile**2)`` and the AR(1)
        long-run variance factor ``LRV = (1 + rho) / (1 - rho)``.
        """
        y = self.hist.to_numpy(dtype=float)
        ok = ~np.isnan(y)
        n = len(y)
        cols = [np.ones(n), np.arange(n, dtype=float)]
        idx = self.hist.index
        if len(idx) > 2 and (idx[1] - idx[0]) == pd.Timedelta(days=1):
            dow = idx.dayofweek.to_numpy()
            cols += [(dow == k).astype(float) for k in range(1, 7)]
        if self.controls is not None:
            cols += [self.controls.loc[idx, c].to_numpy(dtype=float) for c in self.controls]
        X = np.column_stack(cols)[ok]
        beta, *_ = np.linalg.lstsq(X, y[ok], rcond=None)
        r = y[ok] - X @ beta
        sd = float(np.std(r, ddof=X.shape[1]))
        rho = float(np.clip(np.corrcoef(r[1:], r[:-1])[0, 1], -0.95, 0.95)) if len(r) > 3 else 0.0
        lrv = (1 + rho) / (1 - rho)
        p = _profile(self.shape, d, self.ramp_periods, self.half_life)
        s1, s2 = float(p.sum()), float((p**2).sum())
        level = float(np.nanmean(y[-min(n, 365) :]))
        if level <= 0 or not np.isfinite(level):
            return float("nan"), level
        se = sd * math.sqrt(lrv * (s2 + s1**2 / max(int(ok.sum()), 1))) / (level * s1)
        return se, level

    def analytic_power(self, d: int, lift: float) -> float:
        se, _ = self.analytic(d)
        if not np.isfinite(se) or se <= 0:
            return float("nan")
        z = stats.norm.ppf(1 - self.alpha / 2)
        return float(stats.norm.cdf(lift / se - z))

    def analytic_mde(self, d: int) -> float:
        se, _ = self.analytic(d)
        return float((stats.norm.ppf(1 - self.alpha / 2) + stats.norm.ppf(self.power)) * se)


@dataclasses.dataclass(frozen=True)
class PowerAnalysis:
    """Power of a planned analysis by lift (fixed duration) or by duration (fixed lift).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per grid point: the varying quantity (``lift`` or ``duration``),
        ``power`` (share of pseudo-launches detected), ``power_lower``,
        ``power_upper`` (95% Wilson interval), ``detected``, ``n_sims`` and
        ``analytic_power``.
    varying : {"lift", "duration"}
        What the grid varies.
    answer : float
        Minimum detectable lift (``varying="lift"``) or duration needed
        (``varying="duration"``) at the target power, interpolated on the grid; NaN when
        the grid never reaches the target power.
    analytic_answer : float
        The same from the analytic approximation.
    fixed : float
        The fixed duration (periods) or lift.
    launch : pandas.Timestamp
        Planned launch date.
    model, method, shape : str
        The planned analysis and effect shape.
    alpha, power : float
        Significance level and target power.
    n_history : int
        Periods of history before the launch used in the simulation.
    """

    table: pd.DataFrame
    varying: str
    answer: float
    analytic_answer: float
    fixed: float
    launch: pd.Timestamp
    model: str
    method: str
    shape: str
    alpha: float
    power: float
    n_history: int

    def frame(self) -> pd.DataFrame:
        """The power table (a copy of :attr:`table`).

        Returns
        -------
        pandas.DataFrame
        """
        return self.table.copy()

    def summary(self) -> str:
        """The table as text with a one-line header.

        Returns
        -------
        str
        """
        head = (
            f"Power analysis: model={self.model}, method={self.method}, shape={self.shape}, "
            f"alpha={self.alpha:g}, target power={self.power:.0%}, launch "
            f"{self.launch.date()}, {self.n_history} periods of history"
        )
        return head + "\n" + self.table.to_string(index=False, float_format=lambda v: f"{v:.3g}")

    def __str__(self) -> str:
        return self.summary()

    def report(self) -> str:
        """A plain-language answer for a marketing lead.

        Returns
        -------
        str
            The minimum detectable lift or the duration needed, how it was estimated and
            how it compares with the analytic approximation.
        """
        how = (
            f"simulated by injecting lifts into {int(self.table['n_sims'].max())} stretches "
            f"of your own {self.n_history}-period history and re-running the "
            f"{self.model} {self.method} analysis"
        )
        if self.varying == "lift":
            d = int(self.fixed)
            if not np.isfinite(self.answer):
                top = self.table["lift"].max()
                return (
                    f"A {d}-period campaign launched on {self.launch.date()} would not reach "
                    f"{self.power:.0%} power even for a {fixed_percent(top, 0)} lift ({how}): run it "
                    "longer or measure a less noisy series."
                )
            text = (
                f"A {d}-period campaign launched on {self.launch.date()} needs a lift of at "
                f"least {fixed_percent(self.answer)} to be detected {self.power:.0%} of the time at "
                f"alpha = {self.alpha:g} ({how}). Smaller lifts may be real but will usually "
                "look like noise."
            )
            unit = fixed_percent(self.analytic_answer)
        else:
            if not np.isfinite(self.answer):
                top = int(self.table["duration"].max())
                return (
                    f"A {fixed_percent(self.fixed, 0)} lift would not be detected {self.power:.0%} of "
                    f"the time even after {top} periods ({how}): aim for a larger lift or "
                    "measure a less noisy series."
                )
            text = (
                f"To detect a {fixed_percent(self.fixed, 0)} lift {self.power:.0%} of the time at "
                f"alpha = {self.alpha:g}, the campaign must run about "
                f"{math.ceil(self.answer)} periods from {self.launch.date()} ({how})."
            )
            unit = (
                f"{math.ceil(self.analytic_answer)} periods"
                if np.isfinite(self.analytic_answer)
                else "not reached"
            )
        text += self._size_warning()
        if np.isfinite(self.analytic_answer) and self.analytic_answer > 0:
            ratio = self.answer / self.analytic_answer
            text += (
                f" The analytic approximation (residual spread and AR(1) autocorrelation) "
                f"gives {unit}; the simulation is {ratio:.2g} times that"
                + (
                    ", because the real series has more structure (seasonality, outliers, "
                    "model terms estimated from the data) than the formula assumes."
                    if ratio > 1.2
                    else "."
                )
            )
        return text

    def _size_warning(self) -> str:
        """A warning when the analysis 'detects' lifts where none was injected."""
        if self.varying != "lift" or not (self.table["lift"] == 0).any():
            return ""
        row = self.table[self.table["lift"] == 0].iloc[0]
        n, size = int(row["n_sims"]), float(row["power"])
        if n == 0 or size <= self.alpha + 2 * math.sqrt(self.alpha * (1 - self.alpha) / n):
            return ""
        return (
            f" Warning: with no lift injected the analysis still 'detected' one in {size:.0%} "
            f"of the stretches (nominal {self.alpha:.0%}): on this history it mistakes "
            "seasonality or past campaigns for effects, so these detections flatter the "
            "power and its p-values will be optimistic; exclude past campaigns (exclude=), "
            "add holidays or use a placebo-in-time check after launch."
        )

    def plot_data(self) -> pd.DataFrame:
        """The data drawn by :meth:`plot` (the power table).

        Returns
        -------
        pandas.DataFrame
        """
        return self.frame()

    def plot(self, *, ax=None):
        """Power curve with its Monte-Carlo band, the analytic curve and the answer.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on (default: the current Axes).

        Returns
        -------
        matplotlib.axes.Axes
        """
        from darksocial.plotting import plot_power_curve

        return plot_power_curve(self, ax=ax)


def _make_plan(
    y,
    launch,
    *,
    controls,
    model,
    method,
    shape,
    alpha,
    power,
    min_pre,
    seed,
    n_sim,
    fit_kwargs,
    need: int,
    exclude=None,
) -> _Plan:
    check_choice(model, MODELS, "model")
    if method is None:
        method = "counterfactual" if model == "structural" else "intervention"
    check_choice(method, METHODS, "method")
    check_choice(shape, _SHAPES, "shape")
    check_alpha(alpha)
    if not 0 < power < 1:
        raise ParameterError(f"power={power} must lie between 0 and 1, e.g. 0.8.")
    if isinstance(n_sim, bool) or int(n_sim) < 10:
        raise ParameterError(f"n_sim={n_sim} is too few; use at least 10 (e.g. 40).")
    if min_pre is not None and int(min_pre) < 8:
        raise ParameterError(f"min_pre={min_pre} is too short; use at least 8 periods.")
    y = check_series(y)
    pos0 = launch_position(y.index, launch)
    launch_ts = pd.Timestamp(launch)
    hist = y.iloc[:pos0]
    if controls is not None:
        if isinstance(controls, pd.Series):
            controls = controls.to_frame()
        missing = hist.index.difference(controls.index)
        if len(missing):
            raise InterventionDateError(
                f"controls lack {len(missing)} dates of the history (first "
                f"{missing[0].date()}); give controls on every date before the launch."
            )
    # the shortest duration of the grid decides the history needed
    mp = int(min_pre) if min_pre is not None else max(32, need)  # the least the default allows
    if len(hist) < mp + need:
        first = y.index[0].date() if len(y) else "none"
        raise InterventionDateError(
            f"The history before the planned launch {launch_ts.date()} has {len(hist)} periods "
            f"(from {first}); planning a {need}-period campaign needs at least {mp + need} "
            f"({mp} of pre-period + {need} of pseudo-campaign): load more history, shorten "
            "the duration or pass a smaller min_pre."
        )
    return _Plan(
        hist=hist,
        excluded=exclusion_mask(hist.index, exclude),
        controls=controls,
        launch=launch_ts,
        model=model,
        method=method,
        shape=shape,
        alpha=alpha,
        power=power,
        min_pre=min_pre,
        seed=seed,
        counts=is_count_series(hist),
        ramp_periods=int(fit_kwargs.pop("ramp_periods", PLAN_RAMP_PERIODS)),
        half_life=float(fit_kwargs.pop("half_life", PLAN_HALF_LIFE)),
        fit_kwargs=fit_kwargs,
    )


def _safe_detect(plan: _Plan, s: int, d: int, lift: float) -> bool | None:
    try:
        return plan.detect(int(s), int(d), float(lift))
    except DarkSocialError:
        return None


def _interpolate(x: np.ndarray, p: np.ndarray, target: float) -> float:
    """First crossing of ``target`` by the curve ``p(x)``, linearly interpolated."""
    above = np.flatnonzero(p >= target)
    if not len(above):
        return float("nan")
    j = int(above[0])
    if j == 0:
        return float(x[0])
    x0, x1, p0, p1 = x[j - 1], x[j], p[j - 1], p[j]
    return float(x0 + (target - p0) * (x1 - x0) / (p1 - p0)) if p1 > p0 else float(x1)


def _lift_curve(plan: _Plan, d: int, lifts: np.ndarray, n_sim: int) -> pd.DataFrame:
    """Power at each lift, by bisection per pseudo-launch on the sorted lift grid.

    Detection is monotone in the lift for a given stretch of history (the injected
    effect only adds to the post-period), so the smallest detected grid lift of each
    pseudo-launch gives its detection at every grid lift in ~log2(len(lifts)) fits.
    """
    starts = plan.starts(d, n_sim)
    thresholds = []
    for s in starts:
        lo, hi = -1, len(lifts)  # detect(lo) False (virtual), detect(hi) True (virtual)
        failed = False
        while hi - lo > 1:
            mid = (lo + hi) // 2
            got = _safe_detect(plan, s, d, lifts[mid])
            if got is None:
                failed = True
                break
            if got:
                hi = mid
            else:
                lo = mid
        if not failed:
            thresholds.append(hi)
    thr = np.asarray(thresholds)
    n = len(thr)
    if n == 0:
        raise InterventionDateError(
            f"No {d}-period stretch of the history before {plan.launch.date()} could be used "
            "(all overlap excluded campaigns or failed to fit); exclude fewer campaigns, "
            "shorten the duration or load more history."
        )
    rows = []
    for j, lift in enumerate(lifts):
        k = int(np.sum(thr <= j))
        lo_ci, hi_ci = wilson_interval(k, n, 0.05)
        rows.append(
            {
                "lift": float(lift),
                "power": k / n if n else float("nan"),
                "power_lower": lo_ci,
                "power_upper": hi_ci,
                "detected": k,
                "n_sims": n,
                "analytic_power": plan.analytic_power(d, float(lift)),
            }
        )
    return pd.DataFrame(rows)


def _duration_curve(plan: _Plan, lift: float, durations, n_sim: int) -> pd.DataFrame:
    rows = []
    for d in durations:
        if len(plan.hist) < plan.min_pre_for(d) + d:
            continue
        got = [_safe_detect(plan, s, d, lift) for s in plan.starts(d, n_sim)]
        got = [g for g in got if g is not None]
        n, k = len(got), int(sum(got))
        if n < 5:
            continue  # too few clean stretches of history for this duration
        lo_ci, hi_ci = wilson_interval(k, n, 0.05)
        rows.append(
            {
                "duration": int(d),
                "power": k / n if n else float("nan"),
                "power_lower": lo_ci,
                "power_upper": hi_ci,
                "detected": k,
                "n_sims": n,
                "analytic_power": plan.analytic_power(int(d), lift),
            }
        )
    return pd.DataFrame(rows)


def _check_lift(lift) -> float:
    if lift is None or isinstance(lift, bool):
        raise ParameterError("lift is required, as a fraction: 0.10 for +10%.")
    lift = float(lift)
    if not np.isfinite(lift) or lift <= 0:
        raise ParameterError(
            f"lift={lift:g} cannot be planned for: give the smallest increase worth detecting "
            "as a positive fraction, e.g. 0.05 for +5%."
        )
    if lift > 5:
        raise ParameterError(
            f"lift={lift:g} means {lift:.0%}; give a fraction such as 0.10 for +10%."
        )
    return lift


def power_curve(
    y: pd.Series,
    launch,
    *,
    duration: int | None = None,
    lift: float | None = None,
    lifts=None,
    durations=None,
    controls: pd.DataFrame | None = None,
    model: str = "segmented",
    method: str | None = None,
    shape: str = "level",
    alpha: float = ALPHA,
    power: float = 0.8,
    n_sim: int = N_SIM,
    min_pre: int | None = None,
    exclude=None,
    seed: int = SEED,
    **fit_kwargs,
) -> PowerAnalysis:
    """Power of a planned analysis against lift (give ``duration``) or duration (``lift``).

    Parameters
    ----------
    y : pandas.Series
        The outcome's history with a regular DatetimeIndex; only dates before
        ``launch`` are used.
    launch : str or pandas.Timestamp
        Planned first day of the campaign (may be after the end of ``y``).
    duration : int, optional
        Planned campaign length in periods: the curve then varies the lift.
    lift : float, optional
        Relative lift to detect (0.10 = +10%): the curve then varies the duration.
    lifts : sequence of float, optional
        Lift grid (with ``duration``); default multiples 0 to 4 of the analytic MDE.
    durations : sequence of int, optional
        Duration grid (with ``lift``); default 7, 14, 21, 28, 42, 56, 84, 112 periods,
        limited by the history.
    controls : pandas.DataFrame, optional
        Control series indexed like ``y`` (history dates at least).
    model : {"segmented", "arima", "structural", "poisson", "negbin"}, default "segmented"
        Planned model of :func:`darksocial.its.fit`.
    method : {"intervention", "counterfactual"}, optional
        Planned method (the engine's default when omitted).
    shape : {"level", "ramp", "pulse"}, default "level"
        Effect shape; ``lift`` is the plateau (ramp over 14 periods) or the first-period
        jump (pulse with a 7-period half-life); pass ``ramp_periods=`` / ``half_life=``
        to change them.
    alpha : float, default 0.05
        Significance level of the planned analysis.
    power : float, default 0.8
        Target power.
    n_sim : int, default 40
        Pseudo-launches per grid point, spread evenly over the history.
    min_pre : int, optional
        Fewest periods before a pseudo-launch. Default: half the history (at least 32
        and at least ``duration``; less when that leaves under 10 pseudo-launch dates),
        and, when the planned fit is long enough for the engine's yearly seasonality
        (1.5 years), enough for every pseudo fit to span 1.5 years too, so that
        pseudo-launches resemble the planned one.
    seed : int, default ``darksocial.config.SEED``
        Seed of every fit.
    **fit_kwargs
        Passed to :func:`darksocial.its.fit` (``seasonality``, ``holidays`` ...).

    Returns
    -------
    PowerAnalysis
        ``.frame()`` (tidy: grid x power with a Monte-Carlo interval and the analytic
        power), ``.answer``, ``.report()``, ``.plot(ax=None)``.

    Raises
    ------
    InterventionDateError
        If the history before ``launch`` is too short (the message says how much is
        needed).
    ParameterError
        If neither or both of ``duration`` and ``lift`` are given, the lift is not
        positive, the duration is below 1, or another option is invalid.

    Notes
    -----
    Detection means the interval of the cumulative effect lies above zero (a two-sided
    test at ``alpha`` finding an increase), the rule the engine's report uses. The
    Monte-Carlo interval is a Wilson interval treating pseudo-launches as independent;
    their post-periods overlap when history is short, so it is somewhat too narrow.
    Pseudo-launches have shorter pre-periods than the real launch, which makes the
    simulated power slightly conservative.
    """
    if (duration is None) == (lift is None):
        raise ParameterError(
            "give exactly one of duration= (power by lift) or lift= (power by duration)."
        )
    if duration is not None:
        d = check_duration(duration)
        plan = _make_plan(
            y,
            launch,
            controls=controls,
            model=model,
            method=method,
            shape=shape,
            alpha=alpha,
            power=power,
            min_pre=min_pre,
            seed=seed,
            n_sim=n_sim,
            fit_kwargs=dict(fit_kwargs),
            need=d,
            exclude=exclude,
        )
        a_mde = plan.analytic_mde(d)
        if lifts is None:
            base = a_mde if np.isfinite(a_mde) and a_mde > 0 else 0.05
            lifts = np.array(_LIFT_MULTIPLES) * base
        lifts = np.unique(np.asarray(lifts, dtype=float))
        if np.any(lifts < 0):
            raise ParameterError("lifts must be >= 0 (fractions, 0.05 = +5%).")
        table = _lift_curve(plan, d, lifts, n_sim)
        answer = _interpolate(table["lift"].to_numpy(), table["power"].to_numpy(), power)
        return PowerAnalysis(
            table=table,
            varying="lift",
            answer=answer,
            analytic_answer=a_mde,
            fixed=float(d),
            launch=plan.launch,
            model=plan.model,
            method=plan.method,
            shape=plan.shape,
            alpha=alpha,
            power=power,
            n_history=len(plan.hist),
        )
    lift = _check_lift(lift)
    if durations is None:
        durations = (7, 14, 21, 28, 42, 56, 84, 112)
    durations = sorted({check_duration(d) for d in durations})
    plan = _make_plan(
        y,
        launch,
        controls=controls,
        model=model,
        method=method,
        shape=shape,
        alpha=alpha,
        power=power,
        min_pre=min_pre,
        seed=seed,
        n_sim=n_sim,
        fit_kwargs=dict(fit_kwargs),
        need=durations[0],
        exclude=exclude,
    )
    table = _duration_curve(plan, lift, durations, n_sim)
    if table.empty:
        raise InterventionDateError(
            f"No duration in {durations} leaves 5 usable stretches of history before "
            f"{plan.launch.date()} (past campaigns excluded); try shorter durations, exclude "
            "fewer campaigns or load more history."
        )
    answer = _interpolate(table["duration"].to_numpy(float), table["power"].to_numpy(), power)
    # analytic: the shortest duration whose analytic power reaches the target
    a_grid = np.arange(1, max(durations) * 4 + 1)
    a_pow = np.array([plan.analytic_power(int(d), lift) for d in a_grid])
    hit = np.flatnonzero(a_pow >= power)
    a_ans = float(a_grid[hit[0]]) if len(hit) else float("nan")
    return PowerAnalysis(
        table=table,
        varying="duration",
        answer=answer,
        analytic_answer=a_ans,
        fixed=lift,
        launch=plan.launch,
        model=plan.model,
        method=plan.method,
        shape=plan.shape,
        alpha=alpha,
        power=power,
        n_history=len(plan.hist),
    )


def minimum_detectable_lift(
    y: pd.Series,
    launch,
    *,
    duration: int,
    alpha: float = ALPHA,
    power: float = 0.8,
    shape: str = "level",
    model: str = "segmented",
    method: str | None = None,
    controls: pd.DataFrame | None = None,
    n_sim: int = N_SIM,
    lifts=None,
    min_pre: int | None = None,
    exclude=None,
    seed: int = SEED,
    **fit_kwargs,
) -> PowerAnalysis:
    """Smallest lift a planned campaign would detect with the given power.

    Parameters
    ----------
    y : pandas.Series
        The outcome's history with a regular DatetimeIndex; only dates before
        ``launch`` are used.
    launch : str or pandas.Timestamp
        Planned first day of the campaign.
    duration : int
        Planned campaign length in periods (>= 1).
    alpha, power, shape, model, method, controls, n_sim, lifts, min_pre, exclude, seed
        As in :func:`power_curve`.
    **fit_kwargs
        Passed to :func:`darksocial.its.fit`.

    Returns
    -------
    PowerAnalysis
        ``.answer`` is the minimum detectable relative lift (0.062 = +6.2%);
        ``.analytic_answer`` the analytic approximation; ``.frame()`` the power curve.

    Raises
    ------
    InterventionDateError
        If the history before ``launch`` is too short.
    ParameterError
        If ``duration`` is below 1 or an option is invalid.

    Examples
    --------
    >>> from darksocial.sample import simulate_series
    >>> y, _, _ = simulate_series(730, effect=0.0, seed=1)
    >>> plan = minimum_detectable_lift(y, "2026-01-01", duration=28)
    >>> round(plan.answer, 3)  # doctest: +SKIP
    0.062
    """
    if duration is None:
        raise ParameterError("duration is required: the planned campaign length in periods.")
    return power_curve(
        y,
        launch,
        duration=duration,
        lifts=lifts,
        controls=controls,
        model=model,
        method=method,
        shape=shape,
        alpha=alpha,
        power=power,
        n_sim=n_sim,
        min_pre=min_pre,
        exclude=exclude,
        seed=seed,
        **fit_kwargs,
    )


def duration_needed(
    y: pd.Series,
    launch,
    *,
    lift: float,
    durations=None,
    alpha: float = ALPHA,
    power: float = 0.8,
    shape: str = "level",
    model: str = "segmented",
    method: str | None = None,
    controls: pd.DataFrame | None = None,
    n_sim: int = N_SIM,
    min_pre: int | None = None,
    exclude=None,
    seed: int = SEED,
    **fit_kwargs,
) -> PowerAnalysis:
    """How long a campaign must run to detect a target lift with the given power.

    Parameters
    ----------
    y : pandas.Series
        The outcome's history with a regular DatetimeIndex; only dates before
        ``launch`` are used.
    launch : str or pandas.Timestamp
        Planned first day of the campaign.
    lift : float
        Target relative lift, > 0 (0.10 = +10%).
    durations : sequence of int, optional
        Durations tried (periods); default 7, 14, 21, 28, 42, 56, 84, 112 as far as the
        history allows.
    alpha, power, shape, model, method, controls, n_sim, min_pre, exclude, seed
        As in :func:`power_curve`.
    **fit_kwargs
        Passed to :func:`darksocial.its.fit`.

    Returns
    -------
    PowerAnalysis
        ``.answer`` is the duration needed in periods (NaN if the grid never reaches the
        target power); ``.frame()`` the power by duration.

    Raises
    ------
    InterventionDateError
        If the history before ``launch`` is too short for the shortest duration.
    ParameterError
        If ``lift`` is zero, negative or given in percent, or an option is invalid.

    Examples
    --------
    >>> plan = duration_needed(y, "2026-01-01", lift=0.10)  # doctest: +SKIP
    >>> print(plan.report())  # doctest: +SKIP
    """
    return power_curve(
        y,
        launch,
        lift=_check_lift(lift),
        durations=durations,
        controls=controls,
        model=model,
        method=method,
        shape=shape,
        alpha=alpha,
        power=power,
        n_sim=n_sim,
        min_pre=min_pre,
        exclude=exclude,
        seed=seed,
        **fit_kwargs,
    )


def plan_text(
    y: pd.Series,
    launch,
    *,
    duration: int,
    lift: float | None = None,
    **options,
) -> str:
    """The text printed by ``darksocial plan``: the MDE table, and duration needed if asked.

    Parameters
    ----------
    y : pandas.Series
        History of the metric.
    launch : str or pandas.Timestamp
        Planned launch date.
    duration : int
        Planned campaign length in periods.
    lift : float, optional
        Target lift; adds the duration-needed table.
    **options
        Passed to :func:`minimum_detectable_lift` and :func:`duration_needed`.

    Returns
    -------
    str
        Tables and plain-language answers.
    """
    if lift is not None:
        lift = _check_lift(lift)  # fail before the long simulation, not after it
    mde = minimum_detectable_lift(y, launch, duration=duration, **options)
    parts = [mde.summary(), "", mde.report()]
    if lift is not None:
        dur = duration_needed(y, launch, lift=lift, **options)
        parts += ["", dur.summary(), "", dur.report()]
    return "\n".join(parts)

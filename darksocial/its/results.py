"""The value returned by :func:`darksocial.its.fit`: effects, paths, summary and report."""

from __future__ import annotations

import dataclasses
import functools
import html
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from darksocial.errors import ParameterError
from darksocial.its.design import Intervention
from darksocial.its.diagnostics import Diagnostics

__all__ = ["Draws", "ImpactResult", "ImpactSummary", "bound_running_totals"]

_METRICS = ["average", "cumulative", "relative"]


class _OnDemand(Mapping):
    """A read-only mapping whose values are computed on first access, then kept."""

    def __init__(self, makers: dict):
        self._makers = makers
        self._values: dict = {}

    def __getitem__(self, key):
        if key not in self._values:
            self._values[key] = self._makers[key]()
        return self._values[key]

    def __iter__(self):
        return iter(self._makers)

    def __len__(self) -> int:
        return len(self._makers)


@dataclasses.dataclass(frozen=True, eq=False)
class Draws:
    """Counterfactual paths from the first campaign start to the end of the data.

    Every interval of an :class:`ImpactResult` is a quantile of these draws, so they are
    kept: :meth:`ImpactResult.summary_frame` re-derives intervals at another ``alpha``
    from them without a refit.

    Attributes
    ----------
    y : numpy.ndarray
        The observed series (all of it, original scale).
    start : int
        Position of the first campaign start in ``y``.
    cf_point : numpy.ndarray
        Point counterfactual from ``start`` on (length ``h``), original scale.
    cf_draws : numpy.ndarray
        Simulated counterfactuals (``S x h``), original scale.
    per : Mapping or None
        For the intervention method, ``name -> (cf_point, cf_draws)`` with only that
        campaign switched off (computed on first access); None for the counterfactual
        method.
    """

    y: np.ndarray
    start: int
    cf_point: np.ndarray
    cf_draws: np.ndarray
    per: Mapping | None = None

    @classmethod
    def from_contributions(cls, y, contrib_point, contrib_draws, per, *, log_link, pos0):
        """Counterfactual draws from the campaigns' contributions (intervention method).

        ``per`` maps each campaign to a function returning its own ``(point, draws)``
        contribution; a campaign's counterfactual is computed when first asked for, since
        most callers (a placebo refit, one campaign's report) read one campaign of many.
        """

        def to_cf(c_point, c_draws):
            yy = y[pos0:]
            cp, cd = c_point[pos0:], c_draws[:, pos0:]
            if log_link:
                # observed with the campaign's multiplicative contribution removed; a
                # window of zeros makes that contribution minus infinity (0 * inf: NaN;
                # the campaign report names such a fit as not estimable before reading it)
                with np.errstate(over="ignore", invalid="ignore"):
                    return yy * np.exp(-cp), yy[None, :] * np.exp(-cd)
            return yy - cp, yy[None, :] - cd

        cf_point, cf_draws = to_cf(contrib_point, contrib_draws)
        per_cf = _OnDemand({name: (lambda f=f: to_cf(*f())) for name, f in per.items()})
        return cls(y=y, start=pos0, cf_point=cf_point, cf_draws=cf_draws, per=per_cf)

    @classmethod
    def from_forecast(cls, y, pos0, point, sims):
        return cls(y=y, start=pos0, cf_point=np.asarray(point), cf_draws=np.asarray(sims))


def _effects(
    y, cf_point, cf_draws, lo, hi, alpha, ratio=False, floor=False, ceiling=None
) -> tuple[pd.DataFrame, float]:
    """CausalImpact's summary numbers over positions ``lo..hi`` (relative to the draws).

    With ``floor`` (a series never below zero: counts, an index) the expected total, its
    point and each draw's, is floored at zero: no campaign can have added more than was
    observed. A real Trends term at an index of 1.4 read "+1.2 index points (95% interval
    -5.9 to +8.7)", a gain that needed an expected index of -7.3. Only totals are floored,
    never single periods (flooring each period's draw would lift a near-zero forecast's
    total above the truth), so an interval that held the true total still does. A
    ``ceiling`` (a Trends index: 100) caps the expected totals at ``ceiling`` a period
    the same way.

    The relative effect is R CausalImpact's (>= 1.3): the mean over the draws of
    ``sum(y) / sum(draw) - 1``, its interval their quantiles. With ``ratio`` (draws of a
    log-scale or count model, which are exponentials) the estimate is the point ratio
    ``sum(y) / sum(cf_point) - 1`` instead, as R <= 1.2: the per-draw mean of such draws
    is decided by the few paths near zero (+4,300% on a short persistent series whose
    average effect was a few percent), while the interval's quantiles are not. Where some
    draws total zero or less, see :func:`_relative`.
    """
    yy = y[lo : hi + 1]
    ok = ~np.isnan(yy)
    yy = yy[ok]
    cp = cf_point[lo : hi + 1][ok]
    cd = cf_draws[:, lo : hi + 1][:, ok]
    m = len(yy)
    q = [alpha / 2, 1 - alpha / 2]
    if m == 0:
        nan = pd.DataFrame(np.nan, index=_METRICS, columns=["estimate", "lower", "upper"])
        return nan, float("nan")
    total = float(yy.sum())
    sims = cd.sum(axis=1)
    base = float(cp.sum())
    if floor:
        sims, base = np.maximum(sims, 0.0), max(base, 0.0)
    if ceiling is not None:
        sims, base = np.minimum(sims, ceiling * m), min(base, ceiling * m)
    eff_sum = total - sims
    lo_c, hi_c = np.quantile(eff_sum, q)
    cum = total - base
    rel_point, lo_r, hi_r = _relative(total, base, sims, q, ratio)
    frame = pd.DataFrame(
        {
            "estimate": [cum / m, cum, rel_point],
            "lower": [lo_c / m, lo_c, lo_r],
            "upper": [hi_c / m, hi_c, hi_r],
        },
        index=_METRICS,
    )
    frame.index.name = "metric"
    # R CausalImpact's one-sided tail area with the observed sum included
    both = np.append(sims, total)
    p = min(np.sum(both >= total), np.sum(both <= total)) / (len(sims) + 1)
    return frame, float(p)


def bound_running_totals(observed, running, paths, *, floor: bool, ceiling: float | None):
    """Running effect totals (point and per path) that no expected level could give, capped.

    The running form of :func:`_effects`' bound: with ``floor`` (a series never below zero)
    an expected running total is at least zero, so the effect so far is at most what was
    observed so far; with a ``ceiling`` the expected running total is at most the ceiling
    times the periods with data so far.

    Parameters
    ----------
    observed : numpy.ndarray
        Observed values over the window (NaN where missing).
    running : numpy.ndarray
        The point estimate's running effect total, one per period.
    paths : numpy.ndarray
        Each simulated path's running effect total, ``(draws, periods)``.
    floor : bool
    ceiling : float or None

    Returns
    -------
    tuple of numpy.ndarray
        ``running`` and ``paths``, bounded.
    """
    seen = np.cumsum(np.where(np.isnan(observed), 0.0, observed))
    if floor:
        running, paths = np.minimum(running, seen), np.minimum(paths, seen)
    if ceiling is not None:
        most = seen - ceiling * np.cumsum(~np.isnan(observed))
        running, paths = np.maximum(running, most), np.maximum(paths, most)
    return running, paths


def _relative(total: float, base: float, sims: np.ndarray, q, ratio: bool):
    """The relative effect and its interval: ``(estimate, lower, upper)``.

    R's (>= 1.3) per-draw ``sum(y) / sum(draw) - 1``, its mean and quantiles; the point
    ratio ``sum(y) / base - 1`` as the estimate with ``ratio``.

    Where some paths of the counterfactual (original scale near zero, or a count model's
    paths of no count at all) total zero or less, the per-draw ratio of such a path is
    unbounded: an observed total against none expected. The ratio falls as the path's
    total rises, so its quantiles are those of the totals, mapped: the lower end is
    ``sum(y) / upper total - 1`` (never below -100% for a series that is never negative),
    the upper ``sum(y) / lower total - 1``; the estimate is the point ratio. When the
    lower quantile of the totals is itself zero or less, the interval has no upper end and
    the relative effect is NaN (reports then give the effect in the metric's units). The
    former fallback, the absolute interval over the point counterfactual, printed
    ``-32% (-132% to +74%)`` on a real export: a fall of more than everything observed.
    """
    if np.any(sims <= 0):
        low_total, high_total = np.quantile(sims, q)
        if base <= 0 or low_total <= 0 or total < 0:
            return np.nan, np.nan, np.nan
        return total / base - 1, total / high_total - 1, total / low_total - 1
    rel = total / sims - 1
    lo, hi = np.quantile(rel, q)
    point = total / base - 1 if ratio and base > 0 else float(np.mean(rel))
    return point, lo, hi


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class ImpactResult:
    """Effects of campaigns on a time series, as estimated by :func:`darksocial.its.fit`.

    An immutable value: every field is set once, by :func:`~darksocial.its.fit`; tables
    are derived from the fields on first use. Use :func:`dataclasses.replace` for a copy
    with other ``notes``.

    Attributes
    ----------
    y : pandas.Series
        The outcome as fitted.
    interventions : tuple of Intervention
        The campaigns, with estimated ramp lengths and half-lives filled in.
    model, method : str
        As passed to :func:`~darksocial.its.fit` (``method`` resolved from its default).
    transform : {None, "log"}
        The transform applied (None for a count model asked for ``"log"``).
    alpha : float
        Intervals of :attr:`effects`, :attr:`params` and :attr:`pointwise` are central
        ``1 - alpha`` intervals; :meth:`summary_frame` gives others.
    seed : int
        Seed of the simulations.
    freq : str
        Frequency family of ``y``: ``"D"``, ``"W"``, ``"M"``, ``"Q"`` or ``"Y"``.
    window : tuple of pandas.Timestamp
        First and last date of the evaluation window of :attr:`effects`; its first date
        is the first campaign start.
    windows : dict
        Campaign name to the (first, last) date of its own evaluation window, over which
        :attr:`effects_by_intervention` is summed.
    design : pandas.DataFrame
        The regressors the model was fitted on.
    fitted : numpy.ndarray
        Fitted values on the original scale: in-sample, then (counterfactual method) the
        forecast.
    draws : Draws
        The counterfactual draws behind every interval.
    diagnostics : Diagnostics
        Pre-period fit, residual tests and typed warnings.
    backend : object
        The fitted model backend (:mod:`darksocial.its.models`).
    wald_p : float or None
        Wald p-value of all campaign terms (intervention method), else None.
    wald_p_by : dict or None
        Wald p-value of each campaign's terms (intervention method), else None.
    notes : tuple of str
        What was changed about the request, in words (a transform a count model ignores,
        and the caller's own notes); empty when nothing was.
    ceiling : float or None
        The largest value the series can take (``fit(ceiling=)``): expected totals are
        capped at it.

    Notes
    -----
    Derived tables: ``params`` (one row per model term, columns ``estimate, std_err,
    lower, upper, p_value``), ``effects`` (index ``["average", "cumulative",
    "relative"]``, columns ``estimate, lower, upper``), ``effects_by_intervention``,
    ``p_value``, ``p_value_by_intervention``, ``pointwise`` and ``model_result`` (the
    statsmodels results object).
    """

    y: pd.Series
    interventions: tuple[Intervention, ...]
    model: str
    method: str
    transform: str | None
    alpha: float
    seed: int
    freq: str
    window: tuple[pd.Timestamp, pd.Timestamp]
    windows: Mapping[str, tuple[pd.Timestamp, pd.Timestamp]]
    design: pd.DataFrame
    fitted: np.ndarray
    draws: Draws
    diagnostics: Diagnostics
    backend: Any
    wald_p: float | None = None
    wald_p_by: Mapping[str, float] | None = None
    notes: tuple[str, ...] = ()
    ceiling: float | None = None

    def __post_init__(self):
        # normalise once, at construction: the fields never change afterwards
        object.__setattr__(self, "interventions", tuple(self.interventions))
        object.__setattr__(self, "windows", dict(self.windows))
        object.__setattr__(self, "fitted", np.asarray(self.fitted, dtype=float))
        object.__setattr__(self, "notes", tuple(str(n) for n in self.notes))

    def __repr__(self) -> str:
        e = self.effects.loc["average"]
        return (
            f"<ImpactResult model={self.model!r} method={self.method!r} "
            f"average effect {e['estimate']:.4g} [{e['lower']:.4g}, {e['upper']:.4g}], "
            f"p={self.p_value:.3g}>"
        )

    # -- numbers ----------------------------------------------------------------------------
    def _positions(self, name) -> tuple[int, int]:
        """First and last position of a window (``None``: the overall one)."""
        lo, hi = self.window if name is None else self.windows[name]
        return self.y.index.get_loc(lo), self.y.index.get_loc(hi)

    def share_above_ceiling(self, name: str | None = None) -> float:
        """Share of simulated paths whose expected total exceeds what the ceiling allows.

        The effects are bounded to what is possible (:func:`_effects`: an expected total of
        at most ``ceiling`` a period); this says how often the model's own paths went past
        it. A model that does so often forecasts what the series cannot do (a real Trends
        term's row read "−15,661 to +59 index points" before the bound, "−41% to over
        +10,000%" after it). 0 without a ceiling.

        Parameters
        ----------
        name : str, optional
            A campaign; the overall window by default.

        Returns
        -------
        float
            Between 0 and 1.
        """
        if self.ceiling is None:
            return 0.0
        lo, hi = self._positions(name)
        d = self.draws
        _, cf_draws = self._draws_of(name)
        a, b = lo - d.start, hi - d.start + 1
        ok = ~np.isnan(np.asarray(d.y[d.start :], dtype=float)[a:b])
        if not ok.any():
            return 0.0
        sims = cf_draws[:, a:b][:, ok].sum(axis=1)
        return float(np.mean(sims > self.ceiling * int(ok.sum())))

    def _draws_of(self, name):
        """``(point, draws)`` of the counterfactual with ``name`` off (all off: ``None``)."""
        d = self.draws
        if name is not None and d.per is not None:
            return d.per[name]
        return d.cf_point, d.cf_draws

    def _window_effects(self, name, alpha=None):
        lo, hi = self._positions(name)
        d = self.draws
        cf_point, cf_draws = self._draws_of(name)
        return _effects(
            d.y[d.start :],
            cf_point,
            cf_draws,
            lo - d.start,
            hi - d.start,
            self.alpha if alpha is None else alpha,
            ratio=self.transform == "log" or self.model in ("poisson", "negbin"),
            floor=bool(np.nanmin(d.y) >= 0),
            ceiling=self.ceiling,
        )

    @functools.cached_property
    def _overall(self):
        return self._window_effects(None)

    @property
    def model_result(self):
        """The statsmodels results object behind the fit."""
        return self.backend.res

    @functools.cached_property
    def params(self) -> pd.DataFrame:
        """Coefficient table: ``estimate, std_err, lower, upper, p_value`` by term."""
        return self.backend.params_frame()

    @property
    def effects(self) -> pd.DataFrame:
        """Average, cumulative and relative effect over the evaluation window."""
        return self._overall[0].copy()

    @functools.cached_property
    def effects_by_intervention(self) -> pd.DataFrame:
        """Effects per campaign over its own window (index ``(intervention, metric)``).

        With ``method="intervention"`` each campaign is switched off alone (the others
        stay on), so overlapping campaigns are separated. With ``"counterfactual"`` the
        comparison is observed vs the no-campaign forecast over the campaign's window,
        which includes any other campaign active at the same time.
        """
        frames = {iv.name: self._one(iv.name)[0] for iv in self.interventions}
        out = pd.concat(frames, names=["intervention", "metric"])
        return out

    @functools.cached_property
    def _by_name(self) -> dict:
        return {}

    def _check_name(self, name: str) -> None:
        if name not in self.windows:
            raise ParameterError(
                f"no campaign {name!r} in this fit; its campaigns are {', '.join(self.windows)}"
            )

    def _one(self, name: str):
        """One campaign's effects and p over its own window, computed once."""
        self._check_name(name)
        if name not in self._by_name:
            self._by_name[name] = self._window_effects(name)
        return self._by_name[name]

    def effects_for(self, name: str) -> pd.DataFrame:
        """One campaign's effects over its own window: ``effects_by_intervention.loc[name]``.

        Computed for this campaign alone, so reading one campaign of a fit with many (a
        placebo refit, one campaign's report) does not compute the others.

        Parameters
        ----------
        name : str
            The campaign's name, as in its :class:`Intervention`.

        Returns
        -------
        pandas.DataFrame
            Rows ``average, cumulative, relative``; columns ``estimate, lower, upper``.
        """
        return self._one(name)[0].copy()

    def p_value_for(self, name: str) -> float:
        """One campaign's p-value: ``p_value_by_intervention[name]``, computed for it alone."""
        if self.wald_p_by is not None:
            self._check_name(name)
            return float(self.wald_p_by[name])
        return float(self._one(name)[1])

    @property
    def p_value(self) -> float:
        """CausalImpact tail-area p (counterfactual) or the Wald p of all campaign terms."""
        return float(self._overall[1] if self.wald_p is None else self.wald_p)

    @functools.cached_property
    def p_value_by_intervention(self) -> pd.Series:
        """The p-value of each campaign (Wald on its terms, or tail area over its window)."""
        if self.wald_p_by is not None:
            vals = {iv.name: self.wald_p_by[iv.name] for iv in self.interventions}
        else:
            vals = {iv.name: self._one(iv.name)[1] for iv in self.interventions}
        return pd.Series(vals, name="p_value", dtype=float)

    def effects_frame(self) -> pd.DataFrame:
        """All effects in one tidy table, at the fit's ``alpha``.

        Returns
        -------
        pandas.DataFrame
            Columns ``intervention`` (``"all"`` for the combined effect), ``metric``,
            ``estimate``, ``lower``, ``upper``, ``p_value``, ``start``, ``end``.
        """
        return self.summary_frame()

    def summary_frame(self, alpha: float | None = None) -> pd.DataFrame:
        """All effects in one tidy table, with intervals at any ``alpha``, without a refit.

        The intervals are quantiles of the stored counterfactual draws (:attr:`draws`),
        which do not depend on ``alpha``: the table equals :meth:`effects_frame` of a refit
        with that ``alpha`` and the same seed. Like statsmodels'
        ``PredictionResults.summary_frame(alpha=)``.

        Parameters
        ----------
        alpha : float, optional
            Intervals are central ``1 - alpha`` intervals; default the fit's ``alpha``.

        Returns
        -------
        pandas.DataFrame
            Columns ``intervention`` (``"all"`` for the combined effect), ``metric``,
            ``estimate``, ``lower``, ``upper``, ``p_value``, ``start``, ``end``. Estimates
            and p-values do not depend on ``alpha``.

        Raises
        ------
        ParameterError
            If ``alpha`` is not between 0 and 1.

        Examples
        --------
        >>> res.summary_frame(alpha=0.1)  # doctest: +SKIP
        """
        if alpha is not None and not 0 < alpha < 1:
            raise ParameterError(f"alpha={alpha} must be between 0 and 1, e.g. 0.05.")
        rows = []
        names = [None] + [iv.name for iv in self.interventions]
        for name in names:
            frame, _ = self._window_effects(name, alpha)
            p = self.p_value if name is None else float(self.p_value_by_intervention[name])
            start, end = self.window if name is None else self.windows[name]
            for metric, r in frame.iterrows():
                rows.append(
                    {
                        "intervention": "all" if name is None else name,
                        "metric": metric,
                        "estimate": r["estimate"],
                        "lower": r["lower"],
                        "upper": r["upper"],
                        "p_value": p,
                        "start": start,
                        "end": end,
                    }
                )
        return pd.DataFrame(rows)

    @functools.cached_property
    def pointwise(self) -> pd.DataFrame:
        """Observed, fitted, counterfactual and effect (with intervals) for every date.

        Before the first campaign the cumulative effect is zero (as in CausalImpact); its
        running total is bounded as :attr:`effects` are (:func:`bound_running_totals`).
        With the counterfactual method, pre-period counterfactual = in-sample fit with a
        normal band of the residual spread; after it, the forecast and the quantiles of
        simulated paths (observation noise included).
        """
        d = self.draws
        y = d.y
        n, s = len(y), d.start
        q = [self.alpha / 2, 1 - self.alpha / 2]
        cf = np.full(n, np.nan)
        cf_lo = np.full(n, np.nan)
        cf_hi = np.full(n, np.nan)
        if self.method == "counterfactual":
            lo, hi = self._pre_band()
            cf[:s], cf_lo[:s], cf_hi[:s] = self.fitted[:s], lo, hi
        else:
            cf[:s], cf_lo[:s], cf_hi[:s] = y[:s], y[:s], y[:s]
        cf[s:] = d.cf_point
        qs = np.quantile(d.cf_draws, q, axis=0)
        cf_lo[s:], cf_hi[s:] = qs[0], qs[1]
        if self.method == "intervention":
            # quantiles over draws of y - contribution are already y-anchored
            miss = np.isnan(y[s:])
            cf_lo[s:][miss] = np.nan
            cf_hi[s:][miss] = np.nan
        eff = y - cf
        cum = np.zeros(n)
        cum_lo = np.zeros(n)
        cum_hi = np.zeros(n)
        post_eff = np.where(np.isnan(y[s:]), 0.0, y[s:] - d.cf_point)
        path = np.where(np.isnan(y[s:])[None, :], 0.0, y[s:][None, :] - d.cf_draws)
        # as effects: no expected running total below zero (or above the ceiling)
        cum[s:], paths = bound_running_totals(
            y[s:],
            np.cumsum(post_eff),
            np.cumsum(path, axis=1),
            floor=bool(np.nanmin(y) >= 0),
            ceiling=self.ceiling,
        )
        cq = np.quantile(paths, q, axis=0)
        cum_lo[s:], cum_hi[s:] = cq[0], cq[1]
        return pd.DataFrame(
            {
                "observed": y,
                "fitted": self.fitted,
                "counterfactual": cf,
                "counterfactual_lower": cf_lo,
                "counterfactual_upper": cf_hi,
                "effect": eff,
                "effect_lower": y - cf_hi,
                "effect_upper": y - cf_lo,
                "cumulative_effect": cum,
                "cumulative_effect_lower": cum_lo,
                "cumulative_effect_upper": cum_hi,
            },
            index=self.y.index,
        )

    def _pre_band(self):
        from scipy import stats

        b = self.backend
        zq = stats.norm.ppf(1 - self.alpha / 2)
        s = self.draws.start
        lp = np.asarray(b.lp[:s], dtype=float)
        if b.link == "log" and not b.log:  # GLM: Poisson-lognormal spread
            v = b.latent[3]
            mu = np.exp(lp)
            sd = np.sqrt(v + 1.0 / np.maximum(mu, 1e-9))
            return mu * np.exp(-zq * sd), mu * np.exp(zq * sd)
        lo, hi = lp - zq * b.resid_sd, lp + zq * b.resid_sd
        return (np.exp(lo), np.exp(hi)) if b.log else (lo, hi)

    # -- presentation -------------------------------------------------------------------------
    def summary(self) -> ImpactSummary:
        """Tables and text of the result; renders as HTML in a notebook.

        Returns
        -------
        ImpactSummary
            ``.effects``, ``.params``, ``.diagnostics`` and ``.text``; ``str()`` gives a
            plain-text version, ``_repr_html_`` the notebook/HTML one.
        """
        return ImpactSummary(self)

    def report(self, *, outcome: str | None = None, unit: str | None = None) -> str:
        """A plain-language paragraph for a marketing lead.

        Parameters
        ----------
        outcome : str, optional
            What ``y`` measures, e.g. ``"branded clicks"`` (default: the name of ``y``).
        unit : str, optional
            Period word, e.g. ``"day"`` (default from the data frequency).

        Returns
        -------
        str
            The paragraph; its numbers are exactly those of :attr:`effects` and
            :attr:`p_value`, and its wording on significance follows whether the interval
            of the cumulative effect excludes zero.
        """
        from darksocial.its.wording import report_text

        return report_text(self, outcome=outcome, unit=unit)

    def plot_data(self) -> pd.DataFrame:
        """The tidy data drawn by :meth:`plot`.

        Returns
        -------
        pandas.DataFrame
            Columns ``date, panel, line, value, lower, upper``; ``panel`` is one of
            ``"original"``, ``"pointwise"``, ``"cumulative"``.
        """
        from darksocial.its.plotting import impact_plot_data

        return impact_plot_data(self)

    def plot(self, *, figsize=(10, 8), title: str | None = None):
        """Three panels: observed vs counterfactual, pointwise and cumulative effect.

        Parameters
        ----------
        figsize : tuple, default (10, 8)
            Figure size in inches.
        title : str, optional
            Figure title.

        Returns
        -------
        matplotlib.figure.Figure
            The figure, with three Axes; campaign windows are shaded.
        """
        from darksocial.its.plotting import plot_impact

        return plot_impact(self, figsize=figsize, title=title)


class ImpactSummary:
    """Printable and HTML-renderable summary of an :class:`ImpactResult`.

    Parameters
    ----------
    result : ImpactResult
        The fitted result.
    """

    def __init__(self, result: ImpactResult):
        self.result = result
        self.effects = result.effects_frame()
        self.params = result.params
        self.diagnostics = result.diagnostics
        self.text = result.report()

    def _header(self) -> str:
        r = self.result
        lo, hi = r.window
        return (
            f"ITS impact: model={r.model}, method={r.method}, transform={r.transform}, "
            f"window {lo.date()} to {hi.date()}, alpha={r.alpha}, p = {r.p_value:.4g}"
        )

    def __str__(self) -> str:
        with pd.option_context("display.width", 120, "display.max_columns", 20):
            eff = self.effects.drop(columns=["start", "end"]).to_string(
                index=False, float_format=lambda v: f"{v:,.4g}"
            )
            par = self.params.to_string(float_format=lambda v: f"{v:.4g}")
        return "\n\n".join([self._header(), eff, par, str(self.diagnostics), self.text])

    def __repr__(self) -> str:
        return self.__str__()

    def _repr_html_(self) -> str:
        eff = self.effects.drop(columns=["start", "end"]).to_html(
            index=False, float_format=lambda v: f"{v:,.4g}"
        )
        par = self.params.to_html(float_format=lambda v: f"{v:.4g}")
        diag = "<br>".join(html.escape(line) for line in str(self.diagnostics).splitlines())
        return (
            f"<div><p><b>{html.escape(self._header())}</b></p>"
            f"<h4>Effects</h4>{eff}<h4>Report</h4><p>{html.escape(self.text)}</p>"
            f"<h4>Diagnostics</h4><p>{diag}</p><h4>Parameters</h4>{par}</div>"
        )

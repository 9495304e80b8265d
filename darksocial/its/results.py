"""The value returned by :func:`darksocial.its.fit`: effects, paths, summary and report."""

from __future__ import annotations

import dataclasses
import functools
import html

import numpy as np
import pandas as pd

from darksocial.its.diagnostics import Diagnostics

__all__ = ["ImpactResult", "ImpactSummary"]

_METRICS = ["average", "cumulative", "relative"]


@dataclasses.dataclass
class _Draws:
    """Counterfactual paths from the first campaign start to the end of the data.

    ``cf_point`` (length ``h``) and ``cf_draws`` (``S x h``) are on the original scale of
    ``y``; ``per`` holds the same per campaign for the intervention method (each
    campaign switched off alone).
    """

    y: np.ndarray
    start: int
    cf_point: np.ndarray
    cf_draws: np.ndarray
    per: dict | None = None

    @classmethod
    def from_contributions(cls, y, contrib_point, contrib_draws, per, *, log_link, pos0):
        def to_cf(c_point, c_draws):
            yy = y[pos0:]
            cp, cd = c_point[pos0:], c_draws[:, pos0:]
            if log_link:
                # observed with the campaign's multiplicative contribution removed
                return yy * np.exp(-cp), yy[None, :] * np.exp(-cd)
            return yy - cp, yy[None, :] - cd

        cf_point, cf_draws = to_cf(contrib_point, contrib_draws)
        per_cf = {name: to_cf(cp, cd) for name, (cp, cd) in per.items()}
        return cls(y=y, start=pos0, cf_point=cf_point, cf_draws=cf_draws, per=per_cf)

    @classmethod
    def from_forecast(cls, y, pos0, point, sims):
        return cls(y=y, start=pos0, cf_point=np.asarray(point), cf_draws=np.asarray(sims))


def _effects(y, cf_point, cf_draws, lo, hi, alpha) -> tuple[pd.DataFrame, float]:
    """CausalImpact's summary numbers over positions ``lo..hi`` (relative to the draws)."""
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
    eff_sum = total - sims
    rel = total / sims - 1
    lo_c, hi_c = np.quantile(eff_sum, q)
    lo_r, hi_r = np.quantile(rel, q)
    cum = total - float(cp.sum())
    frame = pd.DataFrame(
        {
            "estimate": [cum / m, cum, float(np.mean(rel))],
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


class ImpactResult:
    """Effects of campaigns on a time series, as estimated by :func:`darksocial.its.fit`.

    Attributes
    ----------
    params : pandas.DataFrame
        One row per model term (``const``, ``trend``, seasonal terms, controls,
        ``"<campaign>:level"`` ...), columns ``estimate, std_err, lower, upper, p_value``.
    effects : pandas.DataFrame
        Index ``["average", "cumulative", "relative"]``, columns ``estimate, lower,
        upper``: observed vs counterfactual (all campaigns off) over the evaluation window,
        on the original scale of ``y``.
    effects_by_intervention : pandas.DataFrame
        The same per campaign over its own window, indexed by ``(intervention, metric)``.
    p_value : float
        Tail-area probability (counterfactual method) or Wald p (intervention method).
    pointwise : pandas.DataFrame
        Observed, fitted, counterfactual and effects by date, with intervals.
    diagnostics : Diagnostics
        Pre-period fit, residual tests and plain warnings.
    model_result : object
        The underlying statsmodels results object.
    notes : tuple of str
        What was changed about the request, in words (a transform a count model ignores,
        and the caller's own notes); empty when nothing was.
    """

    def __init__(
        self,
        *,
        y,
        interventions,
        model,
        method,
        transform,
        alpha,
        seed,
        freq,
        pos0,
        windows,
        backend,
        design,
        fitted,
        draws,
        wald_p,
        wald_p_by,
        diagnostics: Diagnostics,
        notes=(),
    ):
        self.y = y
        self.interventions = interventions
        self.model = model
        self.method = method
        self.transform = transform
        self.alpha = alpha
        self.seed = seed
        self.freq = freq
        self._pos0 = pos0
        self._windows = windows
        self._backend = backend
        self.design = design
        self._fitted = np.asarray(fitted, dtype=float)
        self._draws = draws
        self._wald_p = wald_p
        self._wald_p_by = wald_p_by
        self.diagnostics = diagnostics
        self.notes = tuple(notes)
        self._effects_all, self._tail_p = self._window_effects(None)

    def __repr__(self) -> str:
        e = self.effects.loc["average"]
        return (
            f"<ImpactResult model={self.model!r} method={self.method!r} "
            f"average effect {e['estimate']:.4g} [{e['lower']:.4g}, {e['upper']:.4g}], "
            f"p={self.p_value:.3g}>"
        )

    # -- numbers ----------------------------------------------------------------------------
    def _window_effects(self, name):
        lo, hi = self._windows[name]
        d = self._draws
        if name is not None and d.per is not None:
            cf_point, cf_draws = d.per[name]
        else:
            cf_point, cf_draws = d.cf_point, d.cf_draws
        return _effects(d.y[d.start :], cf_point, cf_draws, lo - d.start, hi - d.start, self.alpha)

    @property
    def model_result(self):
        """The statsmodels results object behind the fit."""
        return self._backend.res

    @functools.cached_property
    def params(self) -> pd.DataFrame:
        """Coefficient table: ``estimate, std_err, lower, upper, p_value`` by term."""
        return self._backend.params_frame()

    @property
    def effects(self) -> pd.DataFrame:
        """Average, cumulative and relative effect over the evaluation window."""
        return self._effects_all.copy()

    @functools.cached_property
    def effects_by_intervention(self) -> pd.DataFrame:
        """Effects per campaign over its own window (index ``(intervention, metric)``).

        With ``method="intervention"`` each campaign is switched off alone (the others
        stay on), so overlapping campaigns are separated. With ``"counterfactual"`` the
        comparison is observed vs the no-campaign forecast over the campaign's window,
        which includes any other campaign active at the same time.
        """
        frames = {iv.name: self._window_effects(iv.name)[0] for iv in self.interventions}
        out = pd.concat(frames, names=["intervention", "metric"])
        return out

    @property
    def p_value(self) -> float:
        """CausalImpact tail-area p (counterfactual) or the Wald p of all campaign terms."""
        return float(self._tail_p if self._wald_p is None else self._wald_p)

    @functools.cached_property
    def p_value_by_intervention(self) -> pd.Series:
        """The p-value of each campaign (Wald on its terms, or tail area over its window)."""
        if self._wald_p_by is not None:
            vals = {iv.name: self._wald_p_by[iv.name] for iv in self.interventions}
        else:
            vals = {iv.name: self._window_effects(iv.name)[1] for iv in self.interventions}
        return pd.Series(vals, name="p_value", dtype=float)

    @property
    def window(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """First and last date of the evaluation window of :attr:`effects`."""
        lo, hi = self._windows[None]
        return self.y.index[lo], self.y.index[hi]

    def effects_frame(self) -> pd.DataFrame:
        """All effects in one tidy table.

        Returns
        -------
        pandas.DataFrame
            Columns ``intervention`` (``"all"`` for the combined effect), ``metric``,
            ``estimate``, ``lower``, ``upper``, ``p_value``, ``start``, ``end``.
        """
        rows = []
        names = [None] + [iv.name for iv in self.interventions]
        for name in names:
            frame, p_tail = self._window_effects(name)
            p = self.p_value if name is None else float(self.p_value_by_intervention[name])
            lo, hi = self._windows[name]
            for metric, r in frame.iterrows():
                rows.append(
                    {
                        "intervention": "all" if name is None else name,
                        "metric": metric,
                        "estimate": r["estimate"],
                        "lower": r["lower"],
                        "upper": r["upper"],
                        "p_value": p,
                        "start": self.y.index[lo],
                        "end": self.y.index[hi],
                    }
                )
        return pd.DataFrame(rows)

    @functools.cached_property
    def pointwise(self) -> pd.DataFrame:
        """Observed, fitted, counterfactual and effect (with intervals) for every date.

        Before the first campaign the cumulative effect is zero (as in CausalImpact).
        With the counterfactual method, pre-period counterfactual = in-sample fit with a
        normal band of the residual spread; after it, the forecast and the quantiles of
        simulated paths (observation noise included).
        """
        d = self._draws
        y = d.y
        n, s = len(y), d.start
        q = [self.alpha / 2, 1 - self.alpha / 2]
        cf = np.full(n, np.nan)
        cf_lo = np.full(n, np.nan)
        cf_hi = np.full(n, np.nan)
        if self.method == "counterfactual":
            lo, hi = self._pre_band()
            cf[:s], cf_lo[:s], cf_hi[:s] = self._fitted[:s], lo, hi
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
        cum[s:] = np.cumsum(post_eff)
        path = np.where(np.isnan(y[s:])[None, :], 0.0, y[s:][None, :] - d.cf_draws)
        cq = np.quantile(np.cumsum(path, axis=1), q, axis=0)
        cum_lo[s:], cum_hi[s:] = cq[0], cq[1]
        return pd.DataFrame(
            {
                "observed": y,
                "fitted": self._fitted,
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

        b = self._backend
        zq = stats.norm.ppf(1 - self.alpha / 2)
        s = self._draws.start
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
        from darksocial.its.reporting import report_text

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

"""Campaign portfolio: every campaign's lift in one table, pooled by content type.

Start from a table of per-campaign estimates, one row per campaign and metric, with an
interval or a standard error (for example the effects of several ITS fits):

* :func:`campaign_table` validates it and adds the cost per incremental unit;
* :func:`pool_by` pools the campaigns of each content type with a random-effects
  meta-analysis (DerSimonian–Laird, Paule–Mandel or REML heterogeneity) and, by default, the
  Hartung–Knapp–Sidik–Jonkman interval, which stays honest with few campaigns;
* :func:`compare_groups` answers "do podcasts lift branded search more than short videos?";
* :func:`forest_data` lists the campaigns and pooled estimates a forest plot shows;
  :func:`forest_plot` draws them (through :func:`darksocial.plotting.plot_forest`).

The same table (campaign, metric, estimate, lower, upper) is the input a per-campaign
scorecard needs: pivot it on ``metric``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import optimize, stats

from darksocial.config import ALPHA
from darksocial.errors import DataValidationError, ParameterError
from darksocial.formatting import percent
from darksocial.plotting import plot_forest
from darksocial.validation import check_alpha

__all__ = [
    "campaign_table",
    "compare_groups",
    "forest_data",
    "forest_plot",
    "pool_by",
    "random_effects",
]

_REQUIRED = ("campaign", "estimate")
_DEFAULT_METRIC = "effect"


def _z(alpha: float) -> float:
    return float(stats.norm.ppf(1 - alpha / 2))


def campaign_table(estimates: pd.DataFrame, *, alpha: float = ALPHA) -> pd.DataFrame:
    """Validate per-campaign estimates and add intervals, significance and cost per unit.

    Parameters
    ----------
    estimates : pandas.DataFrame
        One row per campaign and metric. Required columns: ``campaign`` and ``estimate``,
        plus ``std_err`` or both ``lower`` and ``upper``. Optional: ``metric`` (default
        ``"effect"``), ``content_type``, ``spend`` (same currency for every row); other
        columns are kept. Not modified.
    alpha : float, default 0.05
        Level of the given intervals (``lower``/``upper`` are ``1 - alpha`` intervals) and
        of the ones computed from ``std_err``.

    Returns
    -------
    pandas.DataFrame
        Columns ``campaign``, ``metric``, ``content_type``, ``estimate``, ``std_err``,
        ``lower``, ``upper``, ``significant`` (interval excludes 0), ``spend``,
        ``cost_per_unit`` (spend / estimate: the cost of one incremental unit, NaN when the
        estimate is not positive), ``cost_per_unit_low`` and ``cost_per_unit_high``
        (spend / upper and spend / lower; ``inf`` when the interval reaches 0), then any
        other input columns. Sorted by metric, content type and decreasing estimate.

    Raises
    ------
    DataValidationError
        If a required column is missing, a value is not a finite number, a standard error
        is not positive, or a campaign appears twice for one metric.

    Notes
    -----
    A missing ``std_err`` is recovered as ``(upper - lower) / (2 z)``, which assumes a
    symmetric normal interval; pass ``std_err`` when the interval is asymmetric.
    """
    alpha = check_alpha(alpha)
    if not isinstance(estimates, pd.DataFrame):
        raise DataValidationError(
            f"estimates must be a DataFrame with one row per campaign, got {type(estimates).__name__}"
        )
    cols = list(estimates.columns)
    missing = [c for c in _REQUIRED if c not in cols]
    has_se = "std_err" in cols
    has_ci = "lower" in cols and "upper" in cols
    if missing or not (has_se or has_ci):
        need = missing + ([] if has_se or has_ci else ["std_err (or lower and upper)"])
        raise DataValidationError(
            f"campaign estimates need column(s) {', '.join(need)}; the table has {cols}"
        )
    out = estimates.copy()
    if "metric" not in cols:
        out["metric"] = _DEFAULT_METRIC
    if "content_type" not in cols:
        out["content_type"] = "all"
    if "spend" not in cols:
        out["spend"] = np.nan
    numeric = (
        ["estimate"] + (["std_err"] if has_se else []) + (["lower", "upper"] if has_ci else [])
    )
    for col in [*numeric, "spend"]:
        try:
            out[col] = pd.to_numeric(out[col], errors="raise").astype(float)
        except (ValueError, TypeError):
            raise DataValidationError(
                f"column {col!r} of the campaign estimates must be numeric; fix or drop the "
                "non-numeric values"
            ) from None
    for col in numeric:
        bad = out.loc[~np.isfinite(out[col]), "campaign"].tolist()
        if bad:
            raise DataValidationError(
                f"column {col!r} is missing or infinite for campaign(s) {bad}; drop those rows "
                "or fill them"
            )
    z = _z(alpha)
    if not has_se:
        out["std_err"] = (out["upper"] - out["lower"]) / (2 * z)
    if not has_ci:
        out["lower"] = out["estimate"] - z * out["std_err"]
        out["upper"] = out["estimate"] + z * out["std_err"]
    bad = out.loc[~(out["std_err"] > 0), "campaign"].tolist()
    if bad:
        raise DataValidationError(
            f"campaign(s) {bad} have a standard error <= 0 (or lower >= upper); every "
            "estimate needs a positive uncertainty"
        )
    dup = out.duplicated(["campaign", "metric"], keep=False)
    if dup.any():
        raise DataValidationError(
            f"campaign(s) {sorted(set(out.loc[dup, 'campaign']))} appear more than once for "
            "the same metric; keep one row per campaign and metric"
        )
    out["significant"] = (out["lower"] > 0) | (out["upper"] < 0)
    spend = out["spend"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["cost_per_unit"] = np.where(out["estimate"] > 0, spend / out["estimate"], np.nan)
        out["cost_per_unit_low"] = np.where(out["upper"] > 0, spend / out["upper"], np.nan)
        out["cost_per_unit_high"] = np.where(
            out["lower"] > 0, spend / out["lower"], np.where(out["upper"] > 0, np.inf, np.nan)
        )
    first = [
        "campaign",
        "metric",
        "content_type",
        "estimate",
        "std_err",
        "lower",
        "upper",
        "significant",
        "spend",
        "cost_per_unit",
        "cost_per_unit_low",
        "cost_per_unit_high",
    ]
    out = out[first + [c for c in out.columns if c not in first]]
    out = out.sort_values(
        ["metric", "content_type", "estimate"], ascending=[True, True, False], kind="stable"
    )
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- meta-analysis
def _tau2_dl(y: np.ndarray, v: np.ndarray) -> float:
    w = 1 / v
    mean_fe = np.sum(w * y) / np.sum(w)
    q = np.sum(w * (y - mean_fe) ** 2)
    c = np.sum(w) - np.sum(w**2) / np.sum(w)
    return max(0.0, (q - (len(y) - 1)) / c)


def _tau2_pm(y: np.ndarray, v: np.ndarray) -> float:
    # Paule–Mandel: the tau² at which the generalised Q equals its degrees of freedom.
    k = len(y)

    def excess(tau2: float) -> float:
        w = 1 / (v + tau2)
        mean = np.sum(w * y) / np.sum(w)
        return np.sum(w * (y - mean) ** 2) - (k - 1)

    if excess(0.0) <= 0:
        return 0.0
    hi = max(np.var(y, ddof=1), 1e-12)
    while excess(hi) > 0:
        hi *= 2
    return float(optimize.brentq(excess, 0.0, hi, xtol=1e-14))


def _tau2_reml(y: np.ndarray, v: np.ndarray) -> float:
    def neg_restricted_loglik(tau2: float) -> float:
        w = 1 / (v + tau2)
        mean = np.sum(w * y) / np.sum(w)
        return 0.5 * (np.sum(np.log(v + tau2)) + np.log(np.sum(w)) + np.sum(w * (y - mean) ** 2))

    hi = 10 * max(np.var(y, ddof=1), np.max(v))
    res = optimize.minimize_scalar(
        neg_restricted_loglik, bounds=(0.0, hi), method="bounded", options={"xatol": 1e-12}
    )
    tau2 = float(res.x)
    # The bounded search never lands exactly on the boundary: compare with tau² = 0.
    return 0.0 if neg_restricted_loglik(0.0) <= res.fun else tau2


_TAU2 = {"DL": _tau2_dl, "PM": _tau2_pm, "REML": _tau2_reml}


def random_effects(
    estimates: Sequence[float],
    std_errs: Sequence[float],
    *,
    method: Literal["DL", "PM", "REML"] = "DL",
    hksj: Literal["modified", "standard", "none"] = "modified",
    alpha: float = ALPHA,
) -> pd.Series:
    """Pool estimates with a random-effects meta-analysis.

    Parameters
    ----------
    estimates : sequence of float
        One effect per study (campaign).
    std_errs : sequence of float
        Their standard errors (positive).
    method : {"DL", "PM", "REML"}, default "DL"
        Estimator of the between-campaign variance tau²: DerSimonian–Laird, Paule–Mandel
        or restricted maximum likelihood.
    hksj : {"modified", "standard", "none"}, default "modified"
        Interval of the pooled estimate. ``"standard"``: Hartung–Knapp–Sidik–Jonkman, a
        t interval with ``k - 1`` degrees of freedom and the variance scaled by the
        weighted residual mean square ``q``. ``"modified"``: the same with ``q`` floored at
        1, so the interval is never narrower than the normal one (recommended with few
        campaigns). ``"none"``: the classical normal interval.
    alpha : float, default 0.05
        Intervals have coverage ``1 - alpha``.

    Returns
    -------
    pandas.Series
        ``k``, ``estimate``, ``std_err``, ``lower``, ``upper``, ``df`` (inf for the
        normal interval), ``p_value`` (against 0), ``tau2``, ``tau``, ``q`` (Cochran's Q),
        ``q_pvalue``, ``i2`` (share of variation due to heterogeneity), ``pi_lower`` and
        ``pi_upper`` (prediction interval for a new campaign, t with ``k - 2`` df; NaN
        when ``k < 3``), ``fe_estimate`` and ``fe_std_err`` (fixed effect).

    Raises
    ------
    DataValidationError
        If fewer than 2 estimates are given, or a standard error is not positive.
    ParameterError
        If ``method`` or ``hksj`` is unknown.

    Notes
    -----
    DerSimonian–Laird: with weights ``w_i = 1 / s_i²``, the fixed-effect mean
    ``m = Σ w_i y_i / Σ w_i``, ``Q = Σ w_i (y_i - m)²`` and ``C = Σ w_i - Σ w_i² / Σ w_i``,
    ``tau² = max(0, (Q - (k - 1)) / C)``. The pooled estimate uses weights
    ``1 / (s_i² + tau²)``. ``I² = max(0, (Q - (k - 1)) / Q)``.
    """
    alpha = check_alpha(alpha)
    if method not in _TAU2:
        raise ParameterError(f"method must be one of {sorted(_TAU2)}, got {method!r}")
    if hksj not in ("modified", "standard", "none"):
        raise ParameterError(f"hksj must be 'modified', 'standard' or 'none', got {hksj!r}")
    y = np.asarray(estimates, dtype=float)
    se = np.asarray(std_errs, dtype=float)
    if y.shape != se.shape or y.ndim != 1:
        raise DataValidationError("estimates and std_errs must be two lists of the same length")
    k = len(y)
    if k < 2:
        raise DataValidationError(
            f"a pooled estimate needs at least 2 campaigns, got {k}; report the single "
            "campaign on its own"
        )
    if not (np.all(np.isfinite(y)) and np.all(np.isfinite(se)) and np.all(se > 0)):
        raise DataValidationError("every estimate must be finite and every std_err positive")
    v = se**2
    w = 1 / v
    fe = np.sum(w * y) / np.sum(w)
    fe_se = np.sqrt(1 / np.sum(w))
    q = float(np.sum(w * (y - fe) ** 2))
    q_pvalue = float(stats.chi2.sf(q, k - 1))
    i2 = max(0.0, (q - (k - 1)) / q) if q > 0 else 0.0
    tau2 = _TAU2[method](y, v)
    w_re = 1 / (v + tau2)
    est = float(np.sum(w_re * y) / np.sum(w_re))
    se_re = float(np.sqrt(1 / np.sum(w_re)))
    if hksj == "none":
        df = np.inf
        std_err = se_re
        crit = _z(alpha)
    else:
        scale = float(np.sum(w_re * (y - est) ** 2) / (k - 1))
        if hksj == "modified":
            scale = max(scale, 1.0)
        df = k - 1
        std_err = se_re * np.sqrt(scale)
        crit = float(stats.t.ppf(1 - alpha / 2, df))
    p_value = float(2 * stats.t.sf(abs(est / std_err), df))
    if k >= 3:
        half = stats.t.ppf(1 - alpha / 2, k - 2) * np.sqrt(tau2 + std_err**2)
        pi_lower, pi_upper = est - half, est + half
    else:
        pi_lower = pi_upper = np.nan
    return pd.Series(
        {
            "k": k,
            "estimate": est,
            "std_err": std_err,
            "lower": est - crit * std_err,
            "upper": est + crit * std_err,
            "df": float(df),
            "p_value": p_value,
            "tau2": tau2,
            "tau": float(np.sqrt(tau2)),
            "q": q,
            "q_pvalue": q_pvalue,
            "i2": i2,
            "pi_lower": pi_lower,
            "pi_upper": pi_upper,
            "fe_estimate": float(fe),
            "fe_std_err": float(fe_se),
        }
    )


def pool_by(
    estimates: pd.DataFrame,
    *,
    by: str = "content_type",
    method: Literal["DL", "PM", "REML"] = "DL",
    hksj: Literal["modified", "standard", "none"] = "modified",
    alpha: float = ALPHA,
) -> pd.DataFrame:
    """Pool campaign estimates per group (content type) and metric.

    Parameters
    ----------
    estimates : pandas.DataFrame
        Per-campaign estimates, as accepted by :func:`campaign_table`.
    by : str, default "content_type"
        Column defining the groups to pool.
    method : {"DL", "PM", "REML"}, default "DL"
        Estimator of the between-campaign variance; see :func:`random_effects`.
    hksj : {"modified", "standard", "none"}, default "modified"
        Interval type; see :func:`random_effects`.
    alpha : float, default 0.05
        Level of the input intervals and of the pooled ones.

    Returns
    -------
    pandas.DataFrame
        One row per metric and group: ``metric``, ``by``, the columns of
        :func:`random_effects`, ``spend`` (total), ``method``, ``interval``, ``fragile``
        (True when ``k < 3``) and ``note`` (a plain-language warning, empty when none).

    Raises
    ------
    DataValidationError
        If ``by`` is not a column, or a group has fewer than 2 campaigns (the message names
        them: drop them or merge similar content types).
    ParameterError
        If ``method``, ``hksj`` or ``alpha`` is invalid.
    """
    alpha = check_alpha(alpha)
    if not isinstance(estimates, pd.DataFrame) or by not in estimates.columns:
        cols = list(getattr(estimates, "columns", []))
        raise DataValidationError(
            f"cannot pool by {by!r}: no such column (columns: {cols}); pass by= naming the "
            "group column"
        )
    table = campaign_table(estimates, alpha=alpha)
    sizes = table.groupby(["metric", by], sort=True).size()
    small = sizes[sizes < 2]
    if not small.empty:
        names = ", ".join(f"{g!r} ({m}: {n} campaign)" for (m, g), n in small.items())
        raise DataValidationError(
            f"pooling needs at least 2 campaigns per group; {names}; drop these rows or merge "
            f"them into a similar {by}"
        )
    rows = []
    interval = {
        "modified": "HKSJ t(k-1), q floored at 1",
        "standard": "HKSJ t(k-1)",
        "none": "normal",
    }[hksj]
    for (metric, group), part in table.groupby(["metric", by], sort=True):
        res = random_effects(
            part["estimate"], part["std_err"], method=method, hksj=hksj, alpha=alpha
        )
        k = int(res["k"])
        notes = []
        if k < 3:
            notes.append(f"only {k} campaigns: the pooled estimate is fragile")
        if k >= 2 and res["i2"] > 0.5:
            notes.append(f"campaigns disagree (I² = {percent(res['i2'], signed=False)})")
        row = {"metric": metric, by: group, **res.to_dict()}
        row.update(
            k=k,
            spend=float(part["spend"].sum(min_count=1)),
            method=method,
            interval=interval,
            fragile=k < 3,
            note="; ".join(notes),
        )
        rows.append(row)
    return pd.DataFrame(rows)


def compare_groups(
    pooled: pd.DataFrame,
    first: str,
    second: str,
    *,
    by: str = "content_type",
    metric: str | None = None,
    alpha: float = ALPHA,
) -> pd.Series:
    """Compare the pooled estimates of two groups ("podcast minus short video").

    Parameters
    ----------
    pooled : pandas.DataFrame
        Output of :func:`pool_by`.
    first, second : str
        The two groups (values of ``by``); the difference is ``first - second``.
    by : str, default "content_type"
        Group column used in :func:`pool_by`.
    metric : str, optional
        Metric to compare; required when ``pooled`` holds several metrics.
    alpha : float, default 0.05
        Interval coverage ``1 - alpha``.

    Returns
    -------
    pandas.Series
        ``difference``, ``std_err``, ``df`` (Welch–Satterthwaite from the two groups'
        degrees of freedom), ``lower``, ``upper`` and ``p_value``.

    Raises
    ------
    DataValidationError
        If a group or metric is not in ``pooled``.
    """
    alpha = check_alpha(alpha)
    if metric is None:
        metrics = pooled["metric"].unique()
        if len(metrics) > 1:
            raise DataValidationError(
                f"pooled holds several metrics {list(metrics)}; pass metric= to choose one"
            )
        metric = metrics[0]
    part = pooled[pooled["metric"] == metric].set_index(by)
    for g in (first, second):
        if g not in part.index:
            raise DataValidationError(
                f"{by} {g!r} is not in the pooled table for metric {metric!r} "
                f"(found {list(part.index)})"
            )
    a, b = part.loc[first], part.loc[second]
    diff = a["estimate"] - b["estimate"]
    va, vb = a["std_err"] ** 2, b["std_err"] ** 2
    se = float(np.sqrt(va + vb))
    df_a, df_b = float(a["df"]), float(b["df"])
    if np.isinf(df_a) and np.isinf(df_b):
        df = np.inf
    else:
        df = (va + vb) ** 2 / (va**2 / df_a + vb**2 / df_b)
    crit = float(stats.t.ppf(1 - alpha / 2, df))
    return pd.Series(
        {
            "difference": float(diff),
            "std_err": se,
            "df": float(df),
            "lower": float(diff - crit * se),
            "upper": float(diff + crit * se),
            "p_value": float(2 * stats.t.sf(abs(diff) / se, df)),
        },
        name=f"{first} - {second}",
    )


# --------------------------------------------------------------------------- forest plot data
def forest_data(
    table: pd.DataFrame,
    *,
    pooled: pd.DataFrame | None = None,
    by: str = "content_type",
    metric: str | None = None,
) -> pd.DataFrame:
    """Return the rows a forest plot draws, with their y positions.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`campaign_table` (or input accepted by it).
    pooled : pandas.DataFrame, optional
        Output of :func:`pool_by`; each group's pooled estimate follows its campaigns.
    by : str, default "content_type"
        Group column.
    metric : str, optional
        Metric to draw; required when the table holds several metrics.

    Returns
    -------
    pandas.DataFrame
        Columns ``label``, ``group``, ``kind`` (``"campaign"`` or ``"pooled"``), ``y``
        (0 at the top, increasing downwards), ``estimate``, ``lower``, ``upper``.

    Raises
    ------
    DataValidationError
        If several metrics are present and ``metric`` is not given, or the metric is
        unknown.
    """
    table = campaign_table(table) if "significant" not in table.columns else table
    metrics = list(table["metric"].unique())
    if metric is None:
        if len(metrics) > 1:
            raise DataValidationError(
                f"the table holds several metrics {metrics}; pass metric= to draw one"
            )
        metric = metrics[0]
    if metric not in metrics:
        raise DataValidationError(f"metric {metric!r} is not in the table (found {metrics})")
    part = table[table["metric"] == metric]
    rows = []
    for group, grp in part.groupby(by, sort=True):
        for _, r in grp.iterrows():
            rows.append(
                {
                    "label": str(r["campaign"]),
                    "group": group,
                    "kind": "campaign",
                    "estimate": r["estimate"],
                    "lower": r["lower"],
                    "upper": r["upper"],
                }
            )
        if pooled is not None:
            hit = pooled[(pooled["metric"] == metric) & (pooled[by] == group)]
            for _, p in hit.iterrows():
                rows.append(
                    {
                        "label": f"Pooled {group} (k={int(p['k'])})",
                        "group": group,
                        "kind": "pooled",
                        "estimate": p["estimate"],
                        "lower": p["lower"],
                        "upper": p["upper"],
                    }
                )
    out = pd.DataFrame(rows, columns=["label", "group", "kind", "estimate", "lower", "upper"])
    out.insert(3, "y", np.arange(len(out), dtype=float))
    out.attrs["metric"] = metric
    return out


def forest_plot(
    table: pd.DataFrame,
    *,
    pooled: pd.DataFrame | None = None,
    by: str = "content_type",
    metric: str | None = None,
    color: str | None = None,
    ax: Any = None,
) -> Any:
    """Draw a forest plot of :func:`forest_data`: one interval per campaign, a diamond per group.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`campaign_table`.
    pooled : pandas.DataFrame, optional
        Output of :func:`pool_by`; drawn as diamonds under each group's campaigns.
    by : str, default "content_type"
        Group column.
    metric : str, optional
        Metric to draw; required when the table holds several metrics.
    color, ax
        As in :func:`darksocial.plotting.plot_forest`, which draws it.

    Returns
    -------
    matplotlib.axes.Axes
    """
    data = forest_data(table, pooled=pooled, by=by, metric=metric)
    return plot_forest(data, color=color, ax=ax)

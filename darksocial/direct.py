"""Deep-page direct traffic as a dark-social proxy, with an organic-search leakage adjustment.

Direct sessions that land on a deep page (an article, a product page: a URL nobody
types) are the classic dark-social proxy (Madrigal 2012). Groupon's de-indexing test
(2014) showed that a good part of them is organic search whose referrer was stripped, so
the workbench models

    dark_social_t = deep_direct_t - alpha * organic_t

where ``alpha * organic_t`` is the *organic leakage*: the deep-direct sessions that move
with organic search. The baseline is not subtracted here; the ITS engine's
counterfactual plays that role when the series is analysed with :func:`fit_direct`.

* :func:`dark_social_series` builds the daily frame (deep direct, leakage, dark social),
  estimating ``alpha`` on a pre-period or taking a user-given value;
* :func:`fit_direct` picks a direct series and its controls and calls
  :func:`darksocial.its.fit`, like the branded-search analysis.

Which organic series drives the leakage matters. Branded search is organic search too,
and a campaign that works lifts it, so subtracting ``alpha`` times *total* organic would
remove part of the real dark-social lift. The default driver is therefore Search
Console's *non-branded* clicks, which campaigns about the brand should not move.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from darksocial.config import ALPHA
from darksocial.errors import DataValidationError, ParameterError
from darksocial.formatting import figures, percent
from darksocial.validation import as_date, as_numeric

__all__ = ["MIN_LEAKAGE_DAYS", "dark_social_series", "fit_direct"]

#: Fewest pre-period days with both deep direct and organic observed before ``alpha`` is
#: estimated: eight weeks, so each weekday dummy rests on at least eight days.
MIN_LEAKAGE_DAYS = 56

#: Organic columns tried, in order, when ``organic`` is a whole frame: Search Console
#: non-branded clicks first (campaigns should not move them), GA4 organic search second.
ORGANIC_COLUMNS = ("nonbranded_clicks", "organic_search")

_SERIES = {
    "deep": "deep_direct_sessions",
    "total": "direct_sessions",
    "dark_social": "dark_social",
}


# --------------------------------------------------------------------------- inputs
def _is_sources(obj: Any) -> bool:
    return hasattr(obj, "direct_landing") and hasattr(obj, "search_console")


def _daily(series: pd.Series, what: str) -> pd.Series:
    """Return a float Series on a regular daily index, or raise a one-line error."""
    if not isinstance(series.index, pd.DatetimeIndex):
        raise DataValidationError(
            f"{what} must be indexed by date (a DatetimeIndex); load it with darksocial.io "
            "or set df.index = pd.to_datetime(df['date'])."
        )
    idx = series.index.tz_localize(None) if series.index.tz is not None else series.index
    series = series.set_axis(idx)
    if idx.has_duplicates:
        raise DataValidationError(
            f"{what} has duplicated dates (first {idx[idx.duplicated()][0].date()}); "
            "aggregate them first, e.g. df.groupby(level=0).sum()."
        )
    series = series.sort_index()
    if len(series) > 1:
        steps = series.index.to_series().diff().dropna()
        if not (steps == pd.Timedelta(days=1)).all():
            raise DataValidationError(
                f"{what} is not one row per day; insert missing days as NaN with "
                ".asfreq('D') (a weekly export cannot be used for deep-page direct)."
            )
    return as_numeric(series, what)


def _direct_column(direct_landing: Any, column: str) -> pd.Series:
    if isinstance(direct_landing, pd.Series):
        if column != "deep_direct_sessions":
            raise DataValidationError(
                f"a single Series is taken as deep direct sessions; pass the direct_landing "
                f"frame (with a {column!r} column) for series={column!r}."
            )
        return _daily(direct_landing.rename("deep_direct_sessions"), "direct_landing")
    if not isinstance(direct_landing, pd.DataFrame):
        raise DataValidationError(
            "direct_landing must be the frame from darksocial.io.load_direct_landing, a "
            f"Series of deep direct sessions or a Sources object, not {type(direct_landing)}."
        )
    if column not in direct_landing.columns:
        raise DataValidationError(
            f"direct_landing has no {column!r} column (it has {list(direct_landing.columns)}); "
            "load the GA4 'Landing page' report with darksocial.io.load_direct_landing."
        )
    return _daily(direct_landing[column], "direct_landing")


def _organic_driver(organic: Any) -> pd.Series:
    if isinstance(organic, pd.Series):
        name = organic.name if organic.name is not None else "organic"
        return _daily(organic.rename(name), "organic")
    if isinstance(organic, pd.DataFrame):
        for col in ORGANIC_COLUMNS:
            if col in organic.columns:
                return _daily(organic[col], f"organic column {col!r}")
        raise DataValidationError(
            f"organic has none of the columns {list(ORGANIC_COLUMNS)} (it has "
            f"{list(organic.columns)}); pass the Search Console frame or one Series."
        )
    raise DataValidationError(
        "organic must be a Series of daily organic search sessions or clicks (e.g. "
        "sources.search_console['nonbranded_clicks']) or a loader frame."
    )


# --------------------------------------------------------------------------- leakage
def _estimate_alpha(
    deep: pd.Series,
    organic: pd.Series,
    *,
    pre_end: pd.Timestamp | None,
    seasonality: Any,
    holidays: Any,
    alpha_level: float,
) -> dict:
    """Regress deep direct on organic over the pre-period with trend and seasonality."""
    from statsmodels.regression.linear_model import OLS

    from darksocial.its.design import holiday_columns, seasonal_columns
    from darksocial.its.models import newey_west_lags

    index = deep.index
    pre = index < pre_end if pre_end is not None else np.ones(len(index), dtype=bool)
    ok = pre & deep.notna().to_numpy() & organic.notna().to_numpy()
    n = int(ok.sum())
    if n < MIN_LEAKAGE_DAYS:
        where = f"before {pre_end.date()}" if pre_end is not None else "in the data"
        raise DataValidationError(
            f"only {n} days {where} have both deep direct and organic values; estimating the "
            f"leakage needs {MIN_LEAKAGE_DAYS}: load more history or give leakage=<number>."
        )
    rows = index[ok]
    span_years = (rows[-1] - rows[0]).days / 365.25
    X = pd.DataFrame({"const": 1.0, "trend": np.arange(len(index), dtype=float)}, index=index)
    seas = seasonal_columns(index, seasonality, freq="D", fit_span_years=span_years)
    hol = holiday_columns(index, holidays, freq="D")
    X = pd.concat([X, seas, hol], axis=1)
    X["organic"] = organic.to_numpy()
    X = X.loc[ok]
    # a regressor constant on the pre-period (no holiday in it) cannot be estimated
    X = X[[c for c in X.columns if c == "const" or X[c].std() > 0]]
    if "organic" not in X.columns:
        raise DataValidationError(
            "the organic series is constant over the pre-period; it cannot explain deep "
            "direct: check the column, or give leakage=<number>."
        )
    maxlags = newey_west_lags(n)
    res = OLS(deep.to_numpy()[ok], X.to_numpy()).fit(
        cov_type="HAC", cov_kwds={"maxlags": maxlags, "use_correction": True}
    )
    j = list(X.columns).index("organic")
    est, se = float(res.params[j]), float(res.bse[j])
    z = float(stats.norm.ppf(1 - alpha_level / 2))
    return {
        "estimate": est,
        "std_err": se,
        "lower": est - z * se,
        "upper": est + z * se,
        "p_value": float(2 * stats.norm.sf(abs(est / se))) if se > 0 else float("nan"),
        "n": n,
        "pre_start": rows[0],
        "pre_last": rows[-1],
        "hac_maxlags": maxlags,
        "terms": [c for c in X.columns if c != "organic"],
    }


def dark_social_series(
    direct_landing: Any,
    *,
    organic: pd.Series | pd.DataFrame | None = None,
    leakage: Literal["estimate"] | float | None = "estimate",
    pre_end: str | pd.Timestamp | None = None,
    seasonality: Any = "auto",
    holidays: Any = None,
    alpha: float = ALPHA,
) -> pd.DataFrame:
    """Daily deep-page direct sessions, their organic leakage and the dark-social remainder.

    Parameters
    ----------
    direct_landing : pandas.DataFrame, pandas.Series or Sources
        The frame of :func:`darksocial.io.load_direct_landing` (column
        ``deep_direct_sessions``), a Series of daily deep direct sessions, or the
        :class:`darksocial.io.Sources` of :func:`darksocial.io.load_sample` (then
        ``organic`` defaults to its Search Console ``nonbranded_clicks``). Not modified.
    organic : pandas.Series or pandas.DataFrame, optional
        Daily driver of the leakage. A frame is searched for ``nonbranded_clicks``
        (Search Console) then ``organic_search`` (GA4 channels). Prefer non-branded
        organic: see Notes. Required unless ``leakage=None`` or ``direct_landing`` is a
        Sources object.
    leakage : "estimate", float or None, default "estimate"
        ``"estimate"``: ``alpha`` from an OLS regression of deep direct on the driver over
        the pre-period, with a linear trend, ``seasonality`` and ``holidays`` as controls
        and Newey-West (HAC) standard errors. A number: that ``alpha`` (deep-direct
        sessions per organic session or click; Groupon's test suggests a few tenths when
        the driver is all organic search). ``None``: no adjustment, ``dark_social`` equals
        deep direct.
    pre_end : str or pandas.Timestamp, optional
        Dates strictly before ``pre_end`` form the pre-period used to estimate ``alpha``;
        pass the first campaign's launch date, so that campaign lifts cannot leak into the
        estimate. Default: every date (stated in ``attrs["leakage_note"]``).
    seasonality : None, "auto" or list, default "auto"
        Seasonal controls of the ``alpha`` regression, as in :func:`darksocial.its.fit`
        (``"auto"``: weekday dummies, plus yearly Fourier terms when the pre-period spans
        at least 1.5 years).
    holidays : None, str or list of dates, optional
        Holiday control of the ``alpha`` regression (a country code such as ``"FR"``).
    alpha : float, default 0.05
        Significance level of the interval of the estimated leakage coefficient (not to
        be confused with the coefficient itself, reported as ``leakage_alpha``).

    Returns
    -------
    pandas.DataFrame
        Daily index ``date``; columns ``deep_direct_sessions``, ``organic`` (the driver,
        NaN without one), ``organic_leakage`` (``leakage_alpha * organic``),
        ``dark_social`` (deep direct minus leakage) and ``missing`` (``dark_social`` is
        NaN: an outage in either input). ``attrs`` holds ``leakage_alpha``,
        ``leakage_method`` (``"estimated"``, ``"given"`` or ``"none"``),
        ``leakage_std_err``, ``leakage_lower``, ``leakage_upper``, ``leakage_p_value``
        (NaN unless estimated), ``leakage_raw`` (the estimate before clipping at 0),
        ``leakage_driver``, ``pre_start``, ``pre_end`` (last pre-period day used), ``n_pre``,
        ``leakage_share`` (leakage / deep direct over the pre-period) and
        ``leakage_note`` (one plain sentence).

    Raises
    ------
    DataValidationError
        If an input is not a daily series, lacks the expected column, or the pre-period
        holds fewer than :data:`MIN_LEAKAGE_DAYS` usable days.
    ParameterError
        If ``leakage`` is not ``"estimate"``, a non-negative number or None, or needs an
        ``organic`` series that was not given.

    Notes
    -----
    The adjustment removes the part of deep direct that co-moves with the driver, day to
    day, after trend and seasonality. Two consequences:

    * Branded search is organic search, and a campaign that works lifts it. Adjusting
      with total organic (GA4 ``organic_search``) would then subtract part of the real
      dark-social lift during the campaign. Non-branded Search Console clicks are the
      default driver because brand campaigns should not move them; check that with an ITS
      on the driver itself when in doubt.
    * A demand shock that moves both series (a sunny week, a news story) also looks like
      leakage, so an estimated ``alpha`` is an upper bound of the true leakage rate; a
      negative estimate is clipped to 0 (no evidence of leakage). A value from a
      de-indexing incident or an experiment, given as ``leakage=<number>``, is better.

    In a *linear* ITS the adjustment and a control are close cousins: analysing
    ``dark_social`` with the driver as a control again would let the model re-estimate
    the coefficient and undo the fixed ``alpha``; :func:`fit_direct` therefore uses no
    control for ``series="dark_social"`` by default. Relative effects on ``dark_social``
    are relative to a smaller baseline (deep direct minus leakage), so they are larger
    than on raw deep direct for the same number of extra sessions.

    Examples
    --------
    >>> from darksocial.io import load_sample
    >>> from darksocial.direct import dark_social_series
    >>> s = load_sample()
    >>> frame = dark_social_series(s, pre_end=s.campaigns["launch"].min())
    >>> frame.attrs["leakage_driver"]
    'nonbranded_clicks'
    """
    if not 0 < alpha < 1:
        raise ParameterError(f"alpha={alpha} must be between 0 and 1, e.g. 0.05.")
    if _is_sources(direct_landing):
        if organic is None:
            organic = direct_landing.search_console["nonbranded_clicks"]
        direct_landing = direct_landing.direct_landing
    deep = _direct_column(direct_landing, "deep_direct_sessions")
    if not (isinstance(leakage, str) and leakage == "estimate") and leakage is not None:
        if isinstance(leakage, bool) or not isinstance(leakage, int | float | np.number):
            raise ParameterError(
                f"leakage={leakage!r} is not understood; use 'estimate', a number such as "
                "0.3, or None for no adjustment."
            )
        if not np.isfinite(leakage) or leakage < 0:
            raise ParameterError(
                f"leakage={leakage} must be a finite number >= 0 (deep-direct sessions per "
                "organic session), e.g. 0.3."
            )
    elif isinstance(leakage, str) and leakage != "estimate":
        raise ParameterError(
            f"leakage={leakage!r} is not understood; use 'estimate', a number or None."
        )
    if leakage is not None and organic is None:
        raise ParameterError(
            "the leakage adjustment needs organic=<daily series>, e.g. "
            "organic=sources.search_console['nonbranded_clicks']; or pass leakage=None."
        )
    pre_ts = None
    if pre_end is not None:
        pre_ts = as_date(pre_end, "pre_end")
        if not deep.index[0] < pre_ts <= deep.index[-1] + pd.Timedelta(days=1):
            raise ParameterError(
                f"pre_end={pre_ts.date()} is outside the data ({deep.index[0].date()} to "
                f"{deep.index[-1].date()}); pass the first campaign launch date."
            )

    if organic is not None:
        drv = _organic_driver(organic)
        driver_name = str(drv.name)
        overlap = drv.index.intersection(deep.index)
        if len(overlap) == 0:
            raise DataValidationError(
                f"organic ({drv.index[0].date()} to {drv.index[-1].date()}) does not overlap "
                f"deep direct ({deep.index[0].date()} to {deep.index[-1].date()}); load the "
                "same period."
            )
        drv = drv.reindex(deep.index)
    else:
        drv = pd.Series(np.nan, index=deep.index, name="organic")
        driver_name = None

    info: dict[str, Any] = {
        "std_err": np.nan,
        "lower": np.nan,
        "upper": np.nan,
        "p_value": np.nan,
    }
    if leakage is None:
        method, coef, raw = "none", 0.0, 0.0
    elif isinstance(leakage, str):
        method = "estimated"
        info = _estimate_alpha(
            deep, drv, pre_end=pre_ts, seasonality=seasonality, holidays=holidays,
            alpha_level=alpha,
        )  # fmt: skip
        raw = info["estimate"]
        coef = max(raw, 0.0)
    else:
        method, coef, raw = "given", float(leakage), float(leakage)

    leak = coef * drv if method != "none" else pd.Series(0.0, index=deep.index)
    dark = deep - leak
    out = pd.DataFrame(
        {
            "deep_direct_sessions": deep,
            "organic": drv.to_numpy(),
            "organic_leakage": leak.to_numpy(),
            "dark_social": dark.to_numpy(),
        },
        index=deep.index,
    )
    out.index.name = "date"
    out["missing"] = out["dark_social"].isna()
    out.index.freq = "D" if len(out) > 1 else None

    pre_mask = out.index < pre_ts if pre_ts is not None else np.ones(len(out), dtype=bool)
    ok = pre_mask & ~out["missing"].to_numpy()
    deep_pre = float(out.loc[ok, "deep_direct_sessions"].sum())
    share = float(out.loc[ok, "organic_leakage"].sum()) / deep_pre if deep_pre > 0 else np.nan
    pre_rows = out.index[ok]
    out.attrs.update(
        {
            "leakage_alpha": float(coef),
            "leakage_method": method,
            "leakage_std_err": float(info["std_err"]),
            "leakage_lower": float(info["lower"]),
            "leakage_upper": float(info["upper"]),
            "leakage_p_value": float(info["p_value"]),
            "leakage_raw": float(raw),
            "leakage_driver": driver_name,
            "pre_start": pre_rows[0] if len(pre_rows) else None,
            "pre_end": pre_rows[-1] if len(pre_rows) else None,
            "n_pre": int(len(pre_rows)),
            "leakage_share": share,
            "confidence": 1 - alpha,
        }
    )
    out.attrs["leakage_note"] = _note(out.attrs, pre_ts)
    return out


def _note(a: Mapping[str, Any], pre_ts: pd.Timestamp | None) -> str:
    if a["leakage_method"] == "none":
        return "No leakage adjustment: dark social is all deep-page direct traffic."
    share = (
        percent(a["leakage_share"], signed=False)
        if np.isfinite(a["leakage_share"])
        else "an unknown share"
    )
    driver = a["leakage_driver"]
    if a["leakage_method"] == "given":
        return (
            f"Leakage set to {figures(a['leakage_alpha'], 3)} deep-direct sessions per {driver} unit, "
            f"{share} of deep-page direct traffic before the campaigns."
        )
    level = f"{a['confidence']:.0%}"
    where = (
        f"before {pre_ts.date()}"
        if pre_ts is not None
        else "over all dates (campaign periods included; pass pre_end=<first launch>)"
    )
    clipped = (
        f" The raw estimate {figures(a['leakage_raw'], 3)} was negative and is set to 0."
        if a["leakage_raw"] < 0
        else ""
    )
    return (
        f"Leakage estimated {where}: {figures(a['leakage_alpha'], 3)} deep-direct sessions per "
        f"{driver} unit ({level} interval {figures(a['leakage_lower'], 3)} to "
        f"{figures(a['leakage_upper'], 3)}), "
        f"{share} of deep-page direct traffic.{clipped} Demand shocks shared by both series "
        "also count as leakage, so this is an upper bound."
    )


# --------------------------------------------------------------------------- ITS
def _first_start(interventions: Any) -> pd.Timestamp | None:
    from darksocial.its import Intervention

    items = (
        [interventions]
        if isinstance(interventions, str | pd.Timestamp | Intervention)
        else list(interventions)
    )
    starts = []
    for item in items:
        start = item.start if isinstance(item, Intervention) else item
        try:
            starts.append(pd.Timestamp(start))
        except (TypeError, ValueError):
            return None  # its.fit will name the bad item
    return min(starts) if starts else None


def fit_direct(
    sources_or_frames: Any,
    interventions: Any,
    *,
    series: Literal["deep", "total", "dark_social"] = "deep",
    controls: Literal["auto"] | pd.DataFrame | pd.Series | None = "auto",
    organic: pd.Series | pd.DataFrame | None = None,
    leakage: Literal["estimate"] | float | None = "estimate",
    **fit_kwargs: Any,
):
    """Estimate campaign effects on direct traffic with the ITS engine.

    Parameters
    ----------
    sources_or_frames : Sources, mapping or pandas.DataFrame
        A :class:`darksocial.io.Sources`; a mapping with ``"direct_landing"`` and
        optionally ``"search_console"`` frames; a direct-landing frame; or the output of
        :func:`dark_social_series` (its ``dark_social`` column is used as is).
    interventions : str, pandas.Timestamp, Intervention or list of them
        Campaigns, as for :func:`darksocial.its.fit`.
    series : {"deep", "total", "dark_social"}, default "deep"
        ``"deep"``: deep-page direct sessions. ``"total"``: all direct sessions.
        ``"dark_social"``: deep direct minus organic leakage (:func:`dark_social_series`,
        with ``pre_end`` = the first campaign start).
    controls : "auto", pandas.DataFrame, pandas.Series or None, default "auto"
        ``"auto"``: Search Console ``nonbranded_clicks`` (when available) for ``"deep"``
        and ``"total"``, nothing for ``"dark_social"`` (its driver is already
        subtracted with a fixed coefficient). ``None``: no controls. A frame or series:
        used as given.
    organic : pandas.Series or pandas.DataFrame, optional
        Leakage driver for ``series="dark_social"``; default the Search Console
        ``nonbranded_clicks`` of ``sources_or_frames``.
    leakage : "estimate", float or None, default "estimate"
        Leakage coefficient for ``series="dark_social"`` (see :func:`dark_social_series`).
    **fit_kwargs
        Passed to :func:`darksocial.its.fit` (``model``, ``seasonality``, ``holidays``,
        ``transform``...).

    Returns
    -------
    ImpactResult
        The ITS result; for ``"dark_social"`` its ``y.attrs`` carry the leakage attributes.

    Raises
    ------
    DataValidationError
        If the direct-landing frame or the controls are missing or malformed.
    ParameterError
        If ``series`` or ``controls`` is not understood.

    Examples
    --------
    >>> from darksocial.io import load_sample
    >>> from darksocial.its import Intervention
    >>> s = load_sample()
    >>> res = fit_direct(s, Intervention("podcast", "2025-02-03", end="2025-03-30"))
    >>> res.effects.loc["relative", "estimate"]  # doctest: +SKIP
    """
    from darksocial.its import fit

    if series not in _SERIES:
        raise ParameterError(
            f"series={series!r} is unknown; use 'deep', 'total' or 'dark_social'."
        )
    search = None
    dark_frame = None
    if _is_sources(sources_or_frames):
        direct = sources_or_frames.direct_landing
        search = sources_or_frames.search_console
    elif isinstance(sources_or_frames, Mapping):
        if "direct_landing" not in sources_or_frames:
            raise DataValidationError(
                "the mapping needs a 'direct_landing' frame (from load_direct_landing); it has "
                f"{sorted(sources_or_frames)}."
            )
        direct = sources_or_frames["direct_landing"]
        search = sources_or_frames.get("search_console")
    elif isinstance(sources_or_frames, pd.DataFrame):
        direct = sources_or_frames
        if "dark_social" in direct.columns:
            dark_frame = direct
    else:
        raise DataValidationError(
            "sources_or_frames must be a Sources object, a mapping of loader frames or a "
            f"direct-landing frame, not {type(sources_or_frames).__name__}."
        )

    if series == "dark_social":
        if dark_frame is None:
            driver = organic
            if driver is None and search is not None:
                driver = search
            dark_frame = dark_social_series(
                direct,
                organic=driver,
                leakage=leakage,
                pre_end=_first_start(interventions),
            )
        y = dark_frame["dark_social"].copy()
        y.attrs = dict(dark_frame.attrs)
    else:
        y = _direct_column(direct, _SERIES[series])
    y.name = _SERIES[series]

    if isinstance(controls, str):
        if controls != "auto":
            raise ParameterError(
                f"controls={controls!r} is not understood; use 'auto', None or a DataFrame."
            )
        ctrl = None
        if series != "dark_social" and search is not None:
            if "nonbranded_clicks" not in search.columns:
                raise DataValidationError(
                    "controls='auto' uses Search Console 'nonbranded_clicks', which the "
                    "search_console frame lacks; pass controls= explicitly or None."
                )
            ctrl = search[["nonbranded_clicks"]]
    else:
        ctrl = controls
    res = fit(y, interventions, controls=ctrl, **fit_kwargs)
    # its.fit validates a copy of y; keep the leakage description on the copy it stores
    res.y.attrs.update(y.attrs)
    return res

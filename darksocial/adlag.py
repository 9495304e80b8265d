"""From ads to branded search: how search responds to ads over the following days.

:func:`fit_ad_lag` regresses daily branded search on today's and the previous ``max_lag``
days' ads (impressions or spend from Meta or LinkedIn), with a trend, day-of-week (and
yearly) seasonality and optional controls, and Newey–West (HAC) standard errors that allow
for autocorrelated noise. The lag coefficients are either free (one per lag) or
constrained to a polynomial in the lag (Almon), which smooths the response when data are
short. The result tells how many extra branded searches one unit of ads brings within
``N`` days and what share of all branded search in the period follows ads within ``N``
days, with intervals.

:func:`prewhitened_ccf` is the model-free check: the cross-correlation between ads and
search after filtering both with the autoregression fitted to ads (Box–Jenkins
prewhitening), so that the autocorrelation of ad flights does not smear the peak.

"Within ``N`` days" means lags 0 to ``N``: the day of the ad and the ``N`` following days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.iolib.summary2 import Summary
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.tools import add_constant
from statsmodels.tsa.ar_model import AutoReg

from darksocial.config import ALPHA
from darksocial.errors import DataValidationError, ParameterError
from darksocial.formatting import figures, interval, number, percent
from darksocial.plotting import plot_ad_lag  # re-exported: its home is plotting
from darksocial.validation import as_numeric, check_alpha

__all__ = ["AdLagResult", "fit_ad_lag", "plot_ad_lag", "prewhitened_ccf"]

_MIN_EXTRA_DAYS = 30


def _daily(series: Any, name: str) -> pd.Series:
    if isinstance(series, pd.DataFrame):
        if series.shape[1] != 1:
            raise DataValidationError(
                f"{name} must be one daily series, got a DataFrame with columns "
                f"{list(series.columns)}; pass frame['column']"
            )
        series = series.iloc[:, 0]
    if not isinstance(series, pd.Series) or not isinstance(series.index, pd.DatetimeIndex):
        raise DataValidationError(
            f"{name} must be a pandas Series indexed by date (a DatetimeIndex); "
            "use series.set_axis(pd.to_datetime(dates))"
        )
    values = as_numeric(series, name)
    index = series.index
    if index.tz is not None:
        index = index.tz_localize(None)
    values.index = index.normalize()
    if values.index.has_duplicates:
        dup = values.index[values.index.duplicated()][0]
        raise DataValidationError(
            f"{name} has more than one value for {dup:%Y-%m-%d}; aggregate to one value per day "
            "(e.g. series.groupby(level=0).sum())"
        )
    return values.sort_index()


def _align(
    ads: Any, search: Any, controls: pd.DataFrame | None
) -> tuple[pd.Series, pd.Series, pd.DataFrame | None, pd.DatetimeIndex]:
    ads = _daily(ads, "ads")
    search = _daily(search, "search")
    # Ad exports omit days without delivery (loaders mark them NaN): inside the ads' own span
    # a missing day is 0.
    ads = ads.reindex(pd.date_range(ads.index.min(), ads.index.max(), freq="D")).fillna(0.0)
    start = max(ads.index.min(), search.index.min())
    end = min(ads.index.max(), search.index.max())
    if start > end:
        raise DataValidationError(
            f"ads ({ads.index.min():%Y-%m-%d} to {ads.index.max():%Y-%m-%d}) and search "
            f"({search.index.min():%Y-%m-%d} to {search.index.max():%Y-%m-%d}) do not overlap; "
            "load both for the same period"
        )
    days = pd.date_range(start, end, freq="D")
    search = search.reindex(days)
    if search.isna().any():
        gaps = search.index[search.isna()]
        raise DataValidationError(
            f"branded search has {len(gaps)} missing day(s) between {start:%Y-%m-%d} and "
            f"{end:%Y-%m-%d} (first {gaps[0]:%Y-%m-%d}); fill or interpolate them first"
        )
    if controls is not None:
        if isinstance(controls, pd.Series):
            controls = controls.to_frame()
        if not isinstance(controls, pd.DataFrame) or not isinstance(
            controls.index, pd.DatetimeIndex
        ):
            raise DataValidationError(
                "controls must be a DataFrame indexed by date (one column per control)"
            )
        ctrl = controls.copy()
        ctrl.index = (
            ctrl.index.tz_localize(None) if ctrl.index.tz is not None else ctrl.index
        ).normalize()
        ctrl = ctrl.reindex(days)
        if ctrl.isna().any().any():
            bad = ctrl.columns[ctrl.isna().any()].tolist()
            raise DataValidationError(
                f"control column(s) {bad} have missing days between {start:%Y-%m-%d} and "
                f"{end:%Y-%m-%d}; fill them or drop those controls"
            )
        try:
            ctrl = ctrl.apply(pd.to_numeric, errors="raise").astype(float)
        except (ValueError, TypeError):
            raise DataValidationError("controls must be numeric columns") from None
        controls = ctrl.add_prefix("ctrl_")
    return ads, search, controls, days


def _lag_matrix(ads: pd.Series, days: pd.DatetimeIndex, max_lag: int) -> pd.DataFrame:
    return pd.DataFrame(
        {f"lag_{k}": ads.shift(k, freq="D").reindex(days) for k in range(max_lag + 1)},
        index=days,
    )


def _seasonal_terms(days: pd.DatetimeIndex, seasonality: str) -> pd.DataFrame:
    parts = []
    if seasonality in ("weekly", "weekly+yearly"):
        dow = pd.get_dummies(days.dayofweek, prefix="dow", drop_first=True, dtype=float)
        dow.index = days
        parts.append(dow)
    if seasonality == "weekly+yearly":
        t = days.dayofyear.to_numpy() / 365.25
        yearly = {}
        for h in (1, 2):
            yearly[f"year_sin{h}"] = np.sin(2 * np.pi * h * t)
            yearly[f"year_cos{h}"] = np.cos(2 * np.pi * h * t)
        parts.append(pd.DataFrame(yearly, index=days))
    return pd.concat(parts, axis=1) if parts else pd.DataFrame(index=days)


@dataclass(frozen=True)
class AdLagResult:
    """Fitted distributed-lag model of branded search on ads.

    Attributes
    ----------
    coef : pandas.Series
        Lag coefficients ``beta_0 .. beta_L``: extra searches on day ``t + k`` per unit of
        ads on day ``t``.
    cov : pandas.DataFrame
        Their HAC covariance matrix.
    method : str
        ``"free"`` or ``"almon"``.
    max_lag : int
        Largest lag ``L``.
    alpha : float
        Default interval level: coverage ``1 - alpha``.
    data : pandas.DataFrame
        The design actually fitted: ``search``, ``ads`` and the lag, trend, seasonal and
        control columns, one row per day used.
    model_result : statsmodels RegressionResults
        The underlying OLS fit (with HAC covariance), for diagnostics.
    hac_maxlags : int
        Newey–West truncation lag used.
    """

    coef: pd.Series
    cov: pd.DataFrame
    method: str
    max_lag: int
    alpha: float
    data: pd.DataFrame = field(repr=False)
    model_result: Any = field(repr=False)
    hac_maxlags: int = 0

    @property
    def n_obs(self) -> int:
        """Number of days in the fit."""
        return len(self.data)

    def _crit(self, alpha: float | None) -> tuple[float, float]:
        alpha = self.alpha if alpha is None else check_alpha(alpha)
        return alpha, float(stats.norm.ppf(1 - alpha / 2))

    def _check_within(self, within: int | None) -> int:
        within = self.max_lag if within is None else within
        if not isinstance(within, int | np.integer) or not 0 <= within <= self.max_lag:
            raise ParameterError(
                f"within must be a whole number of days between 0 and max_lag={self.max_lag}, "
                f"got {within!r}"
            )
        return int(within)

    def _combination(self, weights: np.ndarray) -> tuple[float, float]:
        # estimate and HAC standard error of a weighted sum of the lag coefficients
        est = float(weights @ self.coef.to_numpy())
        return est, float(np.sqrt(weights @ self.cov.to_numpy() @ weights))

    def lag_frame(self, *, alpha: float | None = None) -> pd.DataFrame:
        """Return the lag coefficients with intervals and their running total.

        Parameters
        ----------
        alpha : float, optional
            Interval level; default the one given to :func:`fit_ad_lag`.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``lag`` (0 .. ``max_lag``), columns ``estimate``, ``std_err``,
            ``lower``, ``upper`` (normal intervals from the HAC covariance), and
            ``cumulative``, ``cum_lower``, ``cum_upper`` (sum of lags 0..k).
        """
        _, z = self._crit(alpha)
        beta = self.coef.to_numpy()
        cov = self.cov.to_numpy()
        se = np.sqrt(np.diag(cov))
        tri = np.tril(np.ones((len(beta), len(beta))))
        cum = tri @ beta
        cum_se = np.sqrt(np.einsum("ij,jk,ik->i", tri, cov, tri))
        return pd.DataFrame(
            {
                "estimate": beta,
                "std_err": se,
                "lower": beta - z * se,
                "upper": beta + z * se,
                "cumulative": cum,
                "cum_lower": cum - z * cum_se,
                "cum_upper": cum + z * cum_se,
            },
            index=pd.Index(range(self.max_lag + 1), name="lag"),
        )

    plot_data = lag_frame

    def cumulative(self, within: int | None = None, *, alpha: float | None = None) -> pd.Series:
        """Extra branded searches per unit of ads within ``within`` days.

        Parameters
        ----------
        within : int, optional
            Days after the ad (lags 0..``within``); default ``max_lag``.
        alpha : float, optional
            Interval level; default the fit's.

        Returns
        -------
        pandas.Series
            ``estimate``, ``std_err``, ``lower``, ``upper``.
        """
        within = self._check_within(within)
        _, z = self._crit(alpha)
        c = np.zeros(len(self.coef))
        c[: within + 1] = 1
        est, se = self._combination(c)
        return pd.Series(
            {"estimate": est, "std_err": se, "lower": est - z * se, "upper": est + z * se},
            name=f"cumulative_{within}d",
        )

    def share_within(self, within: int | None = None, *, alpha: float | None = None) -> pd.Series:
        """Share of all branded search in the period that follows ads within ``within`` days.

        Parameters
        ----------
        within : int, optional
            Days after the ad (lags 0..``within``); default ``max_lag``.
        alpha : float, optional
            Interval level; default the fit's.

        Returns
        -------
        pandas.Series
            ``estimate``, ``std_err``, ``lower``, ``upper``, ``ad_driven`` (searches
            attributed to ads), ``total`` (all branded searches in the fitted days).

        Notes
        -----
        ``share = sum_t sum_{k<=within} beta_k ads_{t-k} / sum_t search_t``. It is linear in
        the coefficients, so its standard error ``sqrt(g' V g) / total`` (with
        ``g_k = sum_t ads_{t-k}``) is exact given the HAC covariance ``V``; the total is
        treated as fixed.
        """
        within = self._check_within(within)
        _, z = self._crit(alpha)
        lags = self.data[[f"lag_{k}" for k in range(self.max_lag + 1)]].to_numpy()
        g = lags.sum(axis=0)
        g[within + 1 :] = 0
        total = float(self.data["search"].sum())
        driven, driven_se = self._combination(g)
        se = driven_se / total
        est = driven / total
        return pd.Series(
            {
                "estimate": est,
                "std_err": se,
                "lower": est - z * se,
                "upper": est + z * se,
                "ad_driven": driven,
                "total": total,
            },
            name=f"share_{within}d",
        )

    def share_frame(self, *, alpha: float | None = None) -> pd.DataFrame:
        """Return :meth:`share_within` for every horizon 0..``max_lag``.

        Parameters
        ----------
        alpha : float, optional
            Interval level; default the fit's.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``within`` (days), columns of :meth:`share_within`.
        """
        rows = [self.share_within(n, alpha=alpha) for n in range(self.max_lag + 1)]
        out = pd.DataFrame(rows)
        out.index = pd.Index(range(self.max_lag + 1), name="within")
        return out

    def peak_lag(self) -> int:
        """Lag (in days) with the largest coefficient.

        Returns
        -------
        int
            ``argmax_k beta_k``.
        """
        return int(np.argmax(self.coef.to_numpy()))

    def summary(self, *, within: int = 7) -> Summary:
        """Summarise the fit: settings, lag coefficients, cumulative response and share.

        Parameters
        ----------
        within : int, default 7
            Horizon (days) of the cumulative response and share rows; capped at
            ``max_lag``.

        Returns
        -------
        statsmodels.iolib.summary2.Summary
            Renders as text (``print``) and HTML (in notebooks and reports).
        """
        within = min(within, self.max_lag)
        smry = Summary()
        smry.add_title("Ads to branded search: distributed-lag model")
        smry.add_dict(
            {
                "Days": str(self.n_obs),
                "First day": f"{self.data.index.min():%Y-%m-%d}",
                "Last day": f"{self.data.index.max():%Y-%m-%d}",
                "Lags": f"0..{self.max_lag}",
                "Method": self.method,
                "Covariance": f"HAC (Newey-West, {self.hac_maxlags} lags)",
                "R-squared": f"{self.model_result.rsquared:.3f}",
                "Peak lag": f"{self.peak_lag()} days",
            }
        )
        smry.add_df(self.lag_frame().round(4))
        extra = pd.DataFrame(
            [
                self.cumulative(within),
                self.share_within(within)[["estimate", "std_err", "lower", "upper"]],
            ],
            index=[f"searches per ad unit, {within} days", f"share of search, {within} days"],
        )
        smry.add_df(extra.round(4))
        return smry

    def report(self, *, within: int = 7, per: float = 1.0, unit: str = "unit of ads") -> str:
        """Describe the response of branded search to ads in plain language.

        Parameters
        ----------
        within : int, default 7
            Horizon in days (lags 0..``within``), capped at ``max_lag``.
        per : float, default 1.0
            Express the response per this many ad units (e.g. 1000 impressions).
        unit : str, default "unit of ads"
            Name of ``per`` ad units in the sentence, e.g. "1,000 impressions".

        Returns
        -------
        str
            A paragraph for marketing readers.
        """
        within = min(within, self.max_lag)
        level = f"{1 - self.alpha:.0%}"
        cum = self.cumulative(within) * per
        share = self.share_within(within)
        lags = self.lag_frame()
        sig = (lags["lower"] > 0).to_numpy()
        timing = (
            f"The response peaks {self.peak_lag()} day(s) after the ad."
            if sig.any()
            else "No single day's response is distinguishable from zero."
        )
        verdict = (
            "Ads are followed by more branded search"
            if share["lower"] > 0
            else "We cannot rule out that ads bring no extra branded search"
        )
        return (
            f"Over {number(self.n_obs)} days, each {unit} was followed by "
            f"{figures(cum['estimate'])} extra branded searches within {within} days ({level} "
            f"interval {figures(cum['lower'])} to {figures(cum['upper'])}). About "
            f"{percent(share['estimate'], signed=False)} of all branded search in the period "
            f"followed ads within {within} days ({level} interval "
            f"{interval(share['lower'], share['upper'])}). {timing} {verdict}. This is "
            "an observational estimate: ads scheduled around other marketing pushes will "
            "take some of their credit."
        )


def fit_ad_lag(
    ads: pd.Series,
    search: pd.Series,
    *,
    max_lag: int = 14,
    controls: pd.DataFrame | None = None,
    seasonality: Literal["auto", "weekly", "weekly+yearly", "none"] = "auto",
    trend: bool = True,
    method: Literal["free", "almon"] = "free",
    degree: int = 4,
    hac_maxlags: int | None = None,
    alpha: float = ALPHA,
) -> AdLagResult:
    """Estimate how daily branded search responds to ads over the following days.

    Parameters
    ----------
    ads : pandas.Series
        Daily ad impressions or spend (Meta, LinkedIn), indexed by date. Days missing
        inside its span, or NaN, are read as 0 (no delivery).
    search : pandas.Series
        Daily branded search (Search Console clicks or impressions, Trends), indexed by
        date; must have no missing day where it overlaps ``ads``.
    max_lag : int, default 14
        Largest lag in days.
    controls : pandas.DataFrame, optional
        Daily controls (e.g. non-branded search, other channels' spend), indexed by date.
    seasonality : {"auto", "weekly", "weekly+yearly", "none"}, default "auto"
        Seasonal terms: day-of-week dummies, plus two yearly Fourier pairs. ``"auto"``
        uses weekly with at least 4 weeks of data and adds yearly with at least 2 years.
    trend : bool, default True
        Include a linear trend.
    method : {"free", "almon"}, default "free"
        ``"free"``: one coefficient per lag. ``"almon"``: coefficients follow a polynomial
        of degree ``degree`` in the lag (fewer parameters, smoother, biased if the true
        response is not smooth).
    degree : int, default 4
        Polynomial degree for ``method="almon"``.
    hac_maxlags : int, optional
        Newey–West truncation lag; default ``floor(4 (n / 100) ** (2 / 9))``.
    alpha : float, default 0.05
        Default interval level of the result.

    Returns
    -------
    AdLagResult
        Lag coefficients, cumulative response and share of search within ``N`` days.

    Raises
    ------
    DataValidationError
        If a series is not daily and date-indexed, ads and search do not overlap, search
        has gaps, or the overlap is too short for ``max_lag``.
    ParameterError
        If an option is invalid.

    Notes
    -----
    Model: ``search_t = a + b t + seasonal_t + controls_t + sum_{k=0}^{L} beta_k ads_{t-k} +
    e_t``, fitted by OLS with HAC covariance so that autocorrelated ``e_t`` does not
    understate the uncertainty. Days whose lags reach before the first ad day are dropped.
    """
    alpha = check_alpha(alpha)
    if not isinstance(max_lag, int | np.integer) or max_lag < 0:
        raise ParameterError(f"max_lag must be a whole number of days >= 0, got {max_lag!r}")
    if seasonality not in ("auto", "weekly", "weekly+yearly", "none"):
        raise ParameterError(
            f"seasonality must be 'auto', 'weekly', 'weekly+yearly' or 'none', got {seasonality!r}"
        )
    if method not in ("free", "almon"):
        raise ParameterError(f"method must be 'free' or 'almon', got {method!r}")
    if method == "almon" and (not isinstance(degree, int | np.integer) or degree < 1):
        raise ParameterError(f"degree must be a whole number >= 1, got {degree!r}")
    ads, search, controls, days = _align(ads, search, controls)
    lags = _lag_matrix(ads, days, int(max_lag)).dropna()
    days = lags.index
    if seasonality == "auto":
        span = len(days)
        seasonality = "weekly+yearly" if span >= 730 else "weekly" if span >= 28 else "none"
    parts = [lags]
    if trend:
        parts.append(pd.DataFrame({"trend": np.arange(len(days)) / 365.25}, index=days))
    parts.append(_seasonal_terms(days, seasonality))
    if controls is not None:
        parts.append(controls.loc[days])
    design = pd.concat(parts, axis=1)
    n_lag_params = (min(degree, max_lag) + 1) if method == "almon" else max_lag + 1
    n_params = 1 + design.shape[1] - (max_lag + 1) + n_lag_params
    need = n_params + _MIN_EXTRA_DAYS
    if len(days) < need:
        raise DataValidationError(
            f"ads and search overlap on {len(days)} usable days but {need} are needed for "
            f"max_lag={max_lag}; lower max_lag or load a longer history"
        )
    if float(lags["lag_0"].std()) == 0:
        raise DataValidationError(
            "ads are constant over the overlapping days, so their effect cannot be "
            "separated from the baseline; use a period with ad flights"
        )
    y = search.loc[days]
    lag_cols = [f"lag_{k}" for k in range(max_lag + 1)]
    other = design.drop(columns=lag_cols)
    if method == "almon":
        d = min(int(degree), int(max_lag))
        # Scaled lags k / L keep the polynomial columns on comparable scales.
        grid = np.arange(max_lag + 1) / max(max_lag, 1)
        basis = np.vander(grid, d + 1, increasing=True)
        poly = pd.DataFrame(
            lags.to_numpy() @ basis, index=days, columns=[f"almon_{j}" for j in range(d + 1)]
        )
        exog = pd.concat([poly, other], axis=1)
    else:
        basis = np.eye(max_lag + 1)
        exog = design
    exog = add_constant(exog, has_constant="add")
    if hac_maxlags is None:
        hac_maxlags = int(np.floor(4 * (len(days) / 100) ** (2 / 9)))
    fit = OLS(y.to_numpy(), exog.to_numpy()).fit(
        cov_type="HAC", cov_kwds={"maxlags": int(hac_maxlags)}
    )
    idx = [exog.columns.get_loc(c) for c in exog.columns if c.startswith(("lag_", "almon_"))]
    params = fit.params[idx]
    cov_params = fit.cov_params()[np.ix_(idx, idx)]
    beta = basis @ params
    cov = basis @ cov_params @ basis.T
    data = pd.concat([y.rename("search"), ads.reindex(days).rename("ads"), design], axis=1)
    return AdLagResult(
        coef=pd.Series(beta, index=pd.Index(range(max_lag + 1), name="lag"), name="beta"),
        cov=pd.DataFrame(cov, index=range(max_lag + 1), columns=range(max_lag + 1)),
        method=method,
        max_lag=int(max_lag),
        alpha=alpha,
        data=data,
        model_result=fit,
        hac_maxlags=int(hac_maxlags),
    )


def prewhitened_ccf(
    x: pd.Series,
    y: pd.Series,
    max_lag: int = 14,
    *,
    ar_order: int | None = None,
    max_ar: int = 14,
    alpha: float = ALPHA,
) -> pd.DataFrame:
    """Cross-correlation of ads and search after Box–Jenkins prewhitening.

    Parameters
    ----------
    x : pandas.Series
        Daily input (ads), indexed by date.
    y : pandas.Series
        Daily output (branded search), indexed by date.
    max_lag : int, default 14
        Lags ``-max_lag .. max_lag`` are returned; positive lags mean ``x`` leads ``y``.
    ar_order : int, optional
        Order of the autoregression fitted to ``x``; default chosen by AIC up to
        ``max_ar``.
    max_ar : int, default 14
        Largest order tried when ``ar_order`` is None.
    alpha : float, default 0.05
        Level of the ``bound`` column.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``lag``; columns ``ccf`` (correlation of prewhitened ``x_t`` with
        filtered ``y_{t+lag}``), ``bound`` (``z / sqrt(n)``: correlations beyond it are
        significant under no relation) and ``significant``. ``attrs`` holds ``peak_lag``
        (the non-negative lag with the largest correlation), ``ar_order`` and ``n``.

    Raises
    ------
    DataValidationError
        If the series cannot be aligned (see :func:`fit_ad_lag`).
    ParameterError
        If an option is invalid.

    Notes
    -----
    Fit ``x_t = c + sum_i phi_i x_{t-i} + a_t``; apply the same filter to ``y`` and correlate
    the residuals ``a_t`` with the filtered ``y``. Prewhitening removes the spurious spread
    of the correlation that ad flights (long runs of similar spend) would otherwise cause.
    """
    alpha = check_alpha(alpha)
    if not isinstance(max_lag, int | np.integer) or max_lag < 0:
        raise ParameterError(f"max_lag must be a whole number >= 0, got {max_lag!r}")
    xs, ys, _, days = _align(x, y, None)
    xv = xs.reindex(days).to_numpy()
    yv = ys.to_numpy()
    n_days = len(days)
    if n_days < max(3 * max_lag, max_ar + _MIN_EXTRA_DAYS):
        raise DataValidationError(
            f"ads and search overlap on {n_days} days; need at least "
            f"{max(3 * max_lag, max_ar + _MIN_EXTRA_DAYS)} for max_lag={max_lag}; "
            "load a longer history"
        )
    if np.std(xv) == 0:
        raise DataValidationError("ads are constant, so no correlation can be computed")
    if ar_order is None:
        best = None
        for p in range(1, max_ar + 1):
            # Same estimation sample for every order so that AICs are comparable.
            res = AutoReg(xv[max_ar - p :], lags=p, trend="c").fit()
            if best is None or res.aic < best[1]:
                best = (p, res.aic)
        ar_order = best[0]
    elif not isinstance(ar_order, int | np.integer) or ar_order < 0:
        raise ParameterError(f"ar_order must be a whole number >= 0, got {ar_order!r}")
    p = int(ar_order)
    phi = AutoReg(xv, lags=p, trend="c").fit().params[1:] if p > 0 else np.array([])

    def _filter(v: np.ndarray) -> np.ndarray:
        out = v[p:].copy()
        for i, ph in enumerate(phi, start=1):
            out -= ph * v[p - i : len(v) - i]
        return out

    a = _filter(xv)
    b = _filter(yv)
    a = a - a.mean()
    b = b - b.mean()
    n = len(a)
    denom = n * a.std() * b.std()
    values = {}
    for k in range(-max_lag, max_lag + 1):
        if k >= 0:
            values[k] = float(np.sum(a[: n - k] * b[k:]) / denom)
        else:
            values[k] = float(np.sum(a[-k:] * b[: n + k]) / denom)
    bound = float(stats.norm.ppf(1 - alpha / 2) / np.sqrt(n))
    out = pd.DataFrame(
        {"ccf": pd.Series(values)}, index=pd.Index(range(-max_lag, max_lag + 1), name="lag")
    )
    out["bound"] = bound
    out["significant"] = out["ccf"].abs() > bound
    out.attrs.update(peak_lag=int(out.loc[0:, "ccf"].idxmax()), ar_order=p, n=n)
    return out

"""The one verb of the ITS engine: :func:`fit`.

:func:`fit` checks the options, then runs three steps: ``_design`` (validate the data,
build the regressors, estimate unknown campaign shapes), ``_estimate`` (fit the model
backend, draw the counterfactual) and ``_assemble`` (evaluation windows, diagnostics and
the :class:`~darksocial.its.ImpactResult`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from darksocial.constants import (
    ALPHA,
    ARIMA_ORDER,
    MIN_PRE_PERIODS,
    MIN_RESIDUAL_DOF,
    N_SIMULATIONS,
    SEED,
)
from darksocial.errors import DataValidationError, InterventionDateError, ParameterError
from darksocial.formatting import plural
from darksocial.its import _validate
from darksocial.its.bsts import PRIOR_LEVEL_SD
from darksocial.its.design import (
    PERIODS_PER_YEAR,
    Intervention,
    campaign_columns,
    end_position,
    holiday_columns,
    profile_shapes,
    seasonal_columns,
    start_position,
)
from darksocial.its.diagnostics import compute_diagnostics
from darksocial.its.models import make_backend, mvn_draws
from darksocial.its.results import Draws, ImpactResult
from darksocial.its.spec import (
    COUNT_MODELS,
    METHODS,
    MODELS,
    Method,
    Model,
    effective_transform,
)

__all__ = ["fit"]


def fit(
    y: pd.Series,
    interventions,
    *,
    controls: pd.DataFrame | None = None,
    model: Model = "segmented",
    method: Method | None = None,
    trend: bool | None = None,
    seasonality="auto",
    holidays=None,
    transform: Literal["log"] | None = None,
    exposure: pd.Series | None = None,
    evaluation_end=None,
    alpha: float = ALPHA,
    seed: int = SEED,
    n_simulations: int = N_SIMULATIONS,
    errors: Literal["ar", "hac"] = "ar",
    maxlags: int | None = None,
    use_t: bool = True,
    small_sample: bool = True,
    order: tuple[int, int, int] | None = None,
    seasonal_order: tuple[int, int, int, int] = (0, 0, 0, 0),
    level: Literal["local level", "local linear trend"] | None = None,
    estimation: Literal["gibbs", "mle"] | None = None,
    prior_level_sd: float = PRIOR_LEVEL_SD,
    nseasons: int = 1,
    autoregressive: int | None = None,
    ceiling: float | None = None,
    notes: Sequence[str] = (),
) -> ImpactResult:
    """Estimate the effect of one or several campaigns on a time series.

    Parameters
    ----------
    y : pandas.Series
        Outcome with a regular daily, weekly, monthly, quarterly or yearly
        DatetimeIndex. Missing values (a tracking outage) are allowed: OLS and GLMs drop
        those rows, the state-space models skip them in the Kalman filter; they are
        never filled with zeros.
    interventions : str, pandas.Timestamp, Intervention, or list of them
        Campaign start dates or :class:`Intervention` specifications. Overlapping
        campaigns are fitted jointly. A bare date becomes a level (step) campaign named
        ``"intervention"`` (``"intervention_1"``, ... in a list).
    controls : pandas.DataFrame, optional
        Control series used as covariates, indexed like ``y``. Every date of ``y``,
        post-period included, needs a value.
    model : {"segmented", "arima", "structural", "poisson", "negbin"}, default "segmented"
        ``"segmented"``: linear regression on trend, seasonality, holidays and controls,
        with AR(5) errors by GLS (or Newey-West HAC, see ``errors``). ``"arima"``: the same regression with SARIMA errors
        (``order``, ``seasonal_order``). ``"structural"``: unobserved components (a local
        level by default) with the regressors: Bayesian (R CausalImpact's model and priors, see
        ``estimation``) with the counterfactual method, the campaign coefficients in the
        state vector with the intervention method. ``"poisson"`` / ``"negbin"``: log-link
        GLMs for counts with a latent AR(5) log-scale noise behind their intervals (see
        :class:`darksocial.its.models.GLMBackend`) and optional ``exposure``.
    method : {"intervention", "counterfactual"}, optional
        ``"intervention"``: campaign terms are regressors in a model fitted on all the
        data; their coefficients are the effects, intervals come from the coefficient
        covariance and ``p_value`` is the Wald test that all campaign terms are zero.
        ``"counterfactual"`` (CausalImpact style): fit on the pre-period only, forecast
        the post-period, effect = observed - forecast; intervals include parameter
        uncertainty and observation noise, cumulative intervals come from whole
        simulated paths, and ``p_value`` is CausalImpact's one-sided tail area.
        Default: ``"counterfactual"`` for ``model="structural"`` (a local level is a
        forecasting model), ``"intervention"`` otherwise (it uses the campaign shapes and
        the post-period data to pin down trend and seasonality).
    trend : bool, optional
        Include a linear trend. Default: on, except for ``"structural"`` where the local
        level already follows drifts; ``trend=True`` there means a local linear trend. With
        the default, a static linear trend regressor joins the structural model's calendar
        terms whenever they include yearly terms (``seasonality="auto"`` with 1.5+ years of
        fitted data): a local level forecasts flat and under-forecasts a growing series, and
        in the intervention method the campaign step took the growth after launch.
        ``trend=False`` or ``seasonality=None`` (R CausalImpact's model) leave it out.
    seasonality : None, "auto", int, or list, default "auto"
        See :func:`darksocial.its.design.seasonal_columns`. ``"auto"``: day-of-week dummies
        for daily data, plus yearly Fourier terms (3 harmonics) and a year-end dummy (21 Dec to 3 Jan) when the data the model is
        fitted on span at least 1.5 years; month dummies for monthly data spanning three
        years; nothing for yearly data.
    holidays : None, str, or list of dates, optional
        A country code (``"FR"``) for the ``holidays`` package, or explicit dates; adds a
        ``holiday`` regressor.
    transform : {None, "log"}, default None
        Model ``log(y)``. Effects are still reported on the original scale of ``y``.
        Ignored by ``"poisson"`` and ``"negbin"``, whose log link already makes effects
        multiplicative: they fit without it, ``result.transform`` is None and
        ``result.notes`` says so.
    exposure : pandas.Series, optional
        Exposure for ``"poisson"``/``"negbin"`` (e.g. sessions), entering as a log offset.
    evaluation_end : str or pandas.Timestamp, optional
        Last date of the window summarised in ``effects``. Default: the latest campaign
        window end when every campaign has one (its ``evaluation_end``, else its ``end``),
        so a campaign that ran from launch to ``end`` is evaluated over those dates and not
        over the months of data after it; the end of the data when a campaign has neither.
        An explicit ``evaluation_end`` wins. Each campaign's own window (in
        ``effects_by_intervention``) is its launch to its ``evaluation_end`` or ``end``.
    alpha : float, default 0.05
        Intervals are central ``1 - alpha`` intervals.
    seed : int, default ``darksocial.config.SEED``
        Seed of every simulation: the same inputs and seed give identical numbers.
    n_simulations : int, default 1000
        Simulated paths or parameter draws behind intervals and tail-area p-values.
    errors : {"ar", "hac"}, default "ar"
        For ``"segmented"``: how autocorrelated errors are handled. ``"ar"``: feasible
        GLS with AR(5) errors, their coefficients estimated from the OLS residuals with a
        correction for the slow noise the regressors absorb
        (:func:`darksocial.its.models.latent_ar`). ``"hac"``: OLS with Newey-West standard errors,
        the textbook segmented ITS; its intervals run about 10% too narrow on such series,
        because a campaign dummy's residuals sum to zero over its window.
    maxlags : int, optional
        Newey-West lags for ``errors="hac"``; default ``floor(4 (n/100)^(2/9))``.
    use_t : bool, default True
        For ``"segmented"``, ``"arima"``, ``"poisson"`` and ``"negbin"``: t and F
        inference instead of normal and chi-squared, with the Satterthwaite degrees of
        freedom of the AR-based covariance (residual degrees of freedom for
        ``errors="hac"``).
    small_sample : bool, default True
        Scale HAC covariances by ``n / (n - k)`` (statsmodels ``use_correction``).
    order : tuple, optional
        ARIMA order of the errors of ``model="arima"`` (statsmodels ``SARIMAX``). Default:
        ARMA(1,1), the structure of a persistent log count seen through Poisson noise,
        or AR(1) where the restricted likelihood does not support the MA term (AIC; a
        short series of white noise leaves ARMA(1,1) unidentified). Without differencing
        or a seasonal part the ARMA coefficients are estimated by REML
        (:mod:`darksocial.its.reml`) and their estimation error widens the intervals
        (t with Satterthwaite degrees of freedom); otherwise by maximum likelihood.
    seasonal_order : tuple, default (0, 0, 0, 0)
        Seasonal ARIMA order, passed to statsmodels ``SARIMAX``.
    level : {"local level", "local linear trend"}, optional
        Level component of ``model="structural"`` (overrides ``trend``).
    estimation : {"gibbs", "mle"}, optional
        How ``model="structural"`` is estimated. ``"gibbs"``: a Bayesian structural time
        series with R CausalImpact's priors, sampled by Gibbs (counterfactual method only;
        see :mod:`darksocial.its.bsts`). ``"mle"``: statsmodels ``UnobservedComponents``
        by maximum likelihood, parameter uncertainty from the MLE covariance (the only
        choice for ``method="intervention"``). Default: ``"gibbs"`` for the
        counterfactual method, which on the ten public series R CausalImpact has published
        numbers for matches R's effect, interval width and significance
        (``benchmarks/bench_bsts.py``), ``"mle"`` otherwise.
    prior_level_sd : float, default 0.01
        With ``estimation="gibbs"``: prior guess of the level's random-walk sd as a share
        of the pre-period sd of ``y`` (CausalImpact's ``prior.level.sd``, 32
        pseudo-observations); with calendar terms in the model, a share of the sd they leave
        unexplained (R's model has none; a weekly and yearly shape making up most of sd(y)
        made the guess 3-4 times R's intent). Larger values let the counterfactual level
        wander more.
    nseasons : int, default 1
        With ``estimation="gibbs"``: number of seasons of a dynamic seasonal state
        (CausalImpact's ``nseasons``, e.g. 7 for a weekly cycle of daily data; 1: none).
        Usually pass ``seasonality=None`` with it, else the static calendar terms are
        also in the model.
    autoregressive : {0, 1}, optional
        ``model="structural"`` only: an AR(1) component beside the local level (bsts's
        ``AddAr``; statsmodels' ``autoregressive=1``). Default: on, except with
        ``seasonality=None`` (R CausalImpact's model). Short-lived swings (a run of good
        days) then decay in the forecast instead of moving the level: without it, a level
        that follows AR(1) noise with coefficient 0.8 gave intervals 3 times as wide and
        25% power at +10% (``benchmarks/calibration_grid.py``).
    ceiling : float, optional
        The largest value ``y`` can take (a Google Trends index: 100). The expected totals
        behind every effect and interval are capped at it, as they are floored at zero for
        a series never below zero: no campaign took away more than the ceiling allowed
        (a real Trends week at 78 read "+39 index points (95% interval -38 to +65)": -38
        needs an expected index of 116).
    notes : sequence of str, optional
        Sentences the caller wants carried on the result (what it changed about the data or
        options, say); they follow the engine's own in ``result.notes``.

    Returns
    -------
    ImpactResult
        Parameters, effects, pointwise paths, diagnostics, summary, report and plot.

    Raises
    ------
    DataValidationError
        If ``y``, ``controls`` or ``exposure`` cannot be analysed as given.
    InterventionDateError
        If a campaign starts outside the data or leaves too short a pre-period.
    ParameterError
        If an option is unknown or inconsistent.

    Notes
    -----
    Effects (``result.effects``) compare observed values with the counterfactual (every
    campaign switched off) over the evaluation window, on the original scale of ``y``,
    following R CausalImpact's definitions: average and cumulative effect = observed -
    point counterfactual; their intervals are quantiles of per-draw averages and sums;
    the relative effect is, per draw, ``sum(observed) / sum(counterfactual) - 1``, and its
    estimate is the mean over draws. With ``method="intervention"`` the counterfactual is
    the observed series with the estimated campaign contribution removed, so only
    coefficient uncertainty enters its interval. Dates with missing ``y`` are left out of
    the sums.

    Examples
    --------
    >>> from darksocial.its import fit, Intervention
    >>> res = fit(clicks, Intervention("spring", "2025-03-03", shape="level"))
    >>> res.effects.loc["average", "estimate"]  # doctest: +SKIP
    """
    if model not in MODELS:
        raise ParameterError(f"model={model!r} is unknown; use one of {', '.join(MODELS)}.")
    if method is None:
        method = "counterfactual" if model == "structural" else "intervention"
    if method not in METHODS:
        raise ParameterError(
            f"method={method!r} is unknown; use 'intervention' or 'counterfactual'."
        )
    if transform not in (None, "log"):
        raise ParameterError(f"transform={transform!r} is unknown; use None or 'log'.")
    transform, transform_note = effective_transform(model, transform)
    if not 0 < alpha < 1:
        raise ParameterError(f"alpha={alpha} must be between 0 and 1, e.g. 0.05.")
    if int(n_simulations) < 100:
        raise ParameterError(f"n_simulations={n_simulations} is too few; use at least 100.")
    if exposure is not None and model not in COUNT_MODELS:
        raise ParameterError("exposure is only used by model='poisson' or 'negbin'.")
    if errors not in ("ar", "hac"):
        raise ParameterError(f"errors={errors!r} is unknown; use 'ar' or 'hac'.")
    order_auto = order is None
    order = ARIMA_ORDER if order is None else order
    if model == "arima":
        order, seasonal_order = _check_orders(order, seasonal_order)
    if estimation is None:
        estimation = "gibbs" if (model, method) == ("structural", "counterfactual") else "mle"
    if estimation not in ("gibbs", "mle"):
        raise ParameterError(f"estimation={estimation!r} is unknown; use 'gibbs' or 'mle'.")
    if estimation == "gibbs" and (model != "structural" or method != "counterfactual"):
        raise ParameterError(
            "estimation='gibbs' is for model='structural', method='counterfactual'; "
            "drop it or use estimation='mle'."
        )
    if ceiling is not None and not (
        float(ceiling) > 0 and float(np.nanmax(np.asarray(y, dtype=float))) <= float(ceiling)
    ):
        raise ParameterError(
            f"ceiling={ceiling} must be positive and at least the largest value of y; "
            "leave it out for a series without an upper bound."
        )
    if not prior_level_sd > 0:
        raise ParameterError(f"prior_level_sd={prior_level_sd} must be > 0, e.g. 0.01.")
    if int(nseasons) < 1 or (int(nseasons) > 1 and estimation != "gibbs"):
        raise ParameterError(
            f"nseasons={nseasons} needs estimation='gibbs' and must be >= 1; use "
            "seasonality= for calendar terms otherwise."
        )
    # the structural model's default: a local level, plus a static linear trend regressor
    # once the data are long enough to tell growth from the yearly shape. Both methods: in
    # the intervention method, without it the campaign step took the post period's growth
    # (a +10% effect came out +12-13% on a series growing 15% a year, calibration_grid.py)
    structural_trend = trend is None and model == "structural"
    if trend is None:
        trend = model != "structural"
    if model == "structural" and level is None:
        level = "local linear trend" if trend else "local level"
    if autoregressive is None:
        # an AR(1) beside the local level, unless R CausalImpact's model is asked for
        autoregressive = int(model == "structural" and seasonality is not None)
    if autoregressive not in (0, 1) or (autoregressive and model != "structural"):
        raise ParameterError(
            f"autoregressive={autoregressive!r}: use 0 or 1 with model='structural' "
            "(model='arima' takes order= for AR errors)."
        )

    design = _design(
        y,
        interventions,
        controls=controls,
        exposure=exposure,
        model=model,
        method=method,
        trend=trend,
        seasonality=seasonality,
        holidays=holidays,
        transform=transform,
        order=tuple(order),
        seasonal_order=tuple(seasonal_order),
        structural_trend=structural_trend,
    )
    options = {
        "errors": errors,
        "use_t": use_t,
        "small_sample": small_sample,
        "order": tuple(order),
        "order_auto": order_auto,
        "seasonal_order": tuple(seasonal_order),
        "level": level,
        "estimation": estimation,
        "prior_level_sd": float(prior_level_sd),
        "nseasons": int(nseasons),
        "autoregressive": autoregressive,
        "n_simulations": int(n_simulations),
        "seed": int(seed),
        "method": method,
        "controls": [] if design.controls is None else list(design.controls.columns),
    }
    backend = make_backend(model, log=design.log, alpha=alpha, maxlags=maxlags, options=options)
    estimate = _estimate(design, backend, seed=seed, n_simulations=int(n_simulations))
    return _assemble(
        design,
        estimate,
        evaluation_end=evaluation_end,
        alpha=alpha,
        seed=seed,
        ceiling=None if ceiling is None else float(ceiling),
        notes=(*([transform_note] if transform_note else []), *map(str, notes)),
    )


def _check_orders(order, seasonal_order) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """``order`` and ``seasonal_order`` of ``model="arima"`` as tuples of non-negative ints.

    statsmodels raised its own ValueError (or a TypeError from the design) for a malformed
    order; the project's rule is a one-line error that says how to fix the input.
    """

    def ints(value, n, name, example):
        try:
            vals = tuple(value)
        except TypeError:
            vals = ()
        ok = len(vals) == n and all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 0 for v in vals
        )
        if not ok:
            raise ParameterError(
                f"{name}={value!r} must be {n} non-negative integers, e.g. {name}={example}."
            )
        return tuple(int(v) for v in vals)

    order = ints(order, 3, "order", "(1, 0, 1)")
    seasonal_order = ints(seasonal_order, 4, "seasonal_order", "(1, 0, 0, 7)")
    if any(seasonal_order[:3]) and seasonal_order[3] < 2:
        raise ParameterError(
            f"seasonal_order={seasonal_order!r} has a seasonal part but a period of "
            f"{seasonal_order[3]}; give the period as the last number, e.g. (1, 0, 0, 7)."
        )
    if not any(seasonal_order[:3]) and seasonal_order[3] == 1:
        raise ParameterError(
            f"seasonal_order={seasonal_order!r}: a period of 1 is not seasonal; use "
            "(0, 0, 0, 0) or a period of at least 2."
        )
    return order, seasonal_order


# --- design: what the model is made of ---------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Design:
    """The validated inputs and the regressors of one fit."""

    y: pd.Series
    z: np.ndarray  # y on the modelling scale (log(y) with transform="log")
    log: bool
    model: str
    method: str
    transform: str | None
    freq: str
    interventions: tuple[Intervention, ...]  # shapes estimated where they were unknown
    estimated: dict[str, str]  # campaign name -> what was estimated, in words
    pos0: int  # position of the first campaign start
    fit_rows: np.ndarray
    base: pd.DataFrame  # the counterfactual's regressors: trend, seasonality, controls
    campaigns: pd.DataFrame  # the campaigns' regressors
    X: pd.DataFrame  # the regressors the model is fitted on
    controls: pd.DataFrame | None
    exposure: np.ndarray | None


def _design(
    y,
    interventions,
    *,
    controls,
    exposure,
    model,
    method,
    trend,
    seasonality,
    holidays,
    transform,
    order,
    seasonal_order,
    structural_trend=False,
) -> _Design:
    """Validate the data and build the regressors (see :func:`fit` for the options)."""
    y = _validate.check_y(y, transform=transform, model=model)
    index = y.index
    freq = _validate.frequency_family(index, str(y.name))
    ivs = _validate.as_interventions(interventions)
    _validate.check_dates(ivs, index, str(y.name))
    pos0 = min(start_position(index, iv.start) for iv in ivs)
    n = len(index)

    # a control (or exposure) is needed where y has a value; on a day the export left out
    # (y missing) it is missing too, and was refused with the whole metric (a real Search
    # Console API export with 28 absent days could not measure branded search at all).
    # Such a day is not in the likelihood and not in the effects: the control is
    # interpolated there only so the design has a number
    seen = index[y.notna().to_numpy()]
    ctrl = None
    if controls is not None:
        ctrl = _validate.check_aligned(controls, index, what="controls", needed=seen)
        ctrl = _fill_unseen(ctrl)
    expo = None
    if exposure is not None:
        expo_frame = _validate.check_aligned(exposure, index, what="exposure", needed=seen)
        expo = _fill_unseen(expo_frame).iloc[:, 0].to_numpy()
        if np.any(expo <= 0):
            raise DataValidationError("exposure must be > 0 on every date; drop zero periods.")

    fit_rows = np.arange(n) if method == "intervention" else np.arange(pos0)
    fit_span_years = len(fit_rows) / PERIODS_PER_YEAR[freq]

    base = pd.DataFrame(index=index)
    if model not in ("structural",) and not (model == "arima" and (order[1] or seasonal_order[1])):
        base["const"] = 1.0
    if trend and model != "structural":
        base["trend"] = np.arange(n, dtype=float)
    seas = seasonal_columns(index, seasonality, freq=freq, fit_span_years=fit_span_years)
    if structural_trend and any(c.startswith("yearly_") for c in seas.columns):
        # A local level forecasts flat: on a series growing 15% a year it under-forecast a
        # 90-day window by ~2% and called a quarter of no-effect series significant
        # (benchmarks/calibration_grid.py). Where the design already has yearly terms (1.5+
        # years of data), growth is identifiable beside the yearly shape, so the static
        # regression gets a linear trend (not a local linear trend, whose forecast fan
        # explodes). With seasonality=None (R CausalImpact's model) nothing is added.
        base["trend"] = np.arange(n, dtype=float)
    hol = holiday_columns(index, holidays, freq=freq)
    base = pd.concat([base, seas, hol], axis=1)
    if ctrl is not None:
        clash = [c for c in ctrl.columns if c in base.columns]
        if clash:
            raise ParameterError(
                f"controls column(s) {clash} clash with model terms; rename them."
            )
        base = pd.concat([base, ctrl], axis=1)
    # a regressor constant on the fitted rows (a holiday-free pre-period, a month absent
    # from a short pre-period) is not estimable: drop it rather than fail
    keep = [
        c
        for c in base.columns
        if c == "const"
        or np.nanstd(base[c].to_numpy()[fit_rows]) > 0
        or (ctrl is not None and c in ctrl.columns)
    ]
    base = base[keep]

    z = y.to_numpy(dtype=float)
    log = transform == "log"
    if log:
        z = np.log(z)

    n_pre_obs = int(np.sum(~np.isnan(z[:pos0])))
    k_pre = base.shape[1] + (sum(order) + sum(seasonal_order[:3]) if model == "arima" else 0)
    need = (
        MIN_PRE_PERIODS
        if method == "intervention"
        else max(MIN_PRE_PERIODS, k_pre + MIN_RESIDUAL_DOF)
    )
    if n_pre_obs < need:
        extra = f" ({k_pre} parameters + {MIN_RESIDUAL_DOF})" if method == "counterfactual" else ""
        raise InterventionDateError(
            f"The pre-period before {index[pos0].date()} has {n_pre_obs} non-missing periods "
            f"but model={model!r}, method={method!r} needs at least {need}{extra}; load "
            "more history, or simplify the model (seasonality=None, fewer controls)."
        )

    estimated: dict[str, str] = {}
    if method == "intervention":
        ivs, estimated = profile_shapes(ivs, z, base, model, index)
    camp = pd.concat([campaign_columns(iv, index) for iv in ivs], axis=1)
    for col in camp.columns:
        if np.nanstd(camp[col].to_numpy()) == 0:
            raise InterventionDateError(
                f"Term {col!r} is constant over the data (the campaign starts too close to the "
                "end); load later data or use shape='level'."
            )

    X = pd.concat([base, camp], axis=1) if method == "intervention" else base
    if model == "structural":
        drop = ("const",) if structural_trend else ("const", "trend")
        X = X.drop(columns=[c for c in drop if c in X.columns])
    mask = ~np.isnan(z[fit_rows])
    Xfit = X.iloc[fit_rows]
    if Xfit.shape[1] and np.linalg.matrix_rank(Xfit.to_numpy()[mask]) < Xfit.shape[1]:
        post_obs = int(np.sum(~np.isnan(z[pos0:])))
        raise DataValidationError(
            _collinear_message(
                Xfit[mask],
                campaigns=list(camp.columns),
                controls=[] if ctrl is None else list(ctrl.columns),
                post_obs=post_obs,
                period=_PERIOD_WORDS.get(freq, "period"),
            )
        )
    return _Design(
        y=y,
        z=z,
        log=log,
        model=model,
        method=method,
        transform=transform,
        freq=freq,
        interventions=tuple(ivs),
        estimated=estimated,
        pos0=pos0,
        fit_rows=fit_rows,
        base=base,
        campaigns=camp,
        X=X,
        controls=ctrl,
        exposure=expo,
    )


_PERIOD_WORDS = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year"}


def _dependent_term(X: pd.DataFrame) -> tuple[str, list[str]]:
    """The first column of ``X`` that the columns before it explain, and those it needs.

    Columns are taken in order; the first one that adds no rank is a combination of the
    earlier ones, and its least-squares coefficients on them (columns scaled to unit
    length) say which.
    """
    A = X.to_numpy(dtype=float)
    norms = np.linalg.norm(A, axis=0)
    for j in range(A.shape[1]):
        if norms[j] == 0:
            return X.columns[j], []
        B = A[:, :j] / norms[:j]
        a = A[:, j] / norms[j]
        if j == 0:
            continue
        coef, *_ = np.linalg.lstsq(B, a, rcond=None)
        if np.linalg.norm(a - B @ coef) < 1e-8:
            return X.columns[j], [X.columns[i] for i in np.flatnonzero(np.abs(coef) > 1e-6)]
    return X.columns[-1], list(X.columns[:-1])  # pragma: no cover - rank said dependent


def _fill_unseen(frame: pd.DataFrame) -> pd.DataFrame:
    """Interpolate a regressor on the dates where the outcome is missing (see ``_design``)."""
    if not frame.isna().any().any():
        return frame
    return frame.interpolate(method="time", limit_direction="both")


def _collinear_message(X, *, campaigns, controls, post_obs: int, period: str) -> str:
    """One sentence on why the design's columns cannot be told apart, and the fix.

    The columns are read base terms first (constant, trend, calendar, holidays), then
    the controls, then the campaigns, so the term named is the one that duplicates
    what the model already had.
    """
    if len(X) < X.shape[1]:
        return (
            f"Only {plural(len(X), period)} {'has' if len(X) == 1 else 'have'} data for "
            f"{X.shape[1]} model terms; load more data, "
            "or simplify the model (seasonality=None, holidays=None, fewer controls)."
        )
    order = [c for c in X.columns if c not in controls and c not in campaigns]
    order += [c for c in controls if c in X.columns] + [c for c in campaigns if c in X.columns]
    term, others = _dependent_term(X[order])
    if not others:
        return (
            f"The model term '{term}' is zero on every {period} with data, so it cannot be "
            "estimated; check the dates of the campaign and of the data."
        )
    names = [f"'{c}'" for c in others]
    quoted = names[0] if len(names) < 2 else ", ".join(names[:-1]) + " and " + names[-1]
    if term in campaigns and all(c in campaigns for c in others):
        return (
            f"The campaigns' terms '{term}' and {quoted} are the same on every {period} with "
            "data, so their effects cannot be told apart: merge the campaigns with identical "
            "dates into one, or correct their dates in the calendar."
        )
    if term in campaigns:
        same = [c for c in others if c in controls]
        if same:
            fix = (
                f"the control '{same[0]}' moves exactly with the campaign; drop it from "
                "the controls."
            )
        else:
            have = "has" if post_obs == 1 else "have"
            few = f"only {plural(post_obs, period)} after launch {have} data"
            fix = (
                f"{few}; load more data after the launch, or simplify the model "
                "(seasonality=None, holidays=None)."
            )
        return (
            f"The campaign term '{term}' cannot be told apart from {quoted} on the {period}s "
            f"with data: {fix}"
        )
    if term in controls:
        return (
            f"The control '{term}' is a combination of {quoted} on the {period}s with data "
            "(a copy or a multiple of another series, or a straight line), so its effect "
            "cannot be told apart; drop it from the controls."
        )
    return (
        f"The model terms '{term}' and {quoted} cannot be told apart on the {period}s with "
        "data; simplify the model (seasonality=None, holidays=None)."
    )


# --- estimate: fit the model, draw the counterfactual ---------------------------------------


@dataclasses.dataclass(frozen=True)
class _Estimate:
    """The fitted backend and the counterfactual draws of one fit."""

    backend: object
    fitted: np.ndarray  # in-sample fit, then (counterfactual method) the forecast
    draws: Draws
    wald_p: float | None  # intervention method only
    wald_p_by: dict[str, float] | None


def _estimate(d: _Design, backend, *, seed: int, n_simulations: int) -> _Estimate:
    """Fit ``backend`` on the design's rows and simulate the counterfactual."""
    rows = d.fit_rows
    backend.fit(d.z[rows], d.X.iloc[rows], None if d.exposure is None else d.exposure[rows])
    rng = np.random.default_rng(seed)
    yv = d.y.to_numpy(dtype=float)
    if d.method == "counterfactual":
        post = np.arange(d.pos0, len(yv))
        expo = None if d.exposure is None else d.exposure[post]
        point, sims = backend.simulate(d.X.iloc[post], expo, n_simulations, rng)
        return _Estimate(
            backend=backend,
            fitted=np.concatenate([backend.fitted, point]),
            draws=Draws.from_forecast(yv, d.pos0, point, sims),
            wald_p=None,
            wald_p_by=None,
        )
    names = list(d.campaigns.columns)
    b, V = backend.coef(names)
    bdraws = mvn_draws(b, V, n_simulations, rng, df=getattr(backend, "draw_df", None))
    C = d.campaigns.to_numpy()
    per = {}
    for iv in d.interventions:
        cols = [names.index(t) for t in iv.terms]
        per[iv.name] = lambda cols=cols: (C[:, cols] @ b[cols], bdraws[:, cols] @ C[:, cols].T)
    draws = Draws.from_contributions(
        yv,
        C @ b,
        bdraws @ C.T,
        per,
        log_link=(d.log or backend.link == "log"),
        pos0=d.pos0,
    )
    return _Estimate(
        backend=backend,
        fitted=backend.fitted,
        draws=draws,
        wald_p=backend.wald_p(names),
        wald_p_by={iv.name: backend.wald_p(iv.terms) for iv in d.interventions},
    )


# --- assemble: windows, diagnostics and the result ---------------------------------------


def _assemble(
    d: _Design, e: _Estimate, *, evaluation_end, alpha, seed, notes, ceiling=None
) -> ImpactResult:
    """Put the design and the estimate together into an :class:`ImpactResult`."""
    index = d.y.index
    positions = _windows(d.interventions, index, d.pos0, evaluation_end)
    diagnostics = compute_diagnostics(
        y=d.y,
        z=d.z,
        fitted=e.fitted,
        pos0=d.pos0,
        backend=e.backend,
        base=d.base,
        controls=d.controls,
        model=d.model,
        method=d.method,
        estimated=d.estimated,
        freq=d.freq,
        # the first campaign's own window: a control's jump is measured over it
        window=min((v for k, v in positions.items() if k is not None), default=None),
    )
    lo, hi = positions.pop(None)
    return ImpactResult(
        y=d.y,
        interventions=d.interventions,
        model=d.model,
        method=d.method,
        transform=d.transform,
        alpha=alpha,
        seed=seed,
        freq=d.freq,
        window=(index[lo], index[hi]),
        windows={name: (index[a], index[b]) for name, (a, b) in positions.items()},
        design=d.X,
        fitted=e.fitted,
        draws=e.draws,
        diagnostics=diagnostics,
        backend=e.backend,
        wald_p=e.wald_p,
        wald_p_by=e.wald_p_by,
        notes=notes,
        ceiling=ceiling,
    )


def _windows(ivs, index, pos0, evaluation_end) -> dict:
    """Evaluation windows (first, last position) overall (key None) and per campaign."""
    last = len(index) - 1
    out = {}
    for iv in ivs:
        s = start_position(index, iv.start)
        end_date = iv.evaluation_end or iv.end
        e = end_position(index, end_date) if end_date is not None else last
        out[iv.name] = (s, max(min(e, last), s))
    if evaluation_end is not None:
        ev = pd.Timestamp(evaluation_end)
        if ev < index[pos0]:
            raise ParameterError(
                f"evaluation_end={ev.date()} is before the first campaign "
                f"({index[pos0].date()}); give a later date."
            )
        g_end = end_position(index, ev)
    elif all((iv.evaluation_end or iv.end) is not None for iv in ivs):
        # every campaign says when it stops: summarise the campaigns' own windows, not
        # the months of data after them that no campaign claims
        g_end = max(e for _, e in out.values())
    else:
        g_end = last
    out[None] = (pos0, min(g_end, last))
    return out

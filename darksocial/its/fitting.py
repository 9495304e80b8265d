"""The one verb of the ITS engine: :func:`fit`."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from darksocial.constants import (
    ALPHA,
    ARIMA_ORDER,
    HALF_LIFE_GRID,
    MIN_PRE_PERIODS,
    MIN_RESIDUAL_DOF,
    N_SIMULATIONS,
    RAMP_GRID_MAX,
    SEED,
)
from darksocial.errors import DataValidationError, InterventionDateError, ParameterError
from darksocial.its import _validate
from darksocial.its.design import (
    PERIODS_PER_YEAR,
    campaign_columns,
    end_position,
    holiday_columns,
    seasonal_columns,
    start_position,
)
from darksocial.its.diagnostics import compute_diagnostics
from darksocial.its.models import _mvn, make_backend
from darksocial.its.results import ImpactResult, _Draws
from darksocial.its.spec import METHODS, MODELS, Method, Model, effective_transform

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
    order: tuple[int, int, int] = ARIMA_ORDER,
    seasonal_order: tuple[int, int, int, int] = (0, 0, 0, 0),
    level: Literal["local level", "local linear trend"] | None = None,
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
        with AR(2) errors by GLS (or Newey-West HAC, see ``errors``). ``"arima"``: the same regression with SARIMA errors
        (``order``, ``seasonal_order``). ``"structural"``: unobserved components (a local
        level by default) with the regressors. ``"poisson"`` / ``"negbin"``: log-link
        GLMs for counts with HAC standard errors and optional ``exposure``.
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
        level already follows drifts; ``trend=True`` there means a local linear trend.
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
        Last date of the window summarised in ``effects`` (default: the latest
        ``evaluation_end`` when every campaign gives one, else the end of the data).
    alpha : float, default 0.05
        Intervals are central ``1 - alpha`` intervals.
    seed : int, default ``darksocial.config.SEED``
        Seed of every simulation: the same inputs and seed give identical numbers.
    n_simulations : int, default 1000
        Simulated paths or parameter draws behind intervals and tail-area p-values.
    errors : {"ar", "hac"}, default "ar"
        For ``"segmented"``: how autocorrelated errors are handled. ``"ar"``: feasible
        GLS with AR(2) errors (iterated Cochrane-Orcutt), whose intervals the calibration
        study found honest on daily series. ``"hac"``: OLS with Newey-West standard errors,
        the textbook segmented ITS; its intervals run about 10% too narrow on such series,
        because a campaign dummy's residuals sum to zero over its window.
    maxlags : int, optional
        Newey-West lags for ``errors="hac"``; default ``floor(4 (n/100)^(2/9))``.
    use_t : bool, default True
        For ``"segmented"``: t and F inference (residual degrees of freedom) instead of
        normal and chi-squared.
    small_sample : bool, default True
        Scale HAC covariances by ``n / (n - k)`` (statsmodels ``use_correction``).
    order, seasonal_order : tuple
        Passed to statsmodels ``SARIMAX`` for ``model="arima"``.
    level : {"local level", "local linear trend"}, optional
        Level component of ``model="structural"`` (overrides ``trend``).
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
    notes = (*([transform_note] if transform_note else []), *map(str, notes))
    if not 0 < alpha < 1:
        raise ParameterError(f"alpha={alpha} must be between 0 and 1, e.g. 0.05.")
    if int(n_simulations) < 100:
        raise ParameterError(f"n_simulations={n_simulations} is too few; use at least 100.")
    if exposure is not None and model not in ("poisson", "negbin"):
        raise ParameterError("exposure is only used by model='poisson' or 'negbin'.")

    y = _validate.check_y(y, transform=transform, model=model)
    index = y.index
    freq = _validate.frequency_family(index, str(y.name))
    ivs = _validate.as_interventions(interventions)
    _validate.check_dates(ivs, index, str(y.name))
    pos0 = min(start_position(index, iv.start) for iv in ivs)
    n = len(index)

    ctrl = None
    if controls is not None:
        ctrl = _validate.check_aligned(controls, index, what="controls", needed=index)
    expo = None
    if exposure is not None:
        expo_frame = _validate.check_aligned(exposure, index, what="exposure", needed=index)
        expo = expo_frame.iloc[:, 0].to_numpy()
        if np.any(expo <= 0):
            raise DataValidationError("exposure must be > 0 on every date; drop zero periods.")

    if trend is None:
        trend = model != "structural"
    if model == "structural" and level is None:
        level = "local linear trend" if trend else "local level"

    fit_rows = np.arange(n) if method == "intervention" else np.arange(pos0)
    fit_span_years = len(fit_rows) / PERIODS_PER_YEAR[freq]

    # --- base design: what the counterfactual is made of ----------------------------
    base = pd.DataFrame(index=index)
    if model not in ("structural",) and not (model == "arima" and (order[1] or seasonal_order[1])):
        base["const"] = 1.0
    if trend and model != "structural":
        base["trend"] = np.arange(n, dtype=float)
    seas = seasonal_columns(index, seasonality, freq=freq, fit_span_years=fit_span_years)
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

    # --- campaign design ------------------------------------------------------------------
    estimated: dict[str, str] = {}
    if method == "intervention":
        ivs, estimated = _profile_shapes(ivs, z, base, model, index)
    camp = pd.concat([campaign_columns(iv, index) for iv in ivs], axis=1)
    for col in camp.columns:
        if np.nanstd(camp[col].to_numpy()) == 0:
            raise InterventionDateError(
                f"Term {col!r} is constant over the data (the campaign starts too close to the "
                "end); load later data or use shape='level'."
            )

    if errors not in ("ar", "hac"):
        raise ParameterError(f"errors={errors!r} is unknown; use 'ar' or 'hac'.")
    options = {
        "errors": errors,
        "use_t": use_t,
        "small_sample": small_sample,
        "order": tuple(order),
        "seasonal_order": tuple(seasonal_order),
        "level": level,
    }
    backend = make_backend(model, log=log, alpha=alpha, maxlags=maxlags, options=options)
    X = pd.concat([base, camp], axis=1) if method == "intervention" else base
    if model == "structural":
        X = X.drop(columns=[c for c in ("const", "trend") if c in X.columns])
    Xfit = X.iloc[fit_rows]
    mask = ~np.isnan(z[fit_rows])
    if Xfit.shape[1] and np.linalg.matrix_rank(Xfit.to_numpy()[mask]) < Xfit.shape[1]:
        raise DataValidationError(
            "The design is collinear: two campaigns, or a campaign and a control, cannot be "
            f"told apart ({', '.join(camp.columns)}); merge campaigns with identical dates."
        )
    backend.fit(z[fit_rows], Xfit, None if expo is None else expo[fit_rows])

    rng = np.random.default_rng(seed)
    S = int(n_simulations)
    post = np.arange(pos0, n)
    yv = y.to_numpy(dtype=float)
    if method == "intervention":
        names = list(camp.columns)
        b, V = backend.coef(names)
        bdraws = _mvn(b, V, S, rng)
        C = camp.to_numpy()
        contrib_point = C @ b
        contrib_draws = bdraws @ C.T
        per = {}
        for iv in ivs:
            cols = [names.index(t) for t in iv.terms]
            per[iv.name] = (C[:, cols] @ b[cols], bdraws[:, cols] @ C[:, cols].T)
        draws = _Draws.from_contributions(
            yv,
            contrib_point,
            contrib_draws,
            per,
            log_link=(log or backend.link == "log"),
            pos0=pos0,
        )
        p_value = backend.wald_p(names)
        p_by = {iv.name: backend.wald_p(iv.terms) for iv in ivs}
        fitted = backend.fitted
    else:
        Xf = X.iloc[post]
        point, sims = backend.simulate(Xf, None if expo is None else expo[post], S, rng)
        fitted = np.concatenate([backend.fitted, point])
        draws = _Draws.from_forecast(yv, pos0, point, sims)
        p_value = None
        p_by = None

    windows = _windows(ivs, index, pos0, evaluation_end)
    diagnostics = compute_diagnostics(
        y=y,
        z=z,
        fitted=fitted,
        pos0=pos0,
        backend=backend,
        base=base,
        controls=ctrl,
        model=model,
        method=method,
        estimated=estimated,
        freq=freq,
    )
    return ImpactResult(
        y=y,
        interventions=tuple(ivs),
        model=model,
        method=method,
        transform=transform,
        alpha=alpha,
        seed=seed,
        freq=freq,
        pos0=pos0,
        windows=windows,
        backend=backend,
        design=X,
        fitted=fitted,
        draws=draws,
        wald_p=p_value,
        wald_p_by=p_by,
        diagnostics=diagnostics,
        notes=notes,
    )


def _windows(ivs, index, pos0, evaluation_end) -> dict:
    """Evaluation windows (first, last position) overall and per campaign."""
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
    elif all(iv.evaluation_end is not None for iv in ivs):
        g_end = max(e for _, e in out.values())
    else:
        g_end = last
    out[None] = (pos0, min(g_end, last))
    return out


def _profile_shapes(ivs, z, base, model, index):
    """Estimate unknown ramp lengths and half-lives by profile least squares."""
    todo = [
        iv
        for iv in ivs
        if (iv.shape == "ramp" and iv.ramp_periods is None)
        or (iv.needs_half_life and iv.half_life is None)
    ]
    if not todo:
        return ivs, {}
    target = (
        np.log(np.where(np.isnan(z), np.nan, z) + 0.5) if model in ("poisson", "negbin") else z
    )
    mask = ~np.isnan(target)
    B = base.to_numpy()[mask]
    t = target[mask]
    current = {}
    for iv in ivs:
        current[iv.name] = dataclasses.replace(
            iv,
            ramp_periods=iv.ramp_periods or (14 if iv.shape == "ramp" else None),
            half_life=iv.half_life or (7.0 if iv.needs_half_life else None),
        )

    # Frisch-Waugh: partial the base regressors out once, then each trial is a small
    # regression of the target on the (partialled) campaign columns
    Q, _ = np.linalg.qr(B)

    def partial(v):
        cols = campaign_columns(v, index).to_numpy()[mask]
        return cols - Q @ (Q.T @ cols)

    t = t - Q @ (Q.T @ t)
    cols = {name: partial(v) for name, v in current.items()}

    def sse(name, candidate):
        trial = dict(cols)
        trial[name] = partial(candidate)
        Xm = np.column_stack(list(trial.values()))
        beta, *_ = np.linalg.lstsq(Xm, t, rcond=None)
        r = t - Xm @ beta
        return float(r @ r)

    n_post = len(index) - min(start_position(index, iv.start) for iv in ivs)
    estimated = {}
    for _sweep in range(2 if len(todo) > 1 else 1):
        for iv in todo:
            best = None
            if iv.shape == "ramp" and iv.ramp_periods is None:
                for r in range(1, max(2, min(RAMP_GRID_MAX, n_post)) + 1):
                    cand = dataclasses.replace(current[iv.name], ramp_periods=r)
                    val = sse(iv.name, cand)
                    if best is None or val < best[0]:
                        best = (val, cand)
                current[iv.name] = best[1]
                cols[iv.name] = partial(best[1])
                estimated[iv.name] = f"ramp of {best[1].ramp_periods} periods (estimated)"
            if iv.needs_half_life and iv.half_life is None:
                best = None
                for hl in HALF_LIFE_GRID:
                    cand = dataclasses.replace(current[iv.name], half_life=hl)
                    val = sse(iv.name, cand)
                    if best is None or val < best[0]:
                        best = (val, cand)
                current[iv.name] = best[1]
                cols[iv.name] = partial(best[1])
                estimated[iv.name] = f"half-life of {best[1].half_life:g} periods (estimated)"
    return [current[iv.name] for iv in ivs], estimated

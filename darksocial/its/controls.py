"""Control series measured with noise: their day-to-day sampling noise taken out.

A control (non-branded search clicks, another Google Trends term) stands for the market's
ups and downs that the outcome shares. What is measured is that signal plus sampling noise
of its own: Poisson noise of a count (variance about ``1 / count`` on the log scale, so a
control of 200 clicks a day carries as much of it as a market signal of sd 0.07), Google
Trends' sampling and rounding. That noise is white, the market signal persistent. Put into
a regression as measured, a noisy control has two costs (classical errors in variables):

- its coefficient is attenuated toward zero, so it carries less of the shared swings (and of
  any calendar shape the calendar terms miss) than it could, and the counterfactual is
  less precise than the data allow;
- the outcome's error is then correlated with the control's *other* days (the shared signal
  is persistent, the control's noise is not), which the feasible GLS of AR errors assumes
  away: its intervals come out too narrow.

:func:`denoise` replaces each control by its expected value given the whole measured
series (regression calibration, Carroll et al. 2006, ch. 4): the control's calendar part by
least squares on the model's own calendar terms, what they leave as an AR(1) signal plus
white noise by maximum likelihood (statsmodels ``UnobservedComponents``), and the signal
read by the Kalman smoother. A control without white noise of its own comes back unchanged.
Measured on known truth in ``docs/methods.md`` (issue #14).
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
import pandas as pd

__all__ = ["denoise"]

#: Fewest observed periods a control needs before its noise is estimated; a shorter control
#: is used as measured (two variances and an AR coefficient from fewer are guesswork).
MIN_PERIODS = 100
#: White noise below this share of the residual variance is left in: nothing to gain.
MIN_NOISE_SHARE = 0.02


def denoise(controls: pd.DataFrame, calendar: pd.DataFrame) -> pd.DataFrame:
    """Each control column without its own white sampling noise.

    Parameters
    ----------
    controls : pandas.DataFrame
        Control series (rows are periods; no missing values).
    calendar : pandas.DataFrame
        The model's calendar regressors on the same rows (constant, trend, day of week,
        yearly terms, holidays); their part of each control is kept as fitted.

    Returns
    -------
    pandas.DataFrame
        Same shape and labels. A strictly positive column is smoothed on the log scale
        (sampling noise of a count is multiplicative), any other on its own scale; a
        column with fewer than :data:`MIN_PERIODS` rows, without persistent signal, or
        with white noise under :data:`MIN_NOISE_SHARE` of what the calendar leaves is
        returned as it was.
    """
    C = calendar.to_numpy(dtype=float)
    out = controls.copy()
    for col in controls.columns:
        x = controls[col].to_numpy(dtype=float)
        out[col] = _denoised(x.tobytes(), C.tobytes(), C.shape)
    return out


def _denoised(x_bytes: bytes, c_bytes: bytes, c_shape: tuple) -> np.ndarray:
    # placebo and triangulation refits share a control and its calendar: smoothed once
    return _denoised_cached(x_bytes, c_bytes, c_shape).copy()


@functools.lru_cache(maxsize=64)
def _denoised_cached(x_bytes: bytes, c_bytes: bytes, c_shape: tuple) -> np.ndarray:
    x = np.frombuffer(x_bytes, dtype=float)
    C = np.frombuffer(c_bytes, dtype=float).reshape(c_shape)
    if len(x) < MIN_PERIODS or not np.all(np.isfinite(x)) or np.nanstd(x) == 0:
        return x.copy()
    log = bool(np.all(x > 0))
    z = np.log(x) if log else x
    A = np.column_stack([np.ones(len(z)), C]) if C.size else np.ones((len(z), 1))
    coef, *_ = np.linalg.lstsq(A, z, rcond=None)
    resid = z - A @ coef
    signal = _smoothed_signal(resid)
    if signal is None:
        return x.copy()
    clean = A @ coef + signal
    return np.exp(clean) if log else clean


def _smoothed_signal(resid: np.ndarray) -> np.ndarray | None:
    """``E[AR(1) signal | resid]`` when ``resid`` is an AR(1) plus white noise, else None."""
    import statsmodels.api as sm

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            model = sm.tsa.UnobservedComponents(resid, irregular=True, autoregressive=1)
            res = model.fit(disp=False)
        except (ValueError, np.linalg.LinAlgError):  # pragma: no cover - degenerate series
            return None
    params = dict(zip(model.param_names, np.asarray(res.params, dtype=float), strict=True))
    white, shock, phi = params["sigma2.irregular"], params["sigma2.ar"], params["ar.L1"]
    if not (np.isfinite(white) and np.isfinite(shock) and 0 < phi < 1):
        return None
    signal_var = shock / (1 - phi**2)
    if white < MIN_NOISE_SHARE * (white + signal_var):
        return None
    return np.asarray(res.smoothed_state[0], dtype=float)

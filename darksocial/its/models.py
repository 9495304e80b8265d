"""Model backends of the ITS engine: segmented OLS, regression with ARIMA errors,
unobserved components (by Kalman MLE, or Bayesian by Gibbs sampling), and Poisson /
negative binomial GLMs.

Each backend is fitted on the modelling scale (``y``, ``log(y)`` or, for GLMs, counts
with a log link) and exposes the same small surface to :mod:`darksocial.its.fitting`:
the parameter table, the coefficient covariance, in-sample fitted values on the original
scale, and :meth:`simulate` for counterfactual paths that include parameter uncertainty
and (autocorrelated) observation noise.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.regression.linear_model import GLSAR, OLS
from statsmodels.tsa.statespace.sarimax import SARIMAX
from statsmodels.tsa.statespace.structural import UnobservedComponents

from darksocial.constants import AR_ERROR_ORDER, STRUCTURAL_PARAM_DRAWS
from darksocial.errors import DataValidationError
from darksocial.formatting import join_words
from darksocial.its.bsts import forecast, sample_posterior
from darksocial.its.design import CALENDAR_CATEGORIES, term_words
from darksocial.its.reml import arma_filter_end, arma_reml, kalman_innovations

__all__ = ["make_backend", "mvn_draws", "newey_west_lags"]


def newey_west_lags(n: int) -> int:
    """Newey-West (1994) lag rule ``floor(4 * (n / 100) ** (2 / 9))``.

    Parameters
    ----------
    n : int
        Number of observations used in the fit.

    Returns
    -------
    int
        The number of lags of the Bartlett kernel (at least 1).
    """
    return max(1, int(math.floor(4 * (n / 100.0) ** (2.0 / 9.0))))


def _ar1(resid: np.ndarray) -> tuple[float, float, float]:
    """Lag-1 autocorrelation, innovation sd and last residual from consecutive pairs."""
    r = np.asarray(resid, dtype=float)
    ok = ~np.isnan(r)
    centred = np.where(ok, r - np.nanmean(r), np.nan)
    a, b = centred[1:], centred[:-1]
    pair = ~np.isnan(a) & ~np.isnan(b)
    var = np.nanvar(centred)
    if pair.sum() < 3 or var <= 0:
        phi = 0.0
    else:
        phi = float(np.sum(a[pair] * b[pair]) / np.sum(centred[ok] ** 2))
    phi = float(np.clip(phi, -0.98, 0.98))
    last_pos = np.flatnonzero(ok)[-1]
    gap = len(r) - 1 - last_pos
    last = float(centred[last_pos]) * phi**gap
    return phi, math.sqrt(max(var, 0.0) * (1 - phi**2)), last


def _ar1_paths(phi, sd_innov, last, h, size, rng) -> np.ndarray:
    """AR(1) noise paths of length ``h`` continuing from ``last`` (``size`` x ``h``)."""
    shocks = rng.standard_normal((size, h)) * sd_innov
    out = np.empty((size, h))
    prev = np.full(size, last)
    for j in range(h):
        prev = phi * prev + shocks[:, j]
        out[:, j] = prev
    return out


def _log_point(z: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Point forecast on the original scale from log-scale draws.

    ``exp(median(z) + var(noise) / 2)`` at each period: the log-scale centre, corrected
    for the error model's own noise by the lognormal mean (which makes the point an
    expected level, as the truth of the calibration study is), but not for the
    parameters' estimation error, which belongs in the interval. The plain mean of
    ``exp(z)`` also averages over the parameter draws, whose t tails then decide it: a
    69-day real export put a counterfactual at -2e97 clicks a day, and a simulated short
    persistent series at twice the observed level under no effect.

    Parameters
    ----------
    z : numpy.ndarray
        ``draws x periods`` log-scale paths (regression part plus noise).
    noise : numpy.ndarray
        The noise part of the same paths.
    """
    return np.exp(np.median(z, axis=0) + np.var(noise, axis=0) / 2)


def mvn_draws(mean: np.ndarray, cov: np.ndarray, size: int, rng, df=None) -> np.ndarray:
    """Draws from a multivariate normal (or t), robust to a singular or failed covariance.

    Parameters
    ----------
    mean : numpy.ndarray
        Mean vector (length ``k``).
    cov : numpy.ndarray
        Covariance (``k x k``); negative eigenvalues from rounding are clipped to zero,
        and a non-finite covariance gives ``size`` copies of ``mean``.
    size : int
        Number of draws.
    rng : numpy.random.Generator
        Source of the standard normal draws.
    df : float, optional
        Degrees of freedom: multivariate t draws (the normal ones scaled by
        ``sqrt(df / chi2_df)``, one scale per draw) when the covariance is itself estimated
        with that many degrees of freedom. Default: normal.

    Returns
    -------
    numpy.ndarray
        ``size x k`` draws.
    """
    cov = np.asarray(cov, dtype=float)
    if not np.all(np.isfinite(cov)):
        return np.repeat(mean[None, :], size, axis=0)
    cov = (cov + cov.T) / 2
    vals, vecs = np.linalg.eigh(cov)
    root = vecs * np.sqrt(np.clip(vals, 0, None))
    dev = rng.standard_normal((size, len(mean))) @ root.T
    if df is not None and np.isfinite(df):
        dev *= np.sqrt(df / rng.chisquare(df, size))[:, None]
    return mean[None, :] + dev


def _normal_params_frame(est, se, names, alpha: float, df: float | None = None) -> pd.DataFrame:
    """Coefficient table with normal (Wald) intervals and p-values; t with ``df`` if given."""
    dist = stats.norm if df is None else stats.t(df)
    zq = dist.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = 2 * dist.sf(np.abs(est / se))
    frame = pd.DataFrame(
        {
            "estimate": est,
            "std_err": se,
            "lower": est - zq * se,
            "upper": est + zq * se,
            "p_value": p,
        },
        index=names,
    )
    frame.index.name = "term"
    return frame


class _Backend:
    """Shared surface of every backend (see the module docstring)."""

    link = "identity"
    uses_t = False

    def __init__(self, *, log: bool, alpha: float, maxlags: int | None, options: dict):
        self.log = log
        self.alpha = alpha
        self.maxlags_option = maxlags
        self.options = options
        self.maxlags = None

    # -- fitted quantities ---------------------------------------------------------------
    def params_frame(self) -> pd.DataFrame:
        res = self.res
        ci = np.asarray(res.conf_int(alpha=self.alpha))
        frame = pd.DataFrame(
            {
                "estimate": np.asarray(res.params, dtype=float),
                "std_err": np.asarray(res.bse, dtype=float),
                "lower": ci[:, 0],
                "upper": ci[:, 1],
                "p_value": np.asarray(res.pvalues, dtype=float),
            },
            index=self.param_names,
        )
        frame.index.name = "term"
        return frame

    def coef(self, names: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Estimates and covariance of the named coefficients."""
        idx = [self.param_names.index(n) for n in names]
        params = np.asarray(self.res.params, dtype=float)
        cov = np.asarray(self.cov, dtype=float)
        return params[idx], cov[np.ix_(idx, idx)]

    def wald_p(self, names: list[str]) -> float:
        """p-value of the Wald test that all named coefficients are zero."""
        b, v = self.coef(names)
        try:
            stat = float(b @ np.linalg.solve(v, b))
        except np.linalg.LinAlgError:
            return float("nan")
        k = len(names)
        df = getattr(self, "draw_df", None) or self.df_resid
        if self.uses_t and df:
            return float(stats.f.sf(stat / k, k, df))
        return float(stats.chi2.sf(stat, k))

    def to_original(self, z: np.ndarray) -> np.ndarray:
        return np.exp(z) if self.log else z


class SegmentedBackend(_Backend):
    """Linear regression for ``model="segmented"``, with AR or HAC error handling.

    ``errors="ar"`` (default): feasible GLS with AR(``AR_ERROR_ORDER``) errors
    (statsmodels ``GLSAR`` with given coefficients), the coefficients by Yule-Walker on the
    OLS residuals corrected for what the regressors absorb (:func:`latent_ar`). The order is
    5, not 2: the log of a count is AR(1) plus white noise, an ARMA(1,1) whose long-run
    variance AR(2) understates (see the constant). The AR coefficients' own estimation
    error is carried into the intervals (:func:`_ar_uncertainty`): t draws and p-values
    with its Satterthwaite degrees of freedom, and counterfactual noise paths each with
    their own coefficients drawn from the Yule-Walker sampling distribution. ``errors="hac"``: OLS with Newey-West HAC
    standard errors. HAC is the textbook choice, but a campaign dummy's residuals sum to
    zero over its own window, so the kernel estimate of their long-run variance is biased
    down: on daily series with AR(1) noise its 95% intervals covered about 91% and its
    false-positive rate was about 8%; AR(2) GLS brought both to nominal (see
    ``benchmarks/calibration.py``).

    Missing periods inside the series are not closed up: the AR autocovariances count
    lags in periods (:func:`_autocov`), GLS is whitened by a Kalman filter that predicts
    across the gaps (:class:`_WhitenedGLS`; GLSAR where there is no such gap), and paths
    after a sample whose last periods are missing start from the filtered state.
    """

    def fit(self, z: np.ndarray, X: pd.DataFrame, exposure=None):
        mask = ~np.isnan(z)
        Xm = X.to_numpy()[mask]
        self.param_names = list(X.columns)
        n = int(mask.sum())
        self.uses_t = bool(self.options.get("use_t", True))
        self.errors = self.options.get("errors", "ar")
        self.draw_df = None
        self.gaps = _has_gaps(mask)
        if self.errors == "ar":
            # AR coefficients from the OLS residuals, corrected for the slow part of the
            # noise that trend, yearly terms and campaign columns absorb (latent_ar); the
            # iterated Cochrane-Orcutt estimate they replace was biased toward zero and
            # left 95% intervals covering ~90% on AR(1) noise (calibration_grid.py).
            # latent_ar counts lags in periods, across missing ones.
            ols = OLS(z[mask], Xm).fit()
            resid0 = np.full(len(z), np.nan)
            resid0[mask] = ols.resid
            rho, s2, _v = latent_ar(resid0, 0.0, AR_ERROR_ORDER, X=Xm)
            self.rho_cov, self.draw_df = _ar_uncertainty(rho, s2, n, n - Xm.shape[1])
            if not self.uses_t:
                self.draw_df = None
            rho = np.r_[rho, np.zeros(AR_ERROR_ORDER - len(rho))]
            if self.gaps:
                # Missing periods inside the series: GLS whitened by the Kalman filter of
                # the AR errors, which predicts across each gap (GLSAR's filter would
                # read the rows as consecutive periods)
                self.model = _WhitenedGLS(z, X.to_numpy(), rho)
            else:
                self.model = GLSAR(z[mask], Xm, rho=rho)
            # (get_robustcov_results has no "nonrobust": use_t=False raised ValueError)
            self.res = self.model.fit(use_t=self.uses_t)
            self.rho = np.asarray(self.model.rho, dtype=float)
        else:
            self.maxlags = int(self.maxlags_option) if self.maxlags_option else newey_west_lags(n)
            self.model = OLS(z[mask], Xm)
            self.res = self.model.fit(
                cov_type="HAC",
                cov_kwds={"maxlags": self.maxlags, "use_correction": self.options["small_sample"]},
                use_t=self.uses_t,
            )
        self.df_resid = float(self.res.df_resid)
        self.cov = np.asarray(self.res.cov_params())
        self.beta = np.asarray(self.res.params)
        lp = X.to_numpy() @ self.beta
        self.resid = np.where(mask, z - lp, np.nan)
        if self.errors == "ar":
            # innovations: what the AR filter leaves (for diagnostics and simulation)
            self.innovations = np.full(len(z), np.nan)
            if self.gaps:
                self.innovations[mask] = self.model.innovations(self.resid)
            else:
                self.innovations[mask] = _ar_filter(self.resid[mask], self.rho)
        self.ar1 = _ar1(self.resid)
        smear = float(np.nanmean(np.exp(self.resid))) if self.log else 1.0
        self.fitted = np.exp(lp) * smear if self.log else lp
        self.lp = lp
        self.resid_sd = float(np.nanstd(self.resid, ddof=X.shape[1]))
        return self

    def params_frame(self) -> pd.DataFrame:
        if self.draw_df is None or not self.uses_t:
            return super().params_frame()
        # t intervals with the Satterthwaite degrees of freedom of the AR-based variance
        se = np.sqrt(np.clip(np.diag(self.cov), 0, None))
        return _normal_params_frame(self.beta, se, self.param_names, self.alpha, self.draw_df)

    def simulate(self, X_f: pd.DataFrame, exposure_f, size: int, rng):
        betas = mvn_draws(self.beta, self.cov, size, rng, df=self.draw_df)
        lp = betas @ X_f.to_numpy().T
        if self.errors == "ar":
            sd = float(np.nanstd(self.innovations, ddof=len(self.rho)))
            rho = _stationary_draws(self.rho, self.rho_cov, size, rng)
            p = len(self.rho)
            if np.isnan(self.resid[-p:]).any():
                # one of the last p periods is missing: the paths start from the filtered
                # state, which predicts across the gap, with each path's own coefficients
                noise = _filtered_ar_paths(self.resid, rho, sd, X_f.shape[0], size, rng)
            else:
                # the last p residuals are the AR's state: exact
                recent = self.resid[-p:]
                noise = _ar_paths(rho, sd, recent, X_f.shape[0], size, rng)
        else:
            phi, sd, last = self.ar1
            noise = _ar1_paths(phi, sd, last, X_f.shape[0], size, rng)
        z = lp + noise
        draws = self.to_original(z)
        point = X_f.to_numpy() @ self.beta if not self.log else _log_point(z, noise)
        return point, draws


def _has_gaps(mask: np.ndarray) -> bool:
    """Whether a missing period lies between the first and the last observed one."""
    pos = np.flatnonzero(mask)
    return bool(len(pos) and pos[-1] - pos[0] + 1 > len(pos))


class _WhitenedGLS:
    """GLS with stationary AR(p) errors on a series with missing periods.

    The rows are whitened by the exact one-step prediction errors of the AR (a Kalman
    filter started from the stationary distribution, predicting across missing periods:
    :func:`darksocial.its.reml.kalman_innovations`), each scaled by its standard
    deviation; OLS on the whitened rows is then GLS. Unlike GLSAR, which drops the
    first ``p`` rows, every observed period counts. The interface is what
    :class:`SegmentedBackend` uses of GLSAR: ``rho`` and ``fit(use_t)``.
    """

    def __init__(self, z: np.ndarray, X: np.ndarray, rho: np.ndarray):
        self.rho = np.asarray(rho, dtype=float)
        self.observed = ~np.isnan(z)
        first, last = np.flatnonzero(self.observed)[[0, -1]]
        self.span = slice(first, last + 1)
        W = self._whiten(np.column_stack([z, X]))
        self.wendog, self.wexog = W[:, 0], W[:, 1:]

    def _whiten(self, D: np.ndarray) -> np.ndarray:
        innov, mse = kalman_innovations(
            D[self.span], self.rho, np.zeros(0), self.observed[self.span]
        )
        return innov / np.sqrt(mse)[:, None]

    def innovations(self, resid: np.ndarray) -> np.ndarray:
        """Standardized prediction errors of ``resid`` (all periods in, observed ones out)."""
        r = np.where(self.observed, resid, 0.0)
        return self._whiten(r[:, None])[:, 0]

    def fit(self, use_t: bool = True):
        return OLS(self.wendog, self.wexog).fit(use_t=use_t)


def _filtered_ar_paths(resid, rho, sd_innov, h, size, rng) -> np.ndarray:
    """AR(p) noise paths after the sample from the filtered state (missing periods allowed).

    ``rho`` is one coefficient vector or one per path (``size x p``). The residuals are
    filtered under each path's coefficients (:func:`darksocial.its.reml.arma_filter_end`);
    each path starts from a draw of the state one period after the sample.
    """
    rho = np.asarray(rho, dtype=float)
    rho = np.tile(rho, (size, 1)) if rho.ndim == 1 else rho
    r = np.asarray(resid, dtype=float)
    r = r[np.flatnonzero(~np.isnan(r))[0] :]
    a, P, T, R = arma_filter_end(np.tile(r, (size, 1)), rho, np.zeros((size, 0)))
    return _paths_from_state(a, P, T, R, np.full(size, float(sd_innov)), h, rng)


def _paths_from_state(a, P, T, R, sd, h: int, rng) -> np.ndarray:
    """Paths of ``h`` periods from filtered ARMA states (:func:`arma_filter_end`'s output).

    Row ``i`` starts from a draw of the state, mean ``a[i]`` and covariance
    ``P[i] * sd[i]**2``, and moves with its own transition and innovations of sd ``sd[i]``
    (a row with ``sd`` 0 is the mean path). Returns ``b x h``.
    """
    vals, vecs = np.linalg.eigh(P * (sd**2)[:, None, None])
    root = vecs * np.sqrt(np.clip(vals, 0, None))[:, None, :]
    state = a + np.einsum("bij,bj->bi", root, rng.standard_normal(a.shape))
    out = np.empty((len(a), h))
    for j in range(h):
        out[:, j] = state[:, 0]
        shock = sd * rng.standard_normal(len(a))
        state = np.einsum("bij,bj->bi", T, state) + R * shock[:, None]
    return out


def _ar_uncertainty(rho: np.ndarray, s2: float, n: int, df_resid: float):
    """Sampling covariance of Yule-Walker AR coefficients and the Satterthwaite df.

    The AR coefficients have the large-sample covariance ``s2 * Gamma_p^-1 / n``
    (``Gamma_p`` the AR's autocovariance matrix). A coefficient's GLS variance is ``s2``
    times a function of ``rho``; for a campaign column or a forecast average over weeks
    that function is the long-run variance factor ``1 / (1 - sum(rho))**2``, so by the delta
    method ``var(log V_hat) = 2 / df_resid + 4 * 1' V_rho 1 / (1 - sum(rho))**2``, and
    ``V_hat`` behaves like a scaled chi-square with ``2 / var(log V_hat)`` degrees of freedom
    (Satterthwaite). With persistent noise these are tens, not the ``n - k`` of OLS: the
    estimated persistence is the main uncertainty of the interval's width.

    Returns
    -------
    rho_cov : numpy.ndarray or None
        ``p x p`` covariance of the coefficients (None without AR terms).
    df : float or None
        Satterthwaite degrees of freedom (None without AR terms).
    """
    p = len(rho)
    if p == 0 or s2 <= 0 or n <= p:
        return None, None
    g = ar_autocov(rho, s2, p)
    G = g[np.abs(np.arange(p)[:, None] - np.arange(p)[None, :])]
    try:
        V = s2 * np.linalg.inv(G) / n
    except np.linalg.LinAlgError:
        return None, None
    var_log = 2.0 / max(df_resid, 1.0) + 4.0 * float(V.sum()) / (1.0 - float(rho.sum())) ** 2
    # at least 3, as for REML (_arma_satterthwaite): below that t draws have no variance,
    # and on the log scale their back-transformed mean none either (69 days of a real
    # Search Console export gave 1.15 and a counterfactual average of -2e97 clicks a day)
    return V, float(max(2.0 / var_log, 3.0))


def _stationary_draws(rho: np.ndarray, cov, size: int, rng) -> np.ndarray:
    """``size`` draws of AR coefficients from ``N(rho, cov)``; non-stationary draws -> ``rho``.

    Returns ``rho`` itself (one vector for every path) when ``cov`` is None.
    """
    rho = np.asarray(rho, dtype=float)
    if cov is None:
        return rho
    p = len(rho)
    V = np.zeros((len(rho), len(rho)))
    V[: len(cov), : len(cov)] = cov
    draws = mvn_draws(rho, V, size, rng)
    # stationary iff every eigenvalue of the companion matrix lies inside the unit circle
    comp = np.zeros((size, p, p))
    comp[:, 0, :] = draws
    comp[:, np.arange(1, p), np.arange(p - 1)] = 1.0
    ok = np.max(np.abs(np.linalg.eigvals(comp)), axis=1) < 0.999
    draws[~ok] = rho
    return draws


def _ar_filter(r: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """Innovations ``e_t = r_t - sum_k rho_k r_{t-k}`` (NaN for the first ``p`` rows)."""
    p = len(rho)
    out = np.full(len(r), np.nan)
    for t in range(p, len(r)):
        out[t] = r[t] - float(np.dot(rho, r[t - p : t][::-1]))
    return out


def _ar_paths(rho, sd_innov, recent, h, size, rng) -> np.ndarray:
    """AR(p) noise paths of length ``h`` continuing from the ``recent`` residuals."""
    rho = np.asarray(rho, dtype=float)
    p = rho.shape[-1]
    hist = np.tile(np.asarray(recent, dtype=float)[::-1][:p], (size, 1))  # newest first
    if hist.shape[1] < p:
        hist = np.pad(hist, ((0, 0), (0, p - hist.shape[1])))
    out = np.empty((size, h))
    shocks = rng.standard_normal((size, h)) * sd_innov
    for j in range(h):
        # rho is one coefficient vector, or one per path (size x p)
        nxt = (np.sum(hist * rho, axis=1) if rho.ndim == 2 else hist @ rho) + shocks[:, j]
        out[:, j] = nxt
        hist = np.concatenate([nxt[:, None], hist[:, :-1]], axis=1)
    return out


def _autocov(r: np.ndarray, max_lag: int) -> np.ndarray:
    """Sample autocovariances ``gamma_0..gamma_max_lag`` of ``r``, lags counted in periods.

    Missing values (NaN) are skipped pair by pair: lag ``k`` averages the products of the
    observed pairs ``k`` periods apart, times ``1 - k / N`` (``N`` the span from the first
    to the last observed period). Without missing values inside the span this is the
    usual biased, positive-definite estimator (sum over ``n``). Dividing every lag by the
    number of observed values instead shrank the lag-1 autocovariance by the share of
    pairs lost: with 30% of days missing, AR(1) noise with ``phi = 0.8`` came out at 0.42.
    """
    ok = ~np.isnan(r)
    pos = np.flatnonzero(ok)
    if not len(pos):
        return np.zeros(max_lag + 1)
    ok = ok[pos[0] : pos[-1] + 1]
    c = np.where(ok, r[pos[0] : pos[-1] + 1] - np.nanmean(r), 0.0)
    span = len(c)
    out = np.zeros(max_lag + 1)
    for k in range(min(max_lag, span - 1) + 1):
        pairs = int(np.count_nonzero(ok[k:] & ok[: span - k]))
        if pairs:
            out[k] = float(np.dot(c[k:], c[: span - k])) / pairs * (1.0 - k / span)
    return out


def _yule_walker(g: np.ndarray, white_var: float, p: int):
    """Stationary AR of order <= ``p`` from autocovariances ``g`` (lag 0 less ``white_var``)."""
    g0 = g[0] - white_var
    if g0 <= 0:
        return np.zeros(0), 0.0, 0.0
    for order in range(p, 0, -1):
        gam = np.r_[g0, g[1 : order + 1]]
        R = np.array([[gam[abs(i - j)] for j in range(order)] for i in range(order)])
        try:
            rho = np.linalg.solve(R, gam[1 : order + 1])
        except np.linalg.LinAlgError:
            continue
        roots = np.roots(np.r_[1.0, -rho][::-1])
        s2 = float(g0 - rho @ gam[1 : order + 1])
        if s2 > 0 and (len(roots) == 0 or np.all(np.abs(roots) > 1.0001)):
            return rho, s2, float(g0)
    return np.zeros(0), float(g0), float(g0)


def _residual_acov_bias(gam, white_var, X, W, pos, p) -> np.ndarray:
    """``E[sample autocovariance of residuals] - gamma`` at lags ``0..p``.

    Residuals of a (weighted) regression are ``r = M e`` with ``M = I - X (X'WX)^-1 X'W``,
    so their expected autocovariances are the diagonal sums of ``M S M'`` (``S`` the
    errors' covariance), not ``S``'s: smooth regressors (trend, yearly terms, a long
    campaign) absorb the slow part of the noise and make it look less persistent. The
    sums run over the observed pairs ``k`` periods apart (``pos`` the periods of the
    rows), as :func:`_autocov` does.
    """
    n = len(pos)
    span = int(pos[-1] - pos[0] + 1)
    lags = np.abs(pos[:, None] - pos[None, :])
    S = gam[lags] + white_var * np.eye(n)
    C = X * W[:, None]
    try:
        P = X @ np.linalg.inv(X.T @ C)
    except np.linalg.LinAlgError:
        return np.zeros(p + 1)
    D = S @ C
    PG = P @ (C.T @ D)
    row = np.full(span, -1)
    row[pos - pos[0]] = np.arange(n)
    out = np.zeros(p + 1)
    for k in range(min(p, span - 1) + 1):
        a, b = row[: span - k], row[k:]
        keep = (a >= 0) & (b >= 0)
        a, b = a[keep], b[keep]
        if not len(a):
            continue
        corr = np.sum(P[a] * D[b]) + np.sum(D[a] * P[b]) - np.sum(PG[a] * P[b])
        level = gam[k] + (white_var if k == 0 else 0.0)
        out[k] = -corr / len(a) * (1.0 - k / span) - k * level / span
    return out


def latent_ar(
    r: np.ndarray,
    white_var: float,
    p: int,
    *,
    X: np.ndarray | None = None,
    W: np.ndarray | None = None,
    iterations: int = 3,
) -> tuple[np.ndarray, float, float]:
    """AR(``p``) of a latent process observed with independent white noise.

    ``r_t = u_t + w_t`` with ``u`` an AR(p) and ``w`` white noise of known variance (the
    Poisson part of a log count, ``1 / mu``): only the lag-0 autocovariance of ``r``
    contains ``w``, so the Yule-Walker equations are solved with ``gamma_0 - white_var``.
    Fitting the AR to ``r`` itself would attenuate its coefficients (by ``var(u) /
    var(r)`` at lag one) and understate the long-run variance that the interval of an
    average over many periods depends on.

    With the regression's design ``X`` (and weights ``W``), the sample autocovariances are
    also corrected for what fitting the regression took out of the residuals: the
    coefficients are the fixed point of "Yule-Walker on the sample autocovariances plus
    the bias this AR implies for residual autocovariances" (:func:`_residual_acov_bias`),
    a method-of-moments analogue of REML.

    Parameters
    ----------
    r : numpy.ndarray
        Residuals on the log scale (NaN where missing).
    white_var : float
        Variance of the white observation noise.
    p : int
        AR order; lowered until the fitted AR is stationary (0: no persistence).
    X : numpy.ndarray, optional
        Design of the regression the residuals come from (rows of the non-missing ``r``).
    W : numpy.ndarray, optional
        Its weights (default 1).
    iterations : int, default 3
        Fixed-point iterations of the correction.

    Returns
    -------
    rho : numpy.ndarray
        AR coefficients (length ``<= p``).
    innovation_var : float
        Variance of the AR innovations (0 when no latent variance is left).
    latent_var : float
        Marginal variance of the latent process.
    """
    g = _autocov(r, p)
    fitted = _yule_walker(g, white_var, p)
    if X is None or X.shape[1] == 0:
        return fitted
    pos = np.flatnonzero(~np.isnan(r))
    W = np.ones(len(pos)) if W is None else np.asarray(W, dtype=float)
    span = int(pos[-1] - pos[0] + 1)
    target = g
    for _ in range(iterations):
        rho, s2, _v = fitted
        if s2 <= 0:
            break
        gam = ar_autocov(rho, s2, span)
        target = g - _residual_acov_bias(gam, white_var, X, W, pos - pos[0], p)
        fitted = _yule_walker(target, white_var, p)
    return fitted


def ar_autocov(rho: np.ndarray, innovation_var: float, n_lags: int) -> np.ndarray:
    """Autocovariances ``gamma_0..gamma_{n_lags-1}`` of a stationary AR(p).

    Parameters
    ----------
    rho : numpy.ndarray
        AR coefficients.
    innovation_var : float
        Innovation variance.
    n_lags : int
        Number of autocovariances returned.

    Returns
    -------
    numpy.ndarray
    """
    p = len(rho)
    out = np.zeros(n_lags)
    if p == 0:
        out[0] = innovation_var
        return out
    # gamma_k = innovation_var * sum_j psi_j psi_{j+k}, psi the MA(infinity) weights,
    # truncated where they have decayed (|rho| <= 0.98 leaves < 1e-17 after 2,000 terms)
    m = n_lags + 2000
    psi = np.zeros(m)
    psi[0] = 1.0
    for j in range(1, m):
        k = min(p, j)
        psi[j] = float(np.dot(rho[:k], psi[j - k : j][::-1]))
    full = np.correlate(psi, psi, mode="full")[m - 1 :]
    return innovation_var * full[:n_lags]


class GLMBackend(_Backend):
    """Poisson or negative binomial (NB2) regression, with a latent AR(p) log-scale noise.

    Counts are ``Poisson(mu_t exp(u_t))`` with ``u`` a stationary AR(``AR_ERROR_ORDER``)
    on the log scale. ``u`` is estimated from the log residuals with their Poisson part
    (``1 / mu``) taken out of the lag-0 autocovariance (:func:`latent_ar`). The
    coefficient covariance is the GLM sandwich ``B X'W S W X B`` (``B = (X'WX)^-1``) with
    ``S`` the covariance of the working residuals that this noise model implies
    (``Toeplitz(gamma_u) + diag(1 / mu)``): a parametric long-run variance, where
    Newey-West's few Bartlett lags ran 10-15% too narrow on AR(1) noise with
    ``phi >= 0.5`` (``benchmarks/calibration_grid.py``). The order is 5, not 2, for the
    segmented errors' reason (see the constant): a control's own Poisson noise stays in
    the residuals, so ``u`` is ARMA(1,1)-like, whose long-run variance AR(2) understates.

    As for the segmented errors, the AR coefficients' own estimation error is carried
    (:func:`_ar_uncertainty`, unless ``use_t=False``): t quantiles and p-values (F for the
    Wald test) with its Satterthwaite degrees of freedom, t draws of the coefficients, and
    counterfactual paths that each continue the latent AR from its last values with their
    own coefficients (:func:`_stationary_draws`). The degrees of freedom take the latent
    innovation variance and ``n - k``. Two approximations pull in opposite directions:
    the Poisson part of the covariance has a known variance (so the covariance is less
    uncertain than its latent part alone), and the white noise makes the latent
    coefficients noisier than the pure-AR ``s2 Gamma^-1 / n`` assumes. The second wins, a
    little: over 1,000 null series per grid cell the variance of ``log`` of the campaign
    coefficient's estimated variance was 1.08-1.36 times the ``2 / df`` the degrees of
    freedom imply (central cell 0.055 against 0.046, df ~44; phi 0.8 0.096 against 0.071,
    df ~28): t quantiles 0.5-1.5% short, which the measured ``E[z^2]`` (see the constant)
    leaves within noise.
    """

    link = "log"

    def __init__(self, family: str, **kw):
        super().__init__(**kw)
        self.family = family

    def fit(self, z: np.ndarray, X: pd.DataFrame, exposure=None):
        mask = ~np.isnan(z)
        self.param_names = list(X.columns)
        self.maxlags = None
        self.uses_t = bool(self.options.get("use_t", True))
        self.df_resid = None
        Xm = X.to_numpy()[mask]
        offset = np.zeros(len(z)) if exposure is None else np.log(exposure)
        pois = GLM(z[mask], Xm, family=families.Poisson(), offset=offset[mask])
        if self.family == "poisson":
            self.nb_alpha = 0.0
            self.model = pois
        else:
            # NB2 dispersion by moments from the Poisson fit (var = mu + alpha mu^2), then
            # a GLM with that alpha: stable where full NB maximum likelihood is not
            mu0 = pois.fit().fittedvalues
            self.nb_alpha = max(float(np.mean(((z[mask] - mu0) ** 2 - z[mask]) / mu0**2)), 1e-8)
            self.model = GLM(
                z[mask],
                Xm,
                family=families.NegativeBinomial(alpha=self.nb_alpha),
                offset=offset[mask],
            )
        self.res = self.model.fit()
        self.beta = np.asarray(self.res.params)
        self.separated = _separated_terms(z[mask], Xm, self.param_names)
        self.lp = X.to_numpy() @ self.beta + offset
        mu = np.exp(self.lp)
        self.fitted = mu
        r = np.where(mask, np.log((z + 0.5) / (mu + 0.5)), np.nan)
        self.resid = np.where(mask, (z - mu) / np.sqrt(mu), np.nan)
        white = float(np.nanmean(1.0 / (mu[mask] + 0.5)))
        w = mu[mask] / (1.0 + self.nb_alpha * mu[mask])
        rho, s2, v_latent = latent_ar(r, white, AR_ERROR_ORDER, X=Xm, W=w)
        self.rho, self.innovation_var = rho, s2
        # the AR coefficients' estimation error (t quantiles, t draws, drawn coefficients
        # for the paths), as for the segmented errors: s2 is the latent innovation variance
        # (it cancels from the coefficients' covariance, s2 Gamma^-1 / n) and the innovation
        # variance counts n - k degrees of freedom. The known Poisson share of the variance
        # would argue for more, the white noise that makes the latent coefficients noisier
        # than s2 Gamma^-1 / n says for fewer; see the class docstring.
        n = int(mask.sum())
        self.rho_cov, self.draw_df = _ar_uncertainty(rho, s2, n, n - Xm.shape[1])
        if not self.uses_t:
            self.draw_df = None
        # the latent noise's values: shrink the observed log residuals toward zero by the
        # latent share of their variance (its regression on the noisy observation); the
        # paths continue from the last of them (across missing last days if need be)
        v_total = v_latent + white
        shrink = v_latent / v_total if v_total > 0 else 0.0
        self.latent_series = (r - np.nanmean(r)) * shrink
        recent = self.latent_series[np.flatnonzero(mask)[-max(len(rho), 1) :]]
        self.latent = (rho, math.sqrt(s2), recent, v_latent)
        self.cov = self._sandwich(Xm, mu[mask], np.flatnonzero(mask), rho, s2)
        self.resid_sd = float(np.nanstd(z - mu))
        return self

    def _sandwich(self, Xm, mu, pos, rho, s2) -> np.ndarray:
        w = mu / (1.0 + self.nb_alpha * mu)
        WX = Xm * w[:, None]
        try:
            bread = np.linalg.inv(Xm.T @ WX)
        except np.linalg.LinAlgError:
            return np.full((Xm.shape[1], Xm.shape[1]), np.nan)
        span = int(pos[-1] - pos[0] + 1)
        gam = ar_autocov(rho, s2, span) if s2 > 0 else np.zeros(span)
        lags = np.abs(pos[:, None] - pos[None, :])
        S = gam[lags] + np.diag(1.0 / mu)
        return bread @ (WX.T @ S @ WX) @ bread

    def params_frame(self) -> pd.DataFrame:
        se = np.sqrt(np.clip(np.diag(self.cov), 0, None))
        return _normal_params_frame(self.beta, se, self.param_names, self.alpha, self.draw_df)

    def simulate(self, X_f: pd.DataFrame, exposure_f, size: int, rng):
        Xv = X_f.to_numpy()
        hit = [n for n, (cols, base) in self.separated.items() if _in_forecast(Xv, cols, base)]
        if hit:
            # a calendar category whose periods are all zero: its coefficient runs to minus
            # infinity (statsmodels stops near -18 with a standard error of ~10,000), and
            # paths drawn from that normal approximation put the counterfactual at 1e20
            # clicks a day on a real 86-day Search Console export; a category the forecast
            # never meets (a holiday before launch only) does no harm
            days = join_words(term_words(hit))
            raise DataValidationError(
                f"The series is zero on every {days} before launch, so a count model "
                f"cannot tell how many to expect there: its counterfactual has no upper "
                "bound. The trend and season regression (model='segmented') still fits it; "
                "or use more history, with counts on those periods."
            )
        k = len(self.beta)
        betas = mvn_draws(self.beta, self.cov[:k, :k], size, rng, df=self.draw_df)
        offset = np.zeros(X_f.shape[0]) if exposure_f is None else np.log(exposure_f)
        log_mu = betas @ X_f.to_numpy().T + offset
        rho, sd, recent, v = self.latent
        h = X_f.shape[0]
        if len(rho):
            rho = _stationary_draws(rho, self.rho_cov, size, rng)
            if np.isnan(self.latent_series[-len(rho) :]).any():
                # one of the last p days is missing: start from the filtered state
                u = _filtered_ar_paths(self.latent_series, rho, sd, h, size, rng)
            else:
                u = _ar_paths(rho, sd, recent, h, size, rng)
        else:
            u = rng.standard_normal((size, h)) * sd
        # a path whose coefficients landed far in the t tails can ask for more than a
        # Poisson draw takes (rng.poisson raised "lam value too large" on a 69-day series);
        # capped at a billion times the largest expected count, it stays an extreme path
        cap = min(1e9 * max(float(np.nanmax(self.fitted)), 1.0), 1e18)
        with np.errstate(over="ignore"):
            lam = np.minimum(np.exp(log_mu + u - v / 2), cap)
        draws = rng.poisson(lam).astype(float)
        # expected counts: the latent noise has mean one (u - v / 2)
        return _log_point(log_mu, np.zeros_like(log_mu)), draws


def _separated_terms(y: np.ndarray, X: np.ndarray, names: list[str]) -> dict[str, tuple]:
    """Calendar categories whose fitted periods all have zero counts (complete separation).

    A count model's coefficient for such a category has no finite maximum: its expected
    count is zero, with no upper bound on what the data allow. Indicator (0/1) columns are
    checked, and the baseline category of the day-of-week and month dummies (the rows
    where all of them are 0), whose zero the intercept would have to chase.

    Returns
    -------
    dict
        Term name (``dow[Mon]`` for a baseline) -> which columns (or, for a baseline,
        the group's columns, all zero) mark its periods: ``{name: (columns, baseline)}``.
    """
    out = {}
    for j, name in enumerate(names):
        col = X[:, j]
        on = col != 0
        if on.any() and not on.all() and np.isin(col, (0.0, 1.0)).all() and y[on].sum() == 0:
            out[name] = (np.array([j]), False)
    for prefix, cats in CALENDAR_CATEGORIES.items():
        cols = [j for j, n in enumerate(names) if n.startswith(f"{prefix}[")]
        present = {names[j][len(prefix) + 1 : -1] for j in cols}
        missing = [c for c in cats if c not in present]
        if not cols or len(missing) != 1:
            continue
        base = (X[:, cols] == 0).all(axis=1)
        if base.any() and y[base].sum() == 0:
            out[f"{prefix}[{missing[0]}]"] = (np.array(cols), True)
    return out


def _in_forecast(X_f: np.ndarray, cols: np.ndarray, baseline: bool) -> bool:
    """Whether a separated category has periods among the forecast rows ``X_f``."""
    marked = (X_f[:, cols] == 0).all(axis=1) if baseline else (X_f[:, cols] != 0).any(axis=1)
    return bool(marked.any())


class StateSpaceBackend(_Backend):
    """Regression with SARIMA errors or an unobserved-components model, by Kalman MLE."""

    def __init__(self, kind: str, **kw):
        super().__init__(**kw)
        self.kind = kind

    def fit(self, z: np.ndarray, X: pd.DataFrame, exposure=None):
        self.df_resid = None
        self.reml = None
        self.draw_df = None
        exog = X if X.shape[1] else None
        if self.kind == "arima":
            self.model = SARIMAX(
                z,
                exog=None if exog is None else exog.to_numpy(),
                order=self.options["order"],
                seasonal_order=self.options["seasonal_order"],
                trend="n",
            )
            d, seasonal = self.options["order"][1], self.options["seasonal_order"]
            if exog is not None and d == 0 and not any(seasonal[:3]):
                return self._fit_reml(z, X)
        else:
            # With the campaign terms among the regressors (intervention method), the
            # coefficients go into the state vector: the Kalman filter then gives their
            # exact GLS estimate for the MLE variances. Estimated as parameters by the
            # numerical optimiser, they barely left their starting values (a +10% level
            # shift came out near 0: the -6.6% bias of the calibration study) while the
            # gradient test reported convergence.
            self.state_regression = bool(
                self.options.get("method") == "intervention" and exog is not None
            )
            self.model = UnobservedComponents(
                z,
                level=self.options["level"],
                autoregressive=int(self.options.get("autoregressive") or 0) or None,
                exog=None if exog is None else exog.to_numpy(),
                mle_regression=not self.state_regression,
            )
        with warnings.catch_warnings():
            # optimiser chatter; convergence is checked through the covariance below
            warnings.simplefilter("ignore")
            self.res = self.model.fit(disp=False, maxiter=200)
        if getattr(self, "state_regression", False):
            return self._finish_state_regression(z, X)
        names = list(self.model.param_names)
        k = X.shape[1]
        if k:
            # SARIMAX (trend="n") puts the k exog coefficients first, UC names them beta.*
            if self.kind == "arima":
                exog_idx = list(range(k))
            else:
                exog_idx = [i for i, nm in enumerate(names) if nm.startswith("beta.")]
            for i, col in zip(exog_idx, X.columns, strict=True):
                names[i] = col
        self.param_names = names
        self.exog_names = list(X.columns)
        return self._finish_filter(z)

    def _fit_reml(self, z: np.ndarray, X: pd.DataFrame):
        """Regression with stationary ARMA errors: ARMA coefficients by REML, then Kalman.

        The ARMA coefficients, innovation variance and GLS coefficients come from
        :func:`darksocial.its.reml.arma_reml` (maximum likelihood understated the errors'
        persistence beside smooth regressors; see that module). Missing periods are
        treated exactly there (the errors predicted across the gap), as by the Kalman
        filter that then gives fitted values, residuals and forecasts at those
        coefficients. The coefficient covariance is the GLS one, the
        ARMA coefficients' from the REML information, and their estimation error also
        enters as Satterthwaite degrees of freedom (t intervals and draws, as in
        :class:`SegmentedBackend`).
        """
        p, _d, q = self.options["order"]
        k = X.shape[1]
        r = arma_reml(z, X.to_numpy(), p, q)
        if self.options.get("order_auto") and q:
            # the default ARMA(1,1) unless the MA term does not earn its parameter (AIC
            # on the restricted likelihood, same regressors): on a short white-noise
            # series an AR root cancels the MA root and the long-run variance is anyone's
            r_ar = arma_reml(z, X.to_numpy(), p, 0)
            if r.loglike - r_ar.loglike < q:
                r, q = r_ar, 0
                self.model = SARIMAX(z, exog=X.to_numpy(), order=(p, 0, 0), trend="n")
        params = np.r_[r.beta, r.ar, r.ma, r.sigma2]
        cov = np.zeros((len(params), len(params)))
        cov[:k, :k] = r.beta_cov
        cov[k : k + p + q, k : k + p + q] = r.arma_cov
        cov[-1, -1] = 2.0 * r.sigma2**2 / r.df_resid
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # the REML covariance goes into the results object too: with cov_type="none"
            # res.model_result's bse, p-values and summary() were all NaN (statsmodels
            # takes the rank of a custom covariance, so a non-finite one stays "none")
            custom = {
                "custom_cov_type": "reml",
                "custom_cov_params": cov,
                "custom_description": "Covariance from REML (darksocial.its.reml): GLS "
                "for the regression coefficients, the restricted information for the "
                "ARMA coefficients.",
            }
            finite = bool(np.all(np.isfinite(cov)))
            self.res = self.model.smooth(
                params,
                cov_type="custom" if finite else "none",
                cov_kwds=custom if finite else None,
            )
        self.reml = r
        self.z_fit, self.X_fit = np.asarray(z, dtype=float), X.to_numpy(dtype=float)
        self.param_names = list(X.columns) + list(self.model.param_names[k:])
        self.exog_names = list(X.columns)
        self.uses_t = bool(self.options.get("use_t", True))
        self.df_resid = float(r.df_resid)
        self.draw_df = _arma_satterthwaite(r) if self.uses_t else None
        return self._finish_filter(z, cov=cov)

    def _finish_filter(self, z: np.ndarray, cov: np.ndarray | None = None):
        """Covariance, fitted values and residuals from the Kalman fit (burn-in left out)."""
        self.cov = np.asarray(self.res.cov_params()) if cov is None else cov
        self.cov_ok = bool(np.all(np.isfinite(self.cov)) and np.all(np.diag(self.cov) >= 0))
        burn = int(getattr(self.res, "loglikelihood_burn", 0))
        fitted = np.asarray(self.res.fittedvalues, dtype=float).copy()
        fitted[:burn] = np.nan
        resid = np.asarray(self.res.resid, dtype=float).copy()
        resid[:burn] = np.nan
        resid[np.isnan(z)] = np.nan
        self.resid = resid
        self.resid_sd = float(np.nanstd(resid))
        self.lp = fitted
        self.fitted = np.exp(fitted + self.resid_sd**2 / 2) if self.log else fitted
        return self

    def _finish_state_regression(self, z: np.ndarray, X: pd.DataFrame):
        """Coefficients and covariance from the smoothed regression states (last date)."""
        k = X.shape[1]
        st = np.asarray(self.res.smoothed_state)
        st_cov = np.asarray(self.res.smoothed_state_cov)
        first = st.shape[0] - k
        self.beta = st[first:, -1].copy()
        self.beta_cov = st_cov[first:, first:, -1].copy()
        self.variance_names = list(self.model.param_names)
        self.param_names = self.variance_names + list(X.columns)
        self.exog_names = list(X.columns)
        return self._finish_filter(z)

    def coef(self, names: list[str]) -> tuple[np.ndarray, np.ndarray]:
        if not getattr(self, "state_regression", False):
            return super().coef(names)
        idx = [self.exog_names.index(n) for n in names]
        return self.beta[idx], self.beta_cov[np.ix_(idx, idx)]

    def params_frame(self) -> pd.DataFrame:
        if getattr(self, "reml", None) is not None:
            # a negative variance (the REML information not positive definite, e.g. an
            # over-parameterised ARMA) is unknown, not zero: clipped, it gave se 0 and p 0
            var = np.diag(self.cov)
            se = np.sqrt(np.where(var >= 0, var, np.nan))
            est = np.asarray(self.res.params, dtype=float)
            return _normal_params_frame(est, se, self.param_names, self.alpha, self.draw_df)
        if not getattr(self, "state_regression", False):
            return super().params_frame()
        est = np.r_[np.asarray(self.res.params, dtype=float), self.beta]
        se = np.r_[
            np.asarray(self.res.bse, dtype=float),
            np.sqrt(np.clip(np.diag(self.beta_cov), 0, None)),
        ]
        return _normal_params_frame(est, se, self.param_names, self.alpha)

    def _valid(self, theta: np.ndarray, mle: np.ndarray) -> np.ndarray:
        theta = theta.copy()
        names = self.model.param_names
        for i, nm in enumerate(names):
            if nm.startswith("sigma2"):
                theta[i] = abs(theta[i])
        for prefix in ("ar.L", "ar.S.L", "ma.L", "ma.S.L"):
            idx = [i for i, nm in enumerate(names) if nm.startswith(prefix)]
            if not idx:
                continue
            coefs = theta[idx] if prefix.startswith("ar") else -theta[idx]
            roots = np.roots(np.r_[1.0, -coefs][::-1]) if len(coefs) else np.array([])
            if len(roots) and np.any(np.abs(roots) <= 1.0001):
                theta[idx] = mle[idx]
        return theta

    def simulate(self, X_f: pd.DataFrame, exposure_f, size: int, rng):
        h = X_f.shape[0]
        exog_f = X_f.to_numpy() if X_f.shape[1] else None
        if self.reml is not None:
            return self._simulate_reml(X_f, size, rng)
        mle = np.asarray(self.res.params, dtype=float)
        n_par = min(STRUCTURAL_PARAM_DRAWS, size)
        reps = int(math.ceil(size / n_par))
        cov = self.cov if self.cov_ok else np.zeros_like(self.cov)
        thetas = mvn_draws(mle, cov, n_par, rng)
        beta_idx = [self.param_names.index(c) for c in self.exog_names]
        Xf = X_f.to_numpy()
        paths = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for theta in thetas:
                theta = self._valid(theta, mle)
                fr = self.model.filter(theta).filter_results
                d = Xf @ theta[beta_idx] if beta_idx else np.zeros(h)
                paths.append(_simulate_forward(fr, d, reps, rng))
            fc = self.res.get_forecast(h, exog=exog_f).predicted_mean
        z = np.vstack(paths)[:size]
        draws = self.to_original(z)
        point = np.asarray(fc, dtype=float) if not self.log else draws.mean(axis=0)
        return point, draws

    def _simulate_reml(self, X_f: pd.DataFrame, size: int, rng):
        """Paths after the sample for the REML fit, one parameter draw per path.

        Each path draws its regression coefficients (multivariate t with the Satterthwaite
        degrees of freedom, as the segmented model: the GLS covariance is itself an
        estimate), its innovation variance (scaled chi-square with ``n - k`` degrees of
        freedom) and its ARMA coefficients (:meth:`RemlFit.arma_draws`), filters the
        fitted period's errors under those parameters, and simulates forward from the
        filtered state. All paths are filtered at once (:func:`arma_filter_end`): a
        thousand draws cost less than the hundred statsmodels filters the maximum
        likelihood path uses.
        """
        r = self.reml
        h = X_f.shape[0]
        Xf = X_f.to_numpy(dtype=float)
        betas = mvn_draws(r.beta, r.beta_cov, size, rng, df=self.draw_df)
        s2 = r.sigma2 * rng.chisquare(r.df_resid, size) / r.df_resid
        arma = r.arma_draws(size, rng)
        p = len(r.ar)
        # the estimates ride along as row 0, for the point forecast
        betas = np.vstack([r.beta, betas])
        s2 = np.r_[r.sigma2, s2]
        arma = np.vstack([np.r_[r.ar, r.ma], arma])
        U = self.z_fit[None, :] - betas @ self.X_fit.T
        a, P, T, R = arma_filter_end(U, arma[:, :p], arma[:, p:])
        sd = np.sqrt(s2)
        sd[0] = 0.0  # the estimates' row is the mean path
        noise = _paths_from_state(a, P, T, R, sd, h, rng)
        lp = betas @ Xf.T + noise
        draws = self.to_original(lp[1:])
        point = lp[0] if not self.log else _log_point(lp[1:], noise[1:])
        return point, draws


def _arma_satterthwaite(r) -> float | None:
    """Satterthwaite degrees of freedom of a GLS variance under REML ARMA errors.

    As :func:`_ar_uncertainty`: a campaign's GLS variance is about ``sigma2`` times the
    errors' long-run variance factor ``((1 + sum(ma)) / (1 - sum(ar)))**2``, so
    ``var(log V) = 2 / df_resid + var(log factor)``, and ``V`` behaves like a scaled
    chi-square with ``2 / var(log V)`` degrees of freedom. ``var(log factor)`` comes from
    draws of the ARMA coefficients (:meth:`RemlFit.arma_draws`, a fixed seed), not the
    delta method: on a short white-noise series ARMA(1,1) is barely identified (an AR root
    cancels an MA root), the coefficients' variance is huge along that ridge while the
    factor stays near 1, and the linearisation gave 1 degree of freedom.
    """
    if not np.all(np.isfinite(r.u_cov)):
        return None
    log_f = np.log(r.long_run_factor(r.arma_draws(2000, np.random.default_rng(0))))
    var_log = 2.0 / max(r.df_resid, 1) + float(np.var(log_f[np.isfinite(log_f)]))
    # at least 3: below that t draws have no variance, and on the log scale the mean
    # effect of the draws has no meaning (an explicit ARMA(1,1) on 55 weeks of white
    # noise gave 1 and a "+4,500%" average effect)
    return float(max(2.0 / var_log, 3.0))


def _root(cov: np.ndarray) -> np.ndarray:
    vals, vecs = np.linalg.eigh((cov + cov.T) / 2)
    return vecs * np.sqrt(np.clip(vals, 0, None))


def _simulate_forward(fr, d: np.ndarray, reps: int, rng) -> np.ndarray:
    """Simulate ``reps`` paths after the sample from a filtered state-space model.

    Draws the state from its predicted distribution one step after the last observation,
    then iterates the (time-invariant) transition with state and observation noise, adding
    the regression part ``d``. Equivalent to statsmodels ``simulate(anchor="end")`` but
    vectorised over repetitions, which SARIMAX's per-repetition model update is not.
    """
    h = len(d)
    a = fr.predicted_state[:, -1]
    P = fr.predicted_state_cov[:, :, -1]
    Z = fr.design[0, :, -1]
    H = float(fr.obs_cov[0, 0, -1])
    T = fr.transition[:, :, -1]
    R = fr.selection[:, :, -1]
    Q = fr.state_cov[:, :, -1]
    state = a[None, :] + rng.standard_normal((reps, len(a))) @ _root(P).T
    shock_map = (R @ _root(Q)).T
    out = np.empty((reps, h))
    sd_obs = np.sqrt(max(H, 0.0))
    for j in range(h):
        out[:, j] = state @ Z + d[j] + sd_obs * rng.standard_normal(reps)
        state = state @ T.T + rng.standard_normal((reps, Q.shape[0])) @ shock_map
    return out


class BstsBackend(_Backend):
    """Bayesian structural time series with R CausalImpact's defaults (see
    :mod:`darksocial.its.bsts`), for ``model="structural", method="counterfactual"``.

    Response and regressors are standardized with the fitted rows' mean and sd (``sd`` with
    ``n - 1``, as R). The controls get the spike-and-slab prior; calendar regressors
    (day of week, yearly terms, holidays) are always in the model.
    """

    def fit(self, z: np.ndarray, X: pd.DataFrame, exposure=None):
        self.df_resid = None
        self.param_names = list(X.columns)
        z = np.asarray(z, dtype=float)
        ok = ~np.isnan(z)
        self.z_mean = float(np.mean(z[ok]))
        sd = float(np.std(z[ok], ddof=1)) if ok.sum() > 1 else 0.0
        self.z_sd = sd if sd > 0 else 1.0
        Xv = X.to_numpy(dtype=float)
        self.x_mean = Xv.mean(axis=0) if Xv.shape[1] else np.zeros(0)
        xsd = Xv.std(axis=0, ddof=1) if Xv.shape[0] > 1 and Xv.shape[1] else np.ones(Xv.shape[1])
        self.x_sd = np.where(xsd > 0, xsd, 1.0)
        controls = set(self.options.get("controls") or ())
        is_control = np.array([c in controls for c in X.columns], dtype=bool)
        n_ctrl = int(is_control.sum())
        # bsts's rule, min(1, expected size / p) with its intercept counted in p, applied
        # to the controls; calendar terms describe the series itself and always enter
        inclusion = np.where(is_control, min(1.0, 3.0 / (n_ctrl + 1)), 1.0)
        ys = (z - self.z_mean) / self.z_sd
        Xs = (Xv - self.x_mean) / self.x_sd
        # R's prior.level.sd and its noise prior (expected R^2 0.8) are shares of sd(y) for a
        # model of level + controls. Calendar terms (day of week, yearly terms, holidays,
        # the trend regressor) are not in R's model; the part of sd(y) they explain is
        # neither the level's to follow nor noise, so both shares apply to what they leave.
        # Without calendar terms this is R's sd(y).
        self.level_scale = _unexplained_share(ys[ok], Xs[ok][:, ~is_control])
        self.posterior = sample_posterior(
            ys,
            Xs if Xs.shape[1] else None,
            inclusion=inclusion if Xs.shape[1] else None,
            trend=self.options.get("level") == "local linear trend",
            nseasons=int(self.options.get("nseasons") or 1),
            ar=bool(self.options.get("autoregressive")),
            prior_level_sd=float(self.options["prior_level_sd"]) * self.level_scale,
            noise_share=self.level_scale,
            n_draws=int(self.options["n_simulations"]),
            seed=int(self.options["seed"]),
        )
        self.res = self.posterior
        p = self.posterior
        lp = (p.state_mean + p.regression_mean) * self.z_sd + self.z_mean
        self.lp = lp
        resid = np.where(ok, z - lp, np.nan)
        self.resid = resid
        self.resid_sd = float(np.nanstd(resid))
        self.fitted = np.exp(lp + self.resid_sd**2 / 2) if self.log else lp
        return self

    def params_frame(self) -> pd.DataFrame:
        p = self.posterior
        scale = self.z_sd / self.x_sd if len(self.x_sd) else np.zeros(0)
        cols = {name: p.beta[:, j] * scale[j] for j, name in enumerate(self.param_names)}
        cols["sigma.irregular"] = p.sigma_obs * self.z_sd
        cols["sigma.level"] = p.sigma_level * self.z_sd
        if p.trend:
            cols["sigma.trend"] = p.sigma_slope * self.z_sd
        if p.nseasons > 1:
            cols["sigma.seasonal"] = p.sigma_season * self.z_sd
        if p.phi is not None:
            cols["sigma.ar"] = p.sigma_ar * self.z_sd
            cols["ar.L1"] = p.phi
        q = [self.alpha / 2, 1 - self.alpha / 2]
        rows = {}
        for name, v in cols.items():
            lo, hi = np.quantile(v, q)
            rows[name] = {
                "estimate": float(np.mean(v)),
                "std_err": float(np.std(v, ddof=1)),
                "lower": float(lo),
                "upper": float(hi),
                "p_value": float("nan"),
                "inclusion_prob": float(np.mean(v != 0)) if name in self.param_names else 1.0,
            }
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index.name = "term"
        return frame

    def coef(self, names):  # pragma: no cover - counterfactual method only
        raise DataValidationError("the Bayesian structural model has no campaign terms")

    def simulate(self, X_f: pd.DataFrame, exposure_f, size: int, rng):
        Xf = (X_f.to_numpy(dtype=float) - self.x_mean) / self.x_sd
        state, paths = forecast(self.posterior, Xf, rng)
        if size != state.shape[0]:
            pick = rng.choice(state.shape[0], size=size, replace=size > state.shape[0])
            state, paths = state[pick], paths[pick]
        z = paths * self.z_sd + self.z_mean
        draws = self.to_original(z)
        point = state.mean(axis=0) * self.z_sd + self.z_mean
        return (point if not self.log else draws.mean(axis=0)), draws


def _unexplained_share(y: np.ndarray, X: np.ndarray) -> float:
    """sd of what a least-squares fit on ``X`` (plus a constant) leaves of ``y``, over sd(y)."""
    if not X.shape[1] or len(y) <= X.shape[1] + 2:
        return 1.0
    A = np.column_stack([np.ones(len(y)), X])
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    resid = y - A @ coef
    sd = float(np.std(y, ddof=1))
    return float(np.clip(np.std(resid, ddof=1) / sd, 1e-3, 1.0)) if sd > 0 else 1.0


def make_backend(model: str, *, log: bool, alpha: float, maxlags, options: dict) -> _Backend:
    """Instantiate the backend for ``model``."""
    kw = {"log": log, "alpha": alpha, "maxlags": maxlags, "options": options}
    if model == "structural" and options.get("estimation") == "gibbs":
        return BstsBackend(**kw)
    if model == "segmented":
        return SegmentedBackend(**kw)
    if model in ("poisson", "negbin"):
        return GLMBackend(model, **kw)
    if model in ("arima", "structural"):
        return StateSpaceBackend(model, **kw)
    raise DataValidationError(f"unknown model {model!r}")  # pragma: no cover

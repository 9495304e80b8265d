"""Bayesian structural time series by Gibbs sampling, with R CausalImpact's defaults.

The model, on data standardized with the pre-period mean and sd (as CausalImpact does):

    y_t = level_t [+ seasonal_t] [+ a_t] + x_t' beta + e_t, e_t ~ N(0, sigma_obs^2)
    level_t = level_{t-1} [+ slope_{t-1}] + u_t,            u_t ~ N(0, sigma_level^2)
    [slope_t = slope_{t-1} + v_t,                           v_t ~ N(0, sigma_slope^2)]
    [sum_{j<S} seasonal_{t-j} = w_t,                        w_t ~ N(0, sigma_season^2)]
    [a_t = phi a_{t-1} + r_t,                               r_t ~ N(0, sigma_ar^2)]

with bsts's priors: ``1 / sigma_level^2`` gamma with 32 pseudo-observations around
``prior_level_sd`` (0.01) and ``sigma_level <= sd(y)``; the level starts at N(y_1, sd(y)^2);
slope and seasonal sds get bsts's weak default priors (guess 0.01 sd(y), 0.01
pseudo-observations); the AR(1) component is bsts's ``AddAr(lags = 1)`` (``phi`` uniform
on (-1, 1), ``sigma_ar`` with the weak default prior); the regression on the controls is
bsts's spike-and-slab (``SpikeSlabPrior``: inclusion probability ``min(1, 3 / p)`` with ``p`` the number of
predictors counting bsts's intercept, Zellner-type slab with information weight 0.01 and
diagonal shrinkage 0.5, ``1 / sigma_obs^2`` gamma with 50 pseudo-observations around
``(1 - 0.8) sd(y)^2`` and ``sigma_obs <= 1.2 sd(y)``).

One Gibbs sweep draws (1) every state given the parameters, by the Durbin and Koopman
(2002) simulation smoother, (2) the state sds given the states, (3) the inclusion indicators
(one at a time, coefficients and ``sigma_obs`` integrated out), ``sigma_obs`` and the
coefficients given the states, (4) ``phi`` given the AR states (a normal regression draw
kept inside (-1, 1)), (5) the included coefficients jointly with the level path (shift
them, take it from the level: a generalized Gibbs move, Liu and Sabatti 2000), without which
a straight line passed between the trend regressor and the level in tiny steps. The
smoother's one smoothing pass, ``E[states | y]``, is a solve with the states' posterior
precision, which is banded once the states are ordered in time: a banded Cholesky (LAPACK
``dpbtrf``) replaces the Kalman recursions, so no Python loop runs over time and a sweep
costs O(T). Missing values of ``y`` simply have no observation
term (the filter's way), never an imputed value.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import scipy.sparse as sp
from scipy import special
from scipy.linalg import lapack

__all__ = [
    "EXPECTED_MODEL_SIZE",
    "EXPECTED_R2",
    "LEVEL_PRIOR_SAMPLE_SIZE",
    "PRIOR_DF",
    "PRIOR_LEVEL_SD",
    "BstsDraws",
    "forecast",
    "sample_posterior",
]

#: CausalImpact's ``prior.level.sd``: prior guess of the level's random-walk sd, as a share
#: of the pre-period sd of ``y``. Small: the counterfactual level moves slowly unless the
#: data insist.
PRIOR_LEVEL_SD = 0.01
#: CausalImpact's ``kLocalLevelPriorSampleSize``: weight of that guess, in observations.
LEVEL_PRIOR_SAMPLE_SIZE = 32
#: bsts's spike-and-slab defaults as CausalImpact sets them: expected number of predictors
#: in the model (inclusion probability ``min(1, 3 / p)``), ...
EXPECTED_MODEL_SIZE = 3
#: ... the expected R^2 of the regression, which sets the prior guess of ``sigma_obs``, ...
EXPECTED_R2 = 0.8
#: ... and that guess's weight in observations.
PRIOR_DF = 50
#: bsts ``SpikeSlabPrior`` defaults: slab precision = weight x (shrinkage x diag + (1 -
#: shrinkage) x full) of ``X'X / n``.
_INFO_WEIGHT = 0.01
_DIAG_SHRINK = 0.5
#: bsts ``SdPrior`` default weight (pseudo-observations) of the slope and seasonal sds,
#: and of ``sigma_obs`` without regression.
_WEAK = 0.01


@dataclasses.dataclass(frozen=True, eq=False)
class BstsDraws:
    """Posterior draws of one fit, on the standardized scale (``S`` kept draws).

    Attributes
    ----------
    sigma_obs, sigma_level, sigma_slope, sigma_season : numpy.ndarray
        Sds per draw (length ``S``; slope / season all zero when the component is absent).
    beta : numpy.ndarray
        Coefficients (``S x k``), zero where a predictor was left out.
    final : numpy.ndarray
        State at the last fitted time (``S x m``): level, then slope (if any), then the last
        ``nseasons - 1`` seasonal values, newest first (if any), then the AR(1) component
        (if any).
    state_mean : numpy.ndarray
        Posterior mean of the states' contribution over the fitted rows (length ``T``).
    regression_mean : numpy.ndarray
        Posterior mean of ``X beta`` over the fitted rows.
    trend, nseasons : bool, int
        The components.
    sigma_ar, phi : numpy.ndarray or None
        Innovation sd and coefficient of the AR(1) component per draw (None without it).
    n_burn : int
        Sweeps discarded before the kept draws.
    """

    sigma_obs: np.ndarray
    sigma_level: np.ndarray
    sigma_slope: np.ndarray
    sigma_season: np.ndarray
    beta: np.ndarray
    final: np.ndarray
    state_mean: np.ndarray
    regression_mean: np.ndarray
    trend: bool
    nseasons: int
    n_burn: int
    sigma_ar: np.ndarray | None = None
    phi: np.ndarray | None = None

    @property
    def included(self) -> np.ndarray:
        """Share of draws in which each predictor is in the model."""
        return np.mean(self.beta != 0, axis=0)


class _Layout:
    """The states of all times as one vector, ordered in time, and their banded algebra.

    Every state variable has one defining equation ``(A x)_i = e_i``, ``e_i ~ N(m_i,
    v_{g(i)})``: its prior (group 0, variance 1 on the standardized scale) or the
    transition that creates it (groups 1 level, 2 slope, 3 season). In time order ``A`` is
    lower triangular with a unit diagonal and the posterior precision
    ``A' V^-1 A + Z' Z / sigma_obs^2`` is banded.
    """

    def __init__(
        self, n: int, *, trend: bool, nseasons: int, y0: float, slope0: float, ar: bool = False
    ):
        S = nseasons if nseasons > 1 else 0
        keys = []  # (time, component, index in its component)
        keys += [(t, 0, t) for t in range(n)]
        if trend:
            keys += [(t, 1, t) for t in range(n)]
        if S:
            # S - 1 initial seasonal values; value k is observed at time k - (S - 2)
            keys += [(k - (S - 2), 2, k) for k in range(n + S - 2)]
        if ar:
            keys += [(t, 3, t) for t in range(n)]
        order = sorted(range(len(keys)), key=lambda i: keys[i][:2])
        pos = {keys[i][1:]: p for p, i in enumerate(order)}
        N = len(keys)
        rows, cols, vals = [], [], []
        phi_rows, phi_cols = [], []  # entries -phi of the AR transitions (A = A0 + phi A1)
        group = np.zeros(N, dtype=int)
        mean = np.zeros(N)

        def eq(defined, terms, g, m=0.0):
            r = pos[defined]
            group[r] = g
            mean[r] = m
            for key, c in terms:
                rows.append(r)
                cols.append(pos[key])
                vals.append(c)

        for t in range(n):
            if t == 0:
                eq((0, 0), [((0, 0), 1.0)], 0, y0)
            else:
                terms = [((0, t), 1.0), ((0, t - 1), -1.0)]
                if trend:
                    terms.append(((1, t - 1), -1.0))
                eq((0, t), terms, 1)
            if trend:
                if t == 0:
                    eq((1, 0), [((1, 0), 1.0)], 0, slope0)
                else:
                    eq((1, t), [((1, t), 1.0), ((1, t - 1), -1.0)], 2)
        if S:
            for k in range(n + S - 2):
                if k < S - 1:
                    eq((2, k), [((2, k), 1.0)], 0)
                else:
                    eq((2, k), [((2, k - j), 1.0) for j in range(S)], 3)
        if ar:
            # ar_0 gets the wide state prior; ar_t - phi ar_{t-1} ~ N(0, sigma_ar^2)
            for t in range(n):
                eq((3, t), [((3, t), 1.0)], 0 if t == 0 else 4)
                if t:
                    phi_rows.append(pos[(3, t)])
                    phi_cols.append(pos[(3, t - 1)])
        A0 = sp.csr_matrix((vals, (rows, cols)), shape=(N, N))
        A1 = sp.csr_matrix((-np.ones(len(phi_rows)), (phi_rows, phi_cols)), shape=(N, N))
        obs_level = np.array([pos[(0, t)] for t in range(n)])
        obs_season = np.array([pos[(2, t + S - 2)] for t in range(n)]) if S else None
        obs_ar = np.array([pos[(3, t)] for t in range(n)]) if ar else None
        observed_parts = [obs_level] + [p for p in (obs_season, obs_ar) if p is not None]
        Z = sp.csr_matrix(
            (
                np.ones(n * len(observed_parts)),
                (np.tile(np.arange(n), len(observed_parts)), np.concatenate(observed_parts)),
            ),
            shape=(n, N),
        )
        A_pattern = A0 + A1
        full = (A_pattern.T @ A_pattern + Z.T @ Z).tocoo()
        bw = int(np.max(np.abs(full.row - full.col)))
        kA = int(np.max(A_pattern.tocoo().row - A_pattern.tocoo().col))
        self.n, self.N, self.bw = n, N, bw
        self.A0, self.A1 = A0, A1
        self.group = group
        self.mean = mean
        self.obs_level, self.obs_season, self.obs_ar = obs_level, obs_season, obs_ar
        self.pos_slope = np.array([pos[(1, t)] for t in range(n)]) if trend else None
        self.S = S
        self.ar = ar
        self.Z = Z
        self._A_bands = (_lower_band(A0, kA), _lower_band(A1, kA))
        self.group_bands = []
        for g in range(4):
            Ag = sp.diags((group == g).astype(float)) @ A0
            self.group_bands.append(_lower_band((Ag.T @ Ag).tocsr(), bw))
        # the AR group's A_g' A_g = B0 + phi B1 + phi^2 B2
        sel = sp.diags((group == 4).astype(float))
        G0, G1 = sel @ A0, sel @ A1
        self._ar_bands = tuple(
            _lower_band(M.tocsr(), bw) for M in (G0.T @ G0, G0.T @ G1 + G1.T @ G0, G1.T @ G1)
        )
        self.group_counts = np.bincount(group, minlength=5)

    def innovations(self, x: np.ndarray, phi: float = 0.0) -> np.ndarray:
        """``A x - m``: each state equation's disturbance, for AR coefficient ``phi``."""
        out = self.A0 @ x - self.mean
        return out + phi * (self.A1 @ x) if self.ar else out

    def A_band(self, phi: float = 0.0) -> np.ndarray:
        b0, b1 = self._A_bands
        return np.asfortranarray(b0 + phi * b1)

    def ar_band(self, phi: float) -> np.ndarray:
        b0, b1, b2 = self._ar_bands
        return b0 + phi * b1 + phi**2 * b2

    def obs_band(self, observed: np.ndarray) -> np.ndarray:
        Zo = self.Z[observed]
        return _lower_band((Zo.T @ Zo).tocsr(), self.bw)


def _lower_band(M, bw: int) -> np.ndarray:
    """LAPACK lower band storage of ``M``: ``ab[k, j] = M[j + k, j]``."""
    N = M.shape[0]
    ab = np.zeros((bw + 1, N))
    for k in range(bw + 1):
        ab[k, : N - k] = M.diagonal(-k)
    return ab


def _precision_draw(shape, rate, lower, rng) -> float:
    """Gamma(shape, rate) draw of a precision truncated to ``>= lower`` (inverse cdf)."""
    tail = special.gammaincc(shape, rate * lower)
    if tail <= 1e-300:
        return lower
    u = rng.uniform(0.0, tail)
    return max(float(special.gammainccinv(shape, u)) / rate, lower)


def _stationary_draw(mean: float, sd: float, current: float, rng, tries: int = 100) -> float:
    """N(mean, sd^2) draw restricted to (-1, 1); keeps ``current`` if every try falls outside."""
    for _ in range(tries):
        v = mean + sd * rng.standard_normal()
        if abs(v) < 1.0:
            return float(v)
    return current


def _log_model_prob(gamma, XtX, Xtr, rtr, siginv, logit_pi, df, ss, n):
    """Log posterior of an inclusion pattern, coefficients and sigma_obs integrated out."""
    lp = float(np.sum(np.where(gamma, logit_pi[0], logit_pi[1])))
    if not gamma.any():
        return lp - 0.5 * (df + n) * np.log(ss + rtr), None
    g = np.flatnonzero(gamma)
    om = siginv[np.ix_(g, g)]
    prec = XtX[np.ix_(g, g)] + om
    try:
        L = np.linalg.cholesky(prec)
        Lo = np.linalg.cholesky(om)
    except np.linalg.LinAlgError:
        return -np.inf, None
    z = np.linalg.solve(L, Xtr[g])
    ssr = max(rtr - float(z @ z), 1e-12)
    lp += float(np.sum(np.log(np.diag(Lo)))) - float(np.sum(np.log(np.diag(L))))
    return lp - 0.5 * (df + n) * np.log(ss + ssr), (g, L, z, ssr)


def sample_posterior(
    y: np.ndarray,
    X: np.ndarray | None,
    *,
    inclusion: np.ndarray | None = None,
    trend: bool = False,
    nseasons: int = 1,
    ar: bool = False,
    prior_level_sd: float = PRIOR_LEVEL_SD,
    noise_share: float = 1.0,
    n_draws: int = 1000,
    n_burn: int | None = None,
    seed: int = 0,
) -> BstsDraws:
    """Gibbs-sample the posterior of a structural model on standardized data.

    Parameters
    ----------
    y : numpy.ndarray
        Standardized response (length ``T``); NaN where missing.
    X : numpy.ndarray or None
        Standardized predictors (``T x k``), no missing values; None or ``k = 0`` for none.
    inclusion : numpy.ndarray, optional
        Prior inclusion probability of each predictor (default ``min(1, 3 / (k + 1))``,
        bsts's rule with its intercept counted).
    trend : bool, default False
        Local linear trend instead of a local level.
    nseasons : int, default 1
        Number of seasons of a dynamic seasonal component (1: none).
    ar : bool, default False
        Add a stationary AR(1) component (bsts's ``AddAr(lags = 1)``): ``a_t = phi a_{t-1}
        + N(0, sigma_ar^2)``, ``phi`` uniform on (-1, 1), ``sigma_ar`` with bsts's weak
        prior (guess 0.01 sd(y), 0.01 pseudo-observations, at most sd(y)).
    prior_level_sd : float, default 0.01
        Prior guess of the level's sd (share of ``sd(y)``, which is 1 here).
    noise_share : float, default 1.0
        Share of ``sd(y)`` the noise prior refers to: its guess of ``sigma_obs^2`` is
        ``(1 - 0.8) (noise_share sd(y))^2`` (R's expected R^2 of 0.8). Below 1 where
        predictors that always enter (calendar terms) explain part of ``sd(y)`` that is
        not noise; at 1, R's prior.
    n_draws : int, default 1000
        Kept draws.
    n_burn : int, optional
        Discarded sweeps before them (default ``max(100, n_draws // 10)``).
    seed : int, default 0
        Seed of the sampler: the same inputs and seed give the same draws.

    Returns
    -------
    BstsDraws
    """
    rng = np.random.default_rng(seed)
    y = np.asarray(y, dtype=float)
    n = len(y)
    obs = ~np.isnan(y)
    if obs.sum() < 3:
        raise ValueError("need at least 3 observed values")
    yo = y[obs]
    k = 0 if X is None else X.shape[1]
    X = np.zeros((n, 0)) if X is None else np.asarray(X, dtype=float)
    n_burn = max(100, n_draws // 10) if n_burn is None else int(n_burn)
    first = yo[0]
    slope0 = (yo[-1] - yo[0]) / n if trend else 0.0
    lay = _Layout(n, trend=trend, nseasons=nseasons, y0=first, slope0=slope0, ar=ar)
    obs_band = lay.obs_band(obs)
    sdy = float(np.std(yo, ddof=1)) if obs.sum() > 1 else 1.0
    sdy = sdy if sdy > 0 else 1.0

    # priors: (pseudo-observations, guess of the sd, upper limit of the sd) per group
    state_priors = {
        1: (LEVEL_PRIOR_SAMPLE_SIZE, prior_level_sd * sdy, sdy),
        2: (_WEAK, 0.01 * sdy, sdy),
        3: (_WEAK, 0.01 * sdy, sdy),
        4: (_WEAK, 0.01 * sdy, sdy),
    }
    if k:
        df_obs, ss_obs = PRIOR_DF, PRIOR_DF * (1 - EXPECTED_R2) * (noise_share * sdy) ** 2
        pi = (
            np.full(k, min(1.0, EXPECTED_MODEL_SIZE / (k + 1)))
            if inclusion is None
            else np.asarray(inclusion, dtype=float)
        )
        xtx_all = X.T @ X / n
        d = xtx_all if k == 1 else np.diag(np.diag(xtx_all))
        siginv = _INFO_WEIGHT * (_DIAG_SHRINK * d + (1 - _DIAG_SHRINK) * xtx_all)
        # a predictor that is zero throughout can never enter (bsts sets its probability 0)
        pi = np.where(np.all(X == 0, axis=0), 0.0, pi)
        with np.errstate(divide="ignore"):
            logit_pi = (np.log(pi), np.log1p(-pi))
        Xo = X[obs]
        XtX = Xo.T @ Xo
        dX = np.diff(X, axis=0)  # for the joint moves of coefficients and level (step 5)
        dXtdX = dX.T @ dX
        gamma = pi > 0
        free = np.flatnonzero((pi > 0) & (pi < 1))
    else:
        df_obs, ss_obs = _WEAK, _WEAK * sdy**2
    upper_obs = 1.2 * sdy

    var = {
        1: (prior_level_sd * sdy) ** 2,
        2: (0.01 * sdy) ** 2,
        3: (0.01 * sdy) ** 2,
        4: (0.1 * sdy) ** 2,
    }
    phi = 0.5 if ar else 0.0
    sig2_obs = 0.5 * sdy**2
    beta = np.zeros(k)
    reg = np.zeros(n)
    present = [g for g in (1, 2, 3, 4) if lay.group_counts[g]]
    m_total = 1 + (1 if trend else 0) + (lay.S - 1 if lay.S else 0) + (1 if ar else 0)

    keep = n_draws
    out_sig = np.empty((keep, 5))
    out_phi = np.zeros(keep)
    out_beta = np.zeros((keep, k))
    out_final = np.empty((keep, m_total))
    state_sum = np.zeros(n)
    reg_sum = np.zeros(n)
    v_eq = np.full(lay.N, sdy**2)
    for it in range(n_burn + keep):
        # (1) states | parameters: Durbin-Koopman mean correction, banded smoothing
        A_band = lay.A_band(phi)
        band = obs_band / sig2_obs + lay.group_bands[0] / sdy**2
        for g in present:
            band = band + (lay.ar_band(phi) if g == 4 else lay.group_bands[g]) / var[g]
            v_eq[lay.group == g] = var[g]
        chol, info = lapack.dpbtrf(band, lower=1)
        if info != 0:
            raise np.linalg.LinAlgError("state precision is not positive definite")
        e = lay.mean + np.sqrt(v_eq) * rng.standard_normal(lay.N)
        x_plus, _ = lapack.dtbtrs(A_band, e[:, None], uplo="L")
        x_plus = x_plus[:, 0]
        c_plus = lay.Z @ x_plus
        y_plus = c_plus[obs] + np.sqrt(sig2_obs) * rng.standard_normal(int(obs.sum()))
        r = np.zeros(n)
        r[obs] = (yo - reg[obs]) - y_plus
        b = (lay.Z.T @ r) / sig2_obs
        corr, _ = lapack.dpbtrs(chol, b[:, None], lower=1)
        x = x_plus + corr[:, 0]
        contrib = lay.Z @ x

        # (2) state sds | states
        innov = lay.innovations(x, phi)
        for g in present:
            sel = lay.group == g
            df, guess, upper = state_priors[g]
            shape = (df + sel.sum()) / 2
            rate = (df * guess**2 + float(innov[sel] @ innov[sel])) / 2
            var[g] = 1.0 / _precision_draw(shape, rate, 1.0 / upper**2, rng)
        if ar:
            # phi | AR states, sigma_ar: normal regression of a_t on a_{t-1}, kept stationary
            a = x[lay.obs_ar]
            den = float(a[:-1] @ a[:-1])
            if den > 0:
                phi = _stationary_draw(
                    float(a[1:] @ a[:-1]) / den, np.sqrt(var[4] / den), phi, rng
                )

        # (3) regression | states: indicators, sigma_obs, coefficients
        target = yo - contrib[obs]
        rtr = float(target @ target)
        nobs = len(target)
        if k:
            Xtr = Xo.T @ target
            args = (XtX, Xtr, rtr, siginv, logit_pi, df_obs, ss_obs, nobs)
            for j in rng.permutation(free):
                g1, g0 = gamma.copy(), gamma.copy()
                g1[j], g0[j] = True, False
                l1, _ = _log_model_prob(g1, *args)
                l0, _ = _log_model_prob(g0, *args)
                p1 = 1.0 / (1.0 + np.exp(np.clip(l0 - l1, -700, 700)))
                gamma[j] = rng.uniform() < p1
            _, fitd = _log_model_prob(gamma, *args)
            ssr = rtr if fitd is None else fitd[3]
        else:
            fitd, ssr = None, rtr
        tau = _precision_draw((df_obs + nobs) / 2, (ss_obs + ssr) / 2, 1.0 / upper_obs**2, rng)
        sig2_obs = 1.0 / tau
        beta = np.zeros(k)
        if fitd is not None:
            g, L, z, _ = fitd
            # beta_g ~ N(Prec^-1 X'r, sigma^2 Prec^-1) with Prec = L L'
            w = z + np.sqrt(sig2_obs) * rng.standard_normal(len(g))
            beta[g] = np.linalg.solve(L.T, w)
        if fitd is not None:
            # (5) the included coefficients jointly with the level path: a straight line (the
            # trend regressor) or any slow regressor can sit in either, and the two Gibbs
            # steps above pass it between them in tiny steps (trend coefficient's integrated
            # autocorrelation ~90 sweeps). Shifting beta by d and the level by -X d leaves
            # every observation as it is; d is drawn from its exact conditional (Liu and
            # Sabatti's generalized Gibbs move, a translation: Gaussian here).
            x, beta = _shift_level(
                x, beta, fitd[0], X, dX, dXtdX, lay, var[1], sdy, siginv, sig2_obs, rng
            )
            contrib = lay.Z @ x
        reg = X @ beta

        if it >= n_burn:
            s = it - n_burn
            out_sig[s] = [
                np.sqrt(sig2_obs),
                np.sqrt(var[1]),
                np.sqrt(var[2]) if trend else 0.0,
                np.sqrt(var[3]) if lay.S else 0.0,
                np.sqrt(var[4]) if ar else 0.0,
            ]
            out_phi[s] = phi
            out_beta[s] = beta
            fin = [x[lay.obs_level[-1]]]
            if trend:
                fin.append(x[lay.pos_slope[-1]])
            if lay.S:
                # the last S - 1 seasonal values, newest first
                last = n + lay.S - 3
                fin += [x[_season_pos(lay, last - j)] for j in range(lay.S - 1)]
            if ar:
                fin.append(x[lay.obs_ar[-1]])
            out_final[s] = fin
            state_sum += contrib
            reg_sum += reg
    return BstsDraws(
        sigma_obs=out_sig[:, 0],
        sigma_level=out_sig[:, 1],
        sigma_slope=out_sig[:, 2],
        sigma_season=out_sig[:, 3],
        beta=out_beta,
        final=out_final,
        state_mean=state_sum / keep,
        regression_mean=reg_sum / keep,
        trend=trend,
        nseasons=lay.S or 1,
        n_burn=n_burn,
        sigma_ar=out_sig[:, 4] if ar else None,
        phi=out_phi if ar else None,
    )


def _shift_level(x, beta, cols, X, dX, dXtdX, lay, var_level, sdy, siginv, sig2_obs, rng):
    """Move the coefficients in ``cols`` jointly with the level; return the states and ``beta``.

    The move is ``beta_g + d``, ``level_t - X_tg d`` for a vector ``d``. The observations do
    not change, so ``d``'s conditional is the product of the priors it touches: the level's
    random-walk equations (disturbances ``u_t - (X_tg - X_{t-1,g}) d``), the level's initial
    prior (``level_0 - y_0 - X_0g d``) and the coefficients' slab (``beta + d``, precision
    ``siginv / sigma_obs^2``): a multivariate normal in ``d``, one ``k x k`` solve.
    """
    lvl = lay.obs_level
    level = x[lvl]
    u = np.diff(level)
    if lay.pos_slope is not None:
        u -= x[lay.pos_slope[:-1]]
    u0 = level[0] - lay.mean[lvl[0]]
    g = np.asarray(cols)
    if len(g) < X.shape[1]:  # some controls left out in this sweep
        X, dX = X[:, g], dX[:, g]
        dXtdX, siginv_g, om = dXtdX[np.ix_(g, g)], siginv[g], siginv[np.ix_(g, g)]
    else:
        siginv_g = om = siginv
    x0 = X[0]
    prec = dXtdX / var_level + np.outer(x0, x0) / sdy**2 + om / sig2_obs
    lin = u @ dX / var_level + u0 * x0 / sdy**2 - siginv_g @ beta / sig2_obs
    try:
        L = np.linalg.cholesky(prec)
    except np.linalg.LinAlgError:
        return x, beta
    d = np.linalg.solve(L.T, np.linalg.solve(L, lin) + rng.standard_normal(len(g)))
    beta = beta.copy()
    beta[g] += d
    x = x.copy()
    x[lvl] -= X @ d
    return x, beta


def _season_pos(lay: _Layout, k: int) -> int:
    # seasonal value k is observed at time k - (S - 2): its column in Z
    return int(lay.obs_season[k - (lay.S - 2)])


def forecast(draws: BstsDraws, X_f: np.ndarray | None, rng) -> tuple[np.ndarray, np.ndarray]:
    """Posterior predictive paths after the fitted rows, one per draw.

    Parameters
    ----------
    draws : BstsDraws
        The posterior.
    X_f : numpy.ndarray or None
        Standardized predictors of the forecast rows (``h x k``).
    rng : numpy.random.Generator
        Source of the state and observation noise.

    Returns
    -------
    state : numpy.ndarray
        State plus regression contribution per draw (``S x h``), without observation noise
        (CausalImpact's point prediction is its mean).
    paths : numpy.ndarray
        ``state`` plus observation noise: CausalImpact's ``y.samples``.
    """
    S = len(draws.sigma_obs)
    h = 0 if X_f is None else X_f.shape[0]
    fin = draws.final
    level0 = fin[:, 0]
    col = 1
    eta = rng.standard_normal((S, h)) * draws.sigma_level[:, None]
    if draws.trend:
        slope0 = fin[:, col]
        col += 1
        zeta = rng.standard_normal((S, h)) * draws.sigma_slope[:, None]
        # slope_{T+j} = slope_T + cumsum(zeta); level_{T+j} = level_{T+j-1} + slope_{T+j-1} + eta
        slopes = slope0[:, None] + np.cumsum(zeta, axis=1)
        prev_slope = np.concatenate([slope0[:, None], slopes[:, :-1]], axis=1)
        level = level0[:, None] + np.cumsum(prev_slope + eta, axis=1)
    else:
        level = level0[:, None] + np.cumsum(eta, axis=1)
    state = level
    if draws.nseasons > 1:
        hist = fin[:, col:].copy()  # newest first, S - 1 values
        seas = np.empty((S, h))
        w = rng.standard_normal((S, h)) * draws.sigma_season[:, None]
        for j in range(h):
            nxt = -hist.sum(axis=1) + w[:, j]
            seas[:, j] = nxt
            hist = np.concatenate([nxt[:, None], hist[:, :-1]], axis=1)
        state = state + seas
        col += draws.nseasons - 1
    if draws.phi is not None:
        a = fin[:, col]
        shocks = rng.standard_normal((S, h)) * draws.sigma_ar[:, None]
        ar_path = np.empty((S, h))
        for j in range(h):
            a = draws.phi * a + shocks[:, j]
            ar_path[:, j] = a
        state = state + ar_path
    if X_f is not None and X_f.shape[1]:
        state = state + draws.beta @ X_f.T
    paths = state + rng.standard_normal((S, h)) * draws.sigma_obs[:, None]
    return state, paths

"""Pre-period fit quality, residual tests and plain warnings for an ITS fit."""

from __future__ import annotations

import dataclasses
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.diagnostic import acorr_ljungbox

from darksocial.constants import (
    BREAK_T_THRESHOLD,
    CONTROL_JUMP_T_THRESHOLD,
    HALF_LIFE_GRID,
    SHORT_PRE_PERIODS,
)
from darksocial.formatting import percent
from darksocial.its.models import newey_west_lags

__all__ = ["WARNING_CODES", "Diagnostics", "FitWarning", "WarningCode", "compute_diagnostics"]

WarningCode = Literal[
    "short_pre_period",
    "missing_values",
    "autocorrelation",
    "level_shift",
    "control_jump",
    "estimated_shape",
    "half_life_at_grid_top",
    "covariance_failed",
    "not_converged",
]

#: Codes of :class:`FitWarning`, in the order :func:`compute_diagnostics` checks them.
WARNING_CODES: tuple[str, ...] = WarningCode.__args__


@dataclasses.dataclass(frozen=True)
class FitWarning:
    """One thing that looks wrong with an ITS fit: a code, its numbers and a sentence.

    Callers switch on ``code`` and read the fields; ``str()`` gives the English sentence.

    Attributes
    ----------
    code : str
        One of :data:`WARNING_CODES`: ``"short_pre_period"`` (``n``), ``"missing_values"``
        (``n``, ``n_post``), ``"autocorrelation"`` (``errors``), ``"level_shift"``
        (``date``, ``t``), ``"control_jump"`` (``control``, ``change``, ``t``),
        ``"estimated_shape"`` (``campaign``, ``detail``), ``"half_life_at_grid_top"``
        (``campaign``), ``"covariance_failed"``, ``"not_converged"``.
    message : str
        The warning in plain English.
    n : int, optional
        Pre-period length (``short_pre_period``), missing values of ``y``
        (``missing_values``), or the periods from launch (the first campaign's window,
        no more than the periods before it) that ``change`` compares with as many before
        launch (``control_jump``).
    n_post : int, optional
        Missing values after the first campaign start (``missing_values``).
    date : pandas.Timestamp, optional
        Date of a level shift inside the pre-period (``level_shift``).
    t : float, optional
        HAC |t| of the level shift or of the control's jump.
    control : str, optional
        Column name of the control that jumps (``control_jump``).
    change : float, optional
        The control's relative jump: its mean over the ``n`` periods from launch (the first
        campaign's window, or as many periods as there are before launch when those are
        fewer) over its mean in the ``n`` periods just before, minus one.
    campaign : str, optional
        Campaign whose shape was estimated (``estimated_shape``, ``half_life_at_grid_top``).
    detail : str, optional
        What was estimated, e.g. ``"ramp of 12 periods (estimated)"``.
    errors : str, optional
        How the model handles autocorrelated errors (``"ar"``, ``"hac"``, or None).
    """

    code: WarningCode
    message: str
    n: int | None = None
    n_post: int | None = None
    date: pd.Timestamp | None = None
    t: float | None = None
    control: str | None = None
    change: float | None = None
    campaign: str | None = None
    detail: str | None = None
    errors: str | None = None

    def __str__(self) -> str:
        return self.message


@dataclasses.dataclass(frozen=True)
class Diagnostics:
    """Checks of an ITS fit, with plain-language warnings.

    Attributes
    ----------
    mape : float
        Mean absolute percentage error of the fitted values in the pre-period (in %).
    r_squared : float
        Squared correlation-based R² of fitted vs observed in the pre-period.
    ljung_box_p : float
        Ljung-Box p-value of the residuals (small: residuals are autocorrelated).
    normality_p : float
        Jarque-Bera p-value of the residuals (small: residuals are not normal).
    n_pre : int
        Non-missing periods before the first campaign.
    n_missing : int
        Missing values of ``y`` (left out of fitting and effect sums).
    maxlags : int or None
        Newey-West lags used for HAC standard errors, if any.
    max_break_t : float
        Largest HAC |t| of a level shift scanned across the pre-period.
    warnings : tuple of FitWarning
        What looks wrong, each with a ``code`` and its numbers (empty when nothing does);
        ``str()`` of one is its plain-language sentence.
    """

    mape: float
    r_squared: float
    ljung_box_p: float
    normality_p: float
    n_pre: int
    n_missing: int
    maxlags: int | None
    max_break_t: float
    warnings: tuple[FitWarning, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """The ``code`` of each warning, in order."""
        return tuple(w.code for w in self.warnings)

    def to_frame(self) -> pd.DataFrame:
        """The numeric checks as a one-column DataFrame (``value``) indexed by check."""
        data = {k: v for k, v in dataclasses.asdict(self).items() if k != "warnings"}
        return pd.DataFrame({"value": pd.Series(data, dtype=float)})

    def __str__(self) -> str:
        lines = [
            f"Pre-period fit: MAPE {self.mape:.1f}%, R² {self.r_squared:.3f} "
            f"({self.n_pre} periods, {self.n_missing} missing values of y)",
            f"Residuals: Ljung-Box p = {self.ljung_box_p:.3g}, "
            f"Jarque-Bera p = {self.normality_p:.3g}",
        ]
        lines += [f"Warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def _step_t(target: np.ndarray, X: np.ndarray, positions, maxlags: int) -> np.ndarray:
    """HAC t-statistics of a level shift at each position, added one at a time to ``X``.

    Uses Frisch-Waugh: residualise the step dummy and the target on ``X`` once, then each
    shift's coefficient and Newey-West variance follow in closed form (vectorised).
    """
    n = len(target)
    D = (np.arange(n)[:, None] >= np.asarray(positions)[None, :]).astype(float)
    Q, _ = np.linalg.qr(X)
    e = target - Q @ (Q.T @ target)
    Dt = D - Q @ (Q.T @ D)
    dd = np.sum(Dt * Dt, axis=0)
    b = (Dt * e[:, None]).sum(axis=0) / dd
    u = e[:, None] - Dt * b[None, :]
    g = Dt * u
    s = np.sum(g * g, axis=0)
    for lag in range(1, maxlags + 1):
        w = 1 - lag / (maxlags + 1)
        s += 2 * w * np.sum(g[lag:] * g[:-lag], axis=0)
    se = np.sqrt(np.maximum(s, 1e-300)) / dd
    return b / se


def compute_diagnostics(
    *, y, z, fitted, pos0, backend, base, controls, model, method, estimated, freq, window=None
) -> Diagnostics:
    """Compute :class:`Diagnostics` for a fitted model (internal to ``fit``).

    ``window`` is the first campaign's evaluation window (first and last position); a
    control's before/after change is taken over it against as many periods just before
    launch (the whole data after and before launch without it), both cut to the periods
    before launch when those are fewer.
    """
    del freq
    warn: list[FitWarning] = []
    yv = y.to_numpy(dtype=float)
    pre_obs = yv[:pos0]
    pre_fit = np.asarray(fitted[:pos0], dtype=float)
    ok = ~np.isnan(pre_obs) & ~np.isnan(pre_fit)
    nz = ok & (pre_obs != 0)
    mape = (
        float(np.mean(np.abs((pre_obs[nz] - pre_fit[nz]) / pre_obs[nz])) * 100)
        if nz.any()
        else np.nan
    )
    if ok.sum() > 2 and np.std(pre_obs[ok]) > 0:
        r2 = float(
            1
            - np.sum((pre_obs[ok] - pre_fit[ok]) ** 2)
            / np.sum((pre_obs[ok] - pre_obs[ok].mean()) ** 2)
        )
    else:
        r2 = np.nan
    # with AR errors the innovations, not the raw residuals, should be white noise
    resid = np.asarray(getattr(backend, "innovations", backend.resid), dtype=float)
    resid = resid[~np.isnan(resid)]
    lags = max(1, min(10, len(resid) // 5))
    lb_p = (
        float(acorr_ljungbox(resid, lags=[lags])["lb_pvalue"].iloc[0])
        if len(resid) > 10
        else np.nan
    )
    jb_p = float(stats.jarque_bera(resid).pvalue) if len(resid) > 10 else np.nan
    n_pre = int(np.sum(~np.isnan(yv[:pos0])))
    n_missing = int(np.isnan(yv).sum())

    if n_pre < SHORT_PRE_PERIODS:
        warn.append(
            FitWarning(
                "short_pre_period",
                f"The pre-period is short ({n_pre} periods): the baseline, and so every "
                "effect, rests on little history.",
                n=n_pre,
            )
        )
    if n_missing:
        miss_post = int(np.isnan(yv[pos0:]).sum())
        warn.append(
            FitWarning(
                "missing_values",
                f"{n_missing} values of y are missing ({miss_post} after the first campaign); "
                "they are left out of the fit and of the effect sums, not filled with zeros.",
                n=n_missing,
                n_post=miss_post,
            )
        )
    if lb_p < 0.01 and model in ("segmented", "poisson", "negbin"):
        errors = getattr(backend, "errors", None)
        if model in ("poisson", "negbin"):
            how = "the intervals allow for it through the latent AR(5) log-scale noise"
        elif errors == "ar":
            how = "the AR(5) errors leave some of it"
        else:
            how = "the HAC standard errors allow for it"
        warn.append(
            FitWarning(
                "autocorrelation",
                f"Residuals are autocorrelated (Ljung-Box p < 0.01): {how}; model='arima' "
                "models it explicitly.",
                errors=errors,
            )
        )

    # a level shift already inside the pre-period makes the baseline untrustworthy
    max_t = np.nan
    zpre = z[:pos0]
    okz = ~np.isnan(zpre)
    # Only the smooth yearly harmonics: within a pre-period shorter than two years, the
    # higher ones can draw a step and would hide exactly the break we look for.
    smooth = [
        c
        for c in base.columns
        if not (str(c).startswith("yearly_") and int(str(c)[len("yearly_") + 3 :]) > 3)
    ]
    Bpre = base[smooth].to_numpy()[:pos0][okz]
    if okz.sum() >= 20 and Bpre.shape[1] < okz.sum() - 10:
        Bpre = Bpre[:, np.std(Bpre, axis=0) > 0]
        tpre = np.arange(pos0, dtype=float)[okz]
        Bpre = np.column_stack([np.ones(len(Bpre)), tpre, Bpre])
        m = int(okz.sum())
        cands = np.unique(np.linspace(int(0.15 * m), int(0.85 * m), 25).astype(int))
        target = np.log(zpre[okz] + 0.5) if model in ("poisson", "negbin") else zpre[okz]
        try:
            tstats = _step_t(target, Bpre, cands, newey_west_lags(m))
            i = int(np.argmax(np.abs(tstats)))
            max_t = float(abs(tstats[i]))
            if max_t > BREAK_T_THRESHOLD:
                when = y.index[:pos0][okz][cands[i]]
                warn.append(
                    FitWarning(
                        "level_shift",
                        "The pre-period may already contain a break (a level shift around "
                        f"{when.date()}, |t| = {max_t:.1f}): start the data after it or add it "
                        "as a campaign.",
                        date=when,
                        t=max_t,
                    )
                )
        except np.linalg.LinAlgError:
            pass

    if controls is not None:
        plain = base.drop(columns=list(controls.columns)).to_numpy()
        plain = np.column_stack([np.ones(len(plain)), plain[:, np.std(plain, axis=0) > 0]])
        # the first campaign's window, or everything after launch without one
        length = len(y) - pos0 if window is None else window[1] - window[0] + 1
        # as many periods before launch as after: no more than the data hold
        length = max(min(length, pos0), 1)
        for col in controls.columns:
            c = controls[col].to_numpy(dtype=float)
            t = _step_t(c, plain, [pos0], newey_west_lags(len(c)))[0]
            # The size said in words is local to the launch: the campaign's window against
            # as many periods just before it. Over the whole data (16 years of monthly
            # Trends) it measured a decade of growth, not the launch ("+525%").
            pre_mean = np.mean(c[max(pos0 - length, 0) : pos0])
            jump = np.mean(c[pos0 : pos0 + length]) / pre_mean - 1 if pre_mean else np.nan
            # the t compares all periods after launch with all before; the words, the
            # launch's own window: a change under half a percent there (printed 0% to
            # +-0.4%) is no jump at launch (a real merged Trends file: "also moved at
            # launch (0% in the 2 months ...)")
            if abs(t) > CONTROL_JUMP_T_THRESHOLD and not abs(jump) < 0.005:
                warn.append(
                    FitWarning(
                        "control_jump",
                        f"Control {col!r} itself jumps at the first campaign start "
                        f"({percent(jump)} over the {length} periods from launch against the "
                        f"{length} before, |t| = {abs(t):.1f}); if the campaign moved it, it "
                        "hides part of the effect: consider dropping it.",
                        n=length,
                        control=str(col),
                        change=float(jump),
                        t=float(abs(t)),
                    )
                )
    for name, text in estimated.items():
        warn.append(
            FitWarning(
                "estimated_shape",
                f"Campaign {name!r}: {text}; its uncertainty is not in the intervals.",
                campaign=name,
                detail=text,
            )
        )
        if "half-life" in text and text.startswith(f"half-life of {HALF_LIFE_GRID[-1]:g}"):
            warn.append(
                FitWarning(
                    "half_life_at_grid_top",
                    f"Campaign {name!r}: the half-life hit the top of the grid; try 'level'.",
                    campaign=name,
                )
            )
    reml = getattr(backend, "reml", None)
    if getattr(backend, "cov_ok", True) is False:
        if reml is not None:
            # REML keeps the GLS covariance of the regression: only the ARMA block failed
            text = (
                "The uncertainty of the ARMA error coefficients could not be estimated (their "
                "information is singular, e.g. an AR root cancelling an MA root); intervals "
                "keep the regression coefficients' uncertainty but not theirs. A smaller "
                "order, such as order=(1, 0, 0), avoids it."
            )
        else:
            text = (
                "The parameter covariance could not be estimated; intervals ignore parameter "
                "uncertainty."
            )
        warn.append(FitWarning("covariance_failed", text))
    if reml is not None and not reml.converged:
        warn.append(
            FitWarning(
                "not_converged",
                "The REML optimiser for the ARMA error coefficients stopped before converging; "
                "the estimates may be off. A smaller order, such as order=(1, 0, 0), or a "
                "longer fitted period usually converges.",
            )
        )
    return Diagnostics(
        mape=mape,
        r_squared=r2,
        ljung_box_p=lb_p,
        normality_p=jb_p,
        n_pre=n_pre,
        n_missing=n_missing,
        maxlags=backend.maxlags,
        max_break_t=max_t,
        warnings=tuple(warn),
    )

"""Project-wide model defaults.

Every default a model uses lives here with a ``#:`` comment saying why it has that value,
so that a notebook or a test can read (never silently change) the choice.
"""

from __future__ import annotations

from darksocial.config import ALPHA, SEED

__all__ = [
    "AR_ERROR_ORDER",
    "ALPHA",
    "ARIMA_ORDER",
    "BREAK_T_THRESHOLD",
    "CONTROL_JUMP_T_THRESHOLD",
    "FOURIER_YEARLY_HARMONICS",
    "YEAR_END",
    "HALF_LIFE_GRID",
    "MIN_PRE_PERIODS",
    "MIN_RESIDUAL_DOF",
    "MIN_YEARS_FOR_YEARLY_SEASONALITY",
    "N_SIMULATIONS",
    "RAMP_GRID_MAX",
    "SEED",
    "SHORT_PRE_PERIODS",
    "STRUCTURAL_PARAM_DRAWS",
]

#: Simulated paths (or parameter draws) behind every interval and tail-area p-value.
#: R CausalImpact keeps about 1,000 MCMC draws; 1,000 gives quantiles stable to ~1% of
#: the interval width and a smallest possible p of 1/1001.
N_SIMULATIONS = 1000

#: For ``model="structural"`` counterfactuals: parameter vectors drawn from the MLE
#: covariance; each is run through the Kalman filter once and simulated
#: ``N_SIMULATIONS / STRUCTURAL_PARAM_DRAWS`` times. Keeps parameter uncertainty in the
#: intervals (what pycausalimpact lacked) at a tenth of the cost of one filter per path.
STRUCTURAL_PARAM_DRAWS = 100

#: Fewest non-missing periods before the first campaign, whatever the model.
MIN_PRE_PERIODS = 8

#: Residual degrees of freedom required on top of the parameters estimated from the
#: pre-period (a pre-period with fewer periods than parameters + this is rejected).
MIN_RESIDUAL_DOF = 5

#: A pre-period shorter than this many periods gets a plain warning in diagnostics
#: (about three weeks of days, or ~half a year of weeks: too little to learn seasonality).
SHORT_PRE_PERIODS = 21

#: Yearly Fourier terms enter ``seasonality="auto"`` only when the fitted data span at
#: least this many years: with one year or less they are confounded with trend and campaigns.
MIN_YEARS_FOR_YEARLY_SEASONALITY = 1.5

#: Harmonics of the yearly Fourier terms (3 pairs: a smooth annual shape, 6 parameters).
#: Sharp annual features are left to the explicit year-end term below rather than to more
#: harmonics: 10 harmonics fitted the sample's Christmas dip too, but they also absorbed
#: part of two-month campaign effects and of estimated ramp shapes.
FOURIER_YEARLY_HARMONICS = 3

#: The year-end holiday period (month, day) to (month, day), inclusive, that daily
#: ``seasonality="auto"`` models with its own dummy: B2B traffic collapses for these two
#: weeks, and three smooth harmonics smear that dip over November and December, which then
#: reads as a spurious "effect" of any campaign in late autumn.
YEAR_END = ((12, 21), (1, 3))

#: Default ``order`` for ``model="arima"``: regression with ARMA(1,1) errors. The log of a
#: count is an AR(1) persistence plus white (Poisson, control) noise, which is exactly
#: ARMA(1,1); AR(1) errors, the earlier default, read that mixture as less persistent than
#: it is. With stationary orders (``d = 0``, no seasonal part) the ARMA coefficients are
#: estimated by REML (``darksocial.its.reml``): on the calibration grid's null series the
#: campaign's ``E[t^2]`` was 1.30 with ML ARMA(1,1) and 1.12 with REML (200 series of the
#: central cell; ML AR(1): 1.6 on 60).
ARIMA_ORDER = (1, 0, 1)

#: Candidate half-lives (in periods) when a pulse's half-life is estimated by profile
#: least squares: geometric grid from half a period to 120 periods.
HALF_LIFE_GRID = tuple(
    float(h)
    for h in (
        0.5,
        0.75,
        1,
        1.5,
        2,
        3,
        4,
        5,
        6,
        7,
        8,
        10,
        12,
        14,
        17,
        21,
        25,
        30,
        40,
        50,
        60,
        80,
        100,
        120,
    )
)

#: Longest ramp (in periods) tried when a ramp's length is estimated by profile least squares.
RAMP_GRID_MAX = 120

#: |t| of a level shift anywhere in the pre-period above which diagnostics warn of a
#: structural break. The textbook sup-Wald 5% value (about 2.97 with 15% trimming) assumes
#: an exact long-run variance; Newey-West with few lags underestimates it on autocorrelated
#: daily series. Measured on 60 simulated two-year daily series with AR(1) noise (phi 0.5),
#: yearly seasonality and no break (`darksocial.sample.simulate_series`, default "auto"
#: seasonality): the maximum |t| had median 3.35, 95th percentile 4.5 and 99th 5.7, and
#: exceeded 3.5 in 42% of series; 5.0 keeps false alarms at a few percent.
#: Limitation: with yearly terms in the model, a step inside a pre-period shorter than two
#: years is largely absorbed by trend and seasonal shape, so such breaks go unflagged.
BREAK_T_THRESHOLD = 5.0

#: |t| of a control's own jump at the first campaign start above which diagnostics warn
#: that the control may itself be affected by the campaign.
CONTROL_JUMP_T_THRESHOLD = 3.5

#: Order of the autoregressive noise behind every AR-based interval: the errors of
#: ``model="segmented"`` (``errors="ar"``, the default) and the latent log-scale noise of
#: ``model="poisson"`` / ``"negbin"``. The log of a count is ``u_t + w_t``: an AR(1) ``u``
#: plus white (Poisson, and a control's own) noise ``w``, i.e. ARMA(1,1) with an MA
#: coefficient ``theta < 0`` (about -0.1 to -0.3 on daily series at 2,000 a day, lower
#: still when a noisy control takes part of ``u``). The GLMs take the outcome's own Poisson
#: part out (its variance ``1 / mu`` is known, ``its.models.latent_ar``), but not a
#: control's, so their residual noise is ARMA(1,1) too. Its AR(infinity) coefficients
#: decay like ``theta**k``; AR(2) stops too early when the noise is persistent: it
#: understates the long-run variance (the variance of a 30-180 day average, which the
#: effect's interval rests on) by ~10% at ``phi = 0.8`` (exact, from the
#: autocovariances), AR(5) by < 1%. Intervals also carry the AR coefficients' own
#: estimation error (Satterthwaite degrees of freedom, ``its.models._ar_uncertainty``).
#: Measured on 2,400 null series of benchmarks/calibration_grid.py: segmented
#: campaign-coefficient ``E[t^2]`` 1.11 with AR(2) and normal quantiles, 1.00 with both
#: changes. Poisson (intervention method), 4,000 null series of the grid (central, phi 0.8,
#: 30 post days, phi 0.2): ``E[t^2]`` 1.05 with AR(2) and normal quantiles; with both changes
#: the t statistic mapped to a normal one through its t distribution has ``E[z^2]`` 1.00
#: (0.94-1.06 by cell) and ``|t|`` beyond the test's quantile in 5.8% of series (was 6.1%).
#: On 200 null series of the calibration study (sample-like) the GLM's intervals were
#: already on the wide side and AR(5) widens them further: poisson ``E[t^2]`` 0.81 -> 0.63,
#: segmented 0.98 -> 0.80 (AR(2) -> AR(5), both with t quantiles): the price of not
#: understating the long-run variance on the grid.
AR_ERROR_ORDER = 5

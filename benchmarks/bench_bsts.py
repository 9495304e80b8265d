"""The Bayesian structural counterfactual (``estimation="gibbs"``) against its targets (issue #14).

Run: ``.venv/bin/python benchmarks/bench_bsts.py [--reps 5] [--mle]``. Prints two tables:

1. The ten public series R CausalImpact has published numbers for (data in
   ``tests/data/reference/``): our average effect and 95% interval next to R's, whether our
   estimate lies in R's interval, the ratio of the interval widths and whether both call the
   effect significant. Target: all three on at least 8 of 10 (width ratio 0.67-1.5). R's
   numbers: the ``sim_*`` series from YuminosukeSato/bsts-causalimpact
   ``tests/fixtures/r_reference_*.json`` (CausalImpact with niter = 5000; ``sim_seasonal``
   with nseasons = 7), the others from WillianFuks/tfcausalimpact
   ``notebooks/R/*/summary.txt.txt`` (CausalImpact defaults, printed to two digits).
   ``--mle`` adds the same table for the old backend (``estimation="mle"``).
2. Two-year daily series with two controls and a known +10% ramp (21 days to plateau,
   56-day window; :func:`darksocial.sample.simulate_series`, Poisson counts around 200 a
   day, AR(1) log noise), fitted as the campaign report does (log scale, French holidays,
   "auto" seasonality): interval width over the true average effect (target <= 0.5),
   coverage, and seconds per fit next to a plain statsmodels ``UnobservedComponents``
   fit (local level + the two controls, pre-period, log scale) in the same run. The
   segmented counterfactual on the same series is printed for context, and the oracle
   width (:func:`oracle_width`): the narrowest interval a calibrated method can give on
   that series, from its known noise process. ``--peers [python]`` also times CausalPy and
   tfcausalimpact on the first series in the same run, with a separate interpreter
   (``benchmarks/peers_ramp.py``; they are not project dependencies).

Figures, not timed tests: the machine is shared, times vary.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.api as sm

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from darksocial.its import Intervention, fit  # noqa: E402
from darksocial.sample import simulate_series  # noqa: E402

REF = ROOT / "tests" / "data" / "reference"

#: name -> (first post-period row (0-based) or date, fit options, R's average effect,
#: R's lower and upper 95% bound).
R_PUBLISHED = {
    "sim_basic": (70, {}, 2.9022749034, 2.3957227451, 3.3938780734),
    "sim_covariates": (70, {}, 2.8858699154, 2.4680288425, 3.2974320329),
    "sim_strong_effect": (70, {}, 7.9511374517, 7.6978613726, 8.1969390367),
    "sim_no_effect": (70, {}, -0.097725096648, -0.60427725488, 0.39387807338),
    "sim_seasonal": (84, {"nseasons": 7}, 2.9822451587, 2.7769556105, 3.1867622736),
    "arma": (70, {}, 0.89, 0.27, 1.5),
    # google and basque: R's post period is the one whose observed sum is R's printed
    # cumulative "Actual" (4687 over 30 days; 173.1 over 22 years)
    "google": ("2020-03-02", {}, 27.0, 18.0, 36.0),
    "comparison": ("2019-07-15", {}, -657.0, -2076.0, 832.0),
    "volkswagen": ("2015-09-20", {}, -44.0, -55.0, -33.0),
    "basque": ("1976-01-01", {}, -0.76, -1.4, -0.2),
}


def load(name: str) -> pd.DataFrame:
    """A reference series with a DatetimeIndex (undated ones read as days)."""
    df = pd.read_csv(REF / f"{name}.csv")
    if "date" in df:
        return df.set_index(pd.DatetimeIndex(df.pop("date")))
    t = df.pop("t")
    return df.set_index(pd.date_range("2000-01-01", periods=len(t), freq="D"))


def reference_rows(estimation: str) -> pd.DataFrame:
    """Our numbers next to R's on the ten series."""
    rows = []
    for name, (start, opts, r_est, r_lo, r_hi) in R_PUBLISHED.items():
        df = load(name)
        y, X = df["y"], df.drop(columns="y")
        s0 = y.index[start] if isinstance(start, int) else pd.Timestamp(start)
        kw = dict(opts)
        if estimation == "mle":
            # the old backend has no dynamic seasonal state: calendar dummies instead
            kw = {"seasonality": 7} if kw.pop("nseasons", None) else {"seasonality": None}
        else:
            kw.setdefault("seasonality", None)
        t0 = time.perf_counter()
        res = fit(
            y,
            s0,
            controls=X if X.shape[1] else None,
            model="structural",
            method="counterfactual",
            estimation=estimation,
            **kw,
        )
        sec = time.perf_counter() - t0
        a = res.effects.loc["average"]
        ratio = (a["upper"] - a["lower"]) / (r_hi - r_lo)
        sig, r_sig = not (a["lower"] < 0 < a["upper"]), not (r_lo < 0 < r_hi)
        inside = r_lo <= a["estimate"] <= r_hi
        rows.append(
            {
                "series": name,
                "ours": a["estimate"],
                "lower": a["lower"],
                "upper": a["upper"],
                "R": r_est,
                "R_lower": r_lo,
                "R_upper": r_hi,
                "in_R_interval": inside,
                "width_ratio": ratio,
                "same_significance": sig == r_sig,
                "ok": inside and 0.67 <= ratio <= 1.5 and sig == r_sig,
                "p": res.p_value,
                "seconds": sec,
            }
        )
    return pd.DataFrame(rows)


#: The ramp series' noise (``simulate_series`` defaults): AR(1) coefficient, log-scale sd,
#: share of the noise variance common to outcome and controls.
RAMP_NOISE = {"phi": 0.5, "noise_sd": 0.08, "control_share": 0.6}


def oracle_width(truth: dict, n_controls: int = 2) -> float:
    """Narrowest calibrated 95% interval of the average effect on one ramp series.

    An oracle that knows the counterfactual mean, the noise process (``RAMP_NOISE``) and
    the controls' scales exactly, sees the pre-period of ``y`` and the controls over all
    dates, and predicts the window's noise by its Gaussian conditional expectation (log
    noise linearised, Poisson sampling as white noise of variance ``1 / mean``). What it
    cannot predict, the outcome's own noise and Poisson counts in the window, is the
    floor under any honest interval. Returns its width over the true average effect.

    Parameters
    ----------
    truth : dict
        ``simulate_series``'s truth (``counterfactual``, ``lift``, ``launch``,
        ``window_end``).
    n_controls : int, default 2
        Controls of the series.

    Returns
    -------
    float
        ``3.92 * sd / true average effect``.
    """
    phi, sd, share = RAMP_NOISE["phi"], RAMP_NOISE["noise_sd"], RAMP_NOISE["control_share"]
    cf = truth["counterfactual"].to_numpy()
    mu = cf + truth["lift"].to_numpy()
    idx = truth["counterfactual"].index
    n = len(cf)
    pre = np.flatnonzero(idx < truth["launch"])
    win = np.flatnonzero((idx >= truth["launch"]) & (idx <= truth["window_end"]))
    t = np.arange(n)
    G = sd**2 * phi ** np.abs(t[:, None] - t[None, :])  # cov of sd * AR(1), unit variance
    # observed blocks: y's pre-period, then each control over all dates
    blocks = [("y", pre)] + [(j, t) for j in range(n_controls)]
    means = {"y": mu, **{j: cf * (0.5 + 0.5 * (j + 1)) for j in range(n_controls)}}

    def cov(a, ra, b, rb):
        same = a == b
        c = G[np.ix_(ra, rb)] * (1.0 if same else share)
        if same:
            c = c + np.diag(1.0 / means[a][ra]) * (ra[:, None] == rb[None, :]).all(axis=None)
        return c

    S = np.block([[cov(a, ra, b, rb) for b, rb in blocks] for a, ra in blocks])
    wt = mu[win] / len(win)  # the window mean of y, linearised: sum_t mu_t noise_t / m
    k = np.concatenate(
        [wt @ (G[np.ix_(win, rb)] * (1.0 if b == "y" else share)) for b, rb in blocks]
    )
    var_t = wt @ G[np.ix_(win, win)] @ wt
    cond = var_t - k @ np.linalg.solve(S, k)
    poisson = mu[win].sum() / len(win) ** 2
    return float(3.92 * np.sqrt(cond + poisson) / truth["average"])


def ramp_rows(reps: int) -> pd.DataFrame:
    """Two-year daily series, two controls, +10% ramp: width, coverage and time."""
    rows = []
    for rep in range(reps):
        y, controls, truth = simulate_series(
            730, effect=0.10, shape="ramp", ramp_days=21, n_controls=2, seed=1000 + rep
        )
        iv = Intervention("c", truth["launch"], shape="ramp", evaluation_end=truth["window_end"])
        common = {"controls": controls, "transform": "log", "holidays": "FR"}
        out = {"rep": rep, "true_average": truth["average"], "oracle_width": oracle_width(truth)}
        for label, kw in (
            ("gibbs", {"model": "structural", "estimation": "gibbs"}),
            ("segmented_cf", {"model": "segmented"}),
        ):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t0 = time.perf_counter()
                res = fit(y, iv, method="counterfactual", **common, **kw)
                sec = time.perf_counter() - t0
            a = res.effects.loc["average"]
            out[f"{label}_width"] = (a["upper"] - a["lower"]) / truth["average"]
            out[f"{label}_covers"] = bool(a["lower"] <= truth["average"] <= a["upper"])
            out[f"{label}_seconds"] = sec
        pre = y.loc[: pd.Timestamp(truth["launch"]) - pd.Timedelta(days=1)]
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sm.tsa.UnobservedComponents(
                np.log(pre.to_numpy(dtype=float)),
                level="local level",
                exog=controls.loc[pre.index].to_numpy(),
            ).fit(disp=False)
        out["uc_seconds"] = time.perf_counter() - t0
        rows.append(out)
    return pd.DataFrame(rows)


def peer_rows(python: str, ours: pd.DataFrame) -> pd.DataFrame:
    """Time CausalPy and tfcausalimpact on the first ramp series, in their own interpreter.

    They are not project dependencies: ``python`` is an interpreter of a separate venv
    (``python3 -m venv /tmp/peers && /tmp/peers/bin/pip install causalpy tfcausalimpact``);
    a peer that is not installed there is skipped. Returns one row per peer with its
    seconds, its interval width over the true average effect, and our gibbs fit's speed-up.
    """
    import json
    import subprocess
    import tempfile

    y, controls, truth = simulate_series(
        730, effect=0.10, shape="ramp", ramp_days=21, n_controls=2, seed=1000
    )
    frame = pd.concat([y.rename("y"), controls], axis=1)
    frame.index.name = "date"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ramp.csv"
        frame.to_csv(path)
        run = subprocess.run(
            [
                python,
                str(ROOT / "benchmarks" / "peers_ramp.py"),
                str(path),
                str(truth["launch"].date()),
                str(truth["window_end"].date()),
            ],
            capture_output=True,
            text=True,
            timeout=3600,
            check=False,
        )
    ours_s = float(ours.loc[ours["rep"] == 0, "gibbs_seconds"].iloc[0])
    rows = []
    for line in run.stdout.splitlines():
        if not line.startswith("{"):
            continue
        r = json.loads(line)
        if "lower" in r:
            r["width"] = (r["upper"] - r["lower"]) / truth["average"]
            r["covers"] = bool(r["lower"] <= truth["average"] <= r["upper"])
        if "seconds" in r:
            r["ours_faster_by"] = r["seconds"] / ours_s
        rows.append(r)
    if not rows:
        rows.append({"peer": "none", "error": (run.stderr or "no output")[-200:]})
    return pd.DataFrame(rows)


def main(argv=None) -> int:
    """Print both tables."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=5, help="replications of the ramp series")
    ap.add_argument("--mle", action="store_true", help="also the old backend on the ten series")
    ap.add_argument(
        "--peers",
        nargs="?",
        const="/tmp/peers/bin/python",
        help="also time CausalPy / tfcausalimpact with this interpreter (not dependencies)",
    )
    args = ap.parse_args(argv)
    fmt = {"float_format": lambda v: f"{v:.4g}"}
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        for estimation in ("gibbs", "mle") if args.mle else ("gibbs",):
            ref = reference_rows(estimation)
            print(f"\n== reference series vs R CausalImpact, estimation={estimation!r} ==")
            print(ref.to_string(index=False, **fmt))
            print(f"meets all three: {int(ref['ok'].sum())} of {len(ref)} (target >= 8)")
        ramp = ramp_rows(args.reps)
        print("\n== two-year daily series, two controls, +10% ramp ==")
        print(ramp.to_string(index=False, **fmt))
        g, uc = ramp["gibbs_seconds"], ramp["uc_seconds"]
        print(
            f"gibbs: median width / true effect {ramp['gibbs_width'].median():.2f} "
            f"(target <= 0.5), coverage {ramp['gibbs_covers'].mean():.0%}, "
            f"median {statistics.median(g):.2f} s per fit = "
            f"{statistics.median(g) / statistics.median(uc):.1f} x a plain UnobservedComponents "
            f"fit ({statistics.median(uc):.2f} s); segmented counterfactual width "
            f"{ramp['segmented_cf_width'].median():.2f}; oracle width (narrowest calibrated "
            f"interval, known noise process) {ramp['oracle_width'].median():.2f}"
        )
        if args.peers:
            print("\n== peers on the first ramp series (same run) ==")
            print(peer_rows(args.peers, ramp).to_string(index=False, **fmt))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Time CausalPy and tfcausalimpact on one ramp series (run by ``bench_bsts.py --peers``).

Run with the peers' own interpreter, outside the project (they are not dependencies)::

    /tmp/peers/bin/python benchmarks/peers_ramp.py series.csv 2024-11-04 2024-12-29

The CSV has ``date, y, x1, x2``. Prints one JSON line per peer: seconds for the fit and,
where the peer exposes it, the 95% interval of the average effect (log scale is not used:
both peers model the raw counts here, as their defaults do).
"""

from __future__ import annotations

import json
import sys
import time
import warnings

import pandas as pd


def main(path: str, launch: str, window_end: str) -> None:
    df = pd.read_csv(path, parse_dates=["date"]).set_index("date")
    df = df.loc[:window_end]
    launch_ts = pd.Timestamp(launch)
    try:
        import causalpy as cp

        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = cp.InterruptedTimeSeries(
                df,
                launch_ts,
                formula="y ~ 1 + x1 + x2",
                model=cp.pymc_models.LinearRegression(
                    sample_kwargs={"random_seed": 1, "progressbar": False}
                ),
            )
        sec = time.perf_counter() - t0
        out = {"peer": "causalpy", "version": cp.__version__, "seconds": sec}
        try:
            impact = res.post_impact.mean(dim="obs_ind")
            q = impact.quantile([0.025, 0.975], dim=("chain", "draw")).values.ravel()
            out.update(lower=float(q[0]), upper=float(q[1]))
        except Exception as exc:  # noqa: BLE001 - the API moves between versions
            out["interval_error"] = f"{type(exc).__name__}: {exc}"[:120]
        print(json.dumps(out), flush=True)
    except Exception as exc:  # noqa: BLE001
        print(json.dumps({"peer": "causalpy", "error": f"{type(exc).__name__}: {exc}"[:200]}))
    try:
        from causalimpact import CausalImpact

        pre = [str(df.index[0].date()), str((launch_ts - pd.Timedelta(days=1)).date())]
        post = [str(launch_ts.date()), str(df.index[-1].date())]
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ci = CausalImpact(df[["y", "x1", "x2"]], pre, post)
        sec = time.perf_counter() - t0
        s = ci.summary_data
        out = {
            "peer": "tfcausalimpact",
            "seconds": sec,
            "lower": float(s.loc["abs_effect_lower", "average"]),
            "upper": float(s.loc["abs_effect_upper", "average"]),
        }
        print(json.dumps(out), flush=True)
    except Exception as exc:  # noqa: BLE001
        print(
            json.dumps({"peer": "tfcausalimpact", "error": f"{type(exc).__name__}: {exc}"[:200]})
        )


if __name__ == "__main__":
    main(*sys.argv[1:4])

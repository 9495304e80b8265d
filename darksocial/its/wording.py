"""The words of an ITS result: the plain-language report, in the spirit of CausalImpact's.

Every number in the text is read from ``result.effects`` / ``result.p_value``; the
significance wording follows whether the interval of the cumulative effect excludes
zero, so the prose can never contradict the tables.
"""

from __future__ import annotations

import numpy as np

from darksocial.formatting import percent

__all__ = ["report_text", "is_significant"]

_UNITS = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year"}


def _num(v: float) -> str:
    """Thousands separators, sensible precision."""
    if not np.isfinite(v):
        return "n/a"
    a = abs(v)
    if a >= 100:
        return f"{v:,.0f}"
    if a >= 10:
        return f"{v:,.1f}"
    return f"{v:,.2f}"


def is_significant(effects) -> bool:
    """Whether the interval of the cumulative effect excludes zero.

    Parameters
    ----------
    effects : pandas.DataFrame
        A ``result.effects`` table.

    Returns
    -------
    bool
        True when ``lower > 0`` or ``upper < 0`` for the cumulative effect.
    """
    lo, hi = effects.loc["cumulative", ["lower", "upper"]]
    return bool(lo > 0 or hi < 0)


def _span(n: int, unit: str) -> str:
    if unit == "day" and n % 7 == 0 and n >= 14:
        return f"{n // 7} weeks"
    return f"{n} {unit}{'s' if n != 1 else ''}"


def report_text(result, *, outcome: str | None = None, unit: str | None = None) -> str:
    """Build the report paragraph of ``result`` (see :meth:`ImpactResult.report`).

    Parameters
    ----------
    result : ImpactResult
        The fitted result.
    outcome : str, optional
        What ``y`` measures.
    unit : str, optional
        The period word.

    Returns
    -------
    str
        One paragraph of plain text.
    """
    eff = result.effects
    unit = unit or _UNITS[result.freq]
    outcome = outcome or (str(result.y.name) if result.y.name is not None else "the outcome")
    lo_date, hi_date = result.window
    pw = result.pointwise.loc[lo_date:hi_date]
    n_obs = int(pw["observed"].notna().sum())
    level = 1 - result.alpha
    conf = f"{level:.0%}"
    avg, cum, rel = eff.loc["average"], eff.loc["cumulative"], eff.loc["relative"]
    actual = float(pw["observed"].mean())
    expected = actual - avg["estimate"]
    exp_lo, exp_hi = actual - avg["upper"], actual - avg["lower"]
    names = ", ".join(iv.name for iv in result.interventions)
    campaigns = "the campaign" if len(result.interventions) == 1 else f"the campaigns ({names})"
    sig = is_significant(eff)
    direction = "added" if avg["estimate"] >= 0 else "removed"
    parts = [
        f"During the {_span(n_obs, unit)} from {lo_date.date()} to {hi_date.date()}, "
        f"{outcome} averaged {_num(actual)} per {unit}.",
        f"Without {campaigns} we would have expected {_num(expected)} "
        f"({conf} interval {_num(exp_lo)} to {_num(exp_hi)}).",
        f"{campaigns[0].upper() + campaigns[1:]} {direction} about "
        f"{_num(abs(avg['estimate']))} per {unit} ({percent(rel['estimate'])}, {conf} interval "
        f"{percent(rel['lower'])} to {percent(rel['upper'])}), {_num(cum['estimate'])} in total "
        f"({conf} interval {_num(cum['lower'])} to {_num(cum['upper'])}).",
    ]
    p = result.p_value
    test = "tail-area probability" if result.method == "counterfactual" else "Wald test"
    if sig:
        sign = "increase" if cum["estimate"] > 0 else "decrease"
        parts.append(
            f"The {conf} interval of the total excludes zero, so this {sign} is unlikely to be "
            f"noise (p = {p:.3g}, {test})."
        )
    else:
        parts.append(
            f"The {conf} interval of the total includes zero, so we cannot tell this apart "
            f"from noise (p = {p:.3g}, {test})."
        )
    if sig != (p < result.alpha):
        if result.method == "counterfactual":
            parts.append(
                "Note: the one-sided p-value and the two-sided interval disagree, so the "
                "evidence is borderline."
            )
        else:
            parts.append(
                "Note: the p-value tests all campaign terms jointly and points the other way; "
                "read the interval of the total as the answer for the whole window."
            )
    if expected > 0 and abs(rel["estimate"] - avg["estimate"] / expected) >= 0.05:
        # R CausalImpact (1.4) notes this too: the relative effect is the mean over the
        # simulated forecasts, which a few extreme ones can pull away from the point ratio
        parts.append(
            f"Note: the relative effect ({percent(rel['estimate'])}) is the average over "
            f"simulated forecasts; the effect over the expected level is "
            f"{percent(avg['estimate'] / expected)}. They differ because the forecast is "
            "very uncertain: read the interval, not the point estimate."
        )
    if result.diagnostics.warnings:
        parts.append(
            f"Check before relying on this: {result.diagnostics.warnings[0]}"
            + (
                f" ({len(result.diagnostics.warnings) - 1} more warning(s) in diagnostics.)"
                if len(result.diagnostics.warnings) > 1
                else ""
            )
        )
    return " ".join(parts)

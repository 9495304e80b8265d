"""Time survey classification and personal-data masking on long answers.

Target: a survey of 10,000 answers with one 100,000-character answer among them is
classified (``classify_answers``) and masked (``mask_pii`` on every answer) in under 2 s.
Also checks that time grows linearly with an answer's length: the ratio of the time for a
100,000-character answer to ten times the time for a 10,000-character one should be near 1
(it was about 10 when both grew with the square of the length). Prints times and ratios;
below 1 is within target.

    python benchmarks/bench_pii.py
"""

from __future__ import annotations

import time

import pandas as pd

from darksocial.attribution import classify_answers
from darksocial.config import SAMPLE_DIR
from darksocial.io import load_survey
from darksocial.safetext import mask_pii

SURVEY_TARGET_S = 2.0
#: Shapes of long answers that made the old regexes backtrack (a run of letters, digits,
#: words, dotted text) plus ordinary prose.
SHAPES = {
    "letters": "a",
    "digits": "1",
    "dotted": "a.",
    "words": "heard of you from a colleague 06 12 ",
    "iban-like": "FR76 ",
}


def _time(func, *args) -> float:
    t0 = time.perf_counter()
    func(*args)
    return time.perf_counter() - t0


def _classify_and_mask(answers: pd.Series) -> None:
    classify_answers(answers)
    answers.map(mask_pii)


def main() -> None:
    sample = load_survey(SAMPLE_DIR / "survey" / "how_did_you_hear.csv")["answer"]
    base = pd.concat([sample] * (10_000 // len(sample) + 1), ignore_index=True)[:9_999]
    long_answer = ("podcast " + "a" * 99_992)[:100_000]
    survey = pd.concat([base, pd.Series([long_answer])], ignore_index=True)
    seconds = _time(_classify_and_mask, survey)
    print(
        f"10,000 answers with one of 100,000 characters: classified and masked in "
        f"{seconds:.2f} s (target {SURVEY_TARGET_S:.0f} s, ratio {seconds / SURVEY_TARGET_S:.2f})"
    )
    for name, unit in SHAPES.items():
        short = (unit * (10_000 // len(unit) + 1))[:10_000]
        long = (unit * (100_000 // len(unit) + 1))[:100_000]
        for label, func in (("mask_pii", mask_pii), ("classify", classify_answers)):
            arg_short = short if func is mask_pii else pd.Series([short])
            arg_long = long if func is mask_pii else pd.Series([long])
            t_short = min(_time(func, arg_short) for _ in range(3))
            t_long = min(_time(func, arg_long) for _ in range(3))
            ratio = t_long / max(10 * t_short, 1e-9)
            print(
                f"{label:9s} {name:10s} 10k chars {t_short * 1000:7.1f} ms, 100k chars "
                f"{t_long * 1000:7.1f} ms; growth ratio {ratio:.2f} (1 = linear, 10 = square)"
            )


if __name__ == "__main__":
    main()

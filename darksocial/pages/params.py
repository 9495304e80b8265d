"""One place that turns a report notebook's parameters into checked values and loaded data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from darksocial import config
from darksocial.errors import ParameterError
from darksocial.its import MODELS
from darksocial.validation import check_alpha

__all__ = ["ReportParams", "data_folder", "resolve_report_params"]


@dataclass(frozen=True)
class ReportParams:
    """A report's checked parameters with its data loaded.

    Attributes
    ----------
    data_dir : pathlib.Path
        Absolute path of the data folder.
    sources : darksocial.io.Sources
    metrics : tuple of str
        Metrics to measure: those asked for that the data have, or (when none were asked
        for) every metric the data support.
    skipped_metrics : dict of str to str
        Metrics asked for that the data lack, each with the export that would add it.
    alpha : float
    seed : int
    model : str or None
    """

    data_dir: Path
    sources: Any
    metrics: tuple[str, ...]
    skipped_metrics: dict[str, str] = field(default_factory=dict)
    alpha: float = config.ALPHA
    seed: int = config.SEED
    model: str | None = None


def data_folder(data_dir: str | Path | None) -> Path:
    """The data folder a parameter names: empty for the bundled sample, else made absolute."""
    if data_dir is None or str(data_dir).strip() == "":
        return config.SAMPLE_DIR
    return Path(data_dir).expanduser().resolve()


def resolve_report_params(
    *,
    data_dir: str | Path | None = "",
    metrics: Sequence[str] | None = (),
    alpha: object = config.ALPHA,
    seed: object = config.SEED,
    model: str | None = None,
    brand: Sequence[str] | None = (),
    country: str | None = "",
    currency: str | None = "",
    data_cache: str | Path = "",
) -> ReportParams:
    """Check a report's parameters, load its data folder and choose its metrics.

    Parameters
    ----------
    data_dir : str or path-like, optional
        The data folder; empty for the bundled sample. A relative path is resolved against
        the current folder (the runner passes absolute paths to notebooks).
    metrics : sequence of str, optional
        Metrics to measure; empty for every metric the data support.
    alpha : float, default 0.05
        One minus the interval level, in (0, 0.5).
    seed : int, optional
    model : str, optional
        Headline model, one of :data:`darksocial.its.MODELS`.
    brand, country, currency : optional
        Override the data folder's settings for this run (empty: keep them).
    data_cache : str or path-like, optional
        The file in which ``darksocial report`` handed over the folder's data it had already
        read (:func:`darksocial.io.cache.write_data_cache`), so that no notebook reads the
        folder a second time. The folder is read when it is empty, when the file is gone or
        was written for another folder or before a file of it changed, and when ``brand``
        asks for another brand classification.

    Returns
    -------
    ReportParams

    Raises
    ------
    ParameterError
        An unknown metric or model, or an alpha outside (0, 0.5).
    DataFormatError
        The folder is missing or an export in it cannot be read.
    """
    from darksocial.campaign import METRICS, available_metrics, metric_series
    from darksocial.errors import DataValidationError
    from darksocial.io import load_folder

    alpha = check_alpha(alpha, upper=0.5)
    if model is not None and model not in MODELS:
        raise ParameterError(f"model={model!r} is not one of {', '.join(MODELS)}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ParameterError(f"seed={seed!r} must be a whole number")
    asked = list(metrics or ())
    unknown = [m for m in asked if m not in METRICS]
    if unknown:
        raise ParameterError(
            f"unknown metric {', '.join(map(repr, unknown))}; choose from {', '.join(METRICS)}"
        )
    folder = data_folder(data_dir)
    brand_terms = [brand] if isinstance(brand, str) else list(brand or ())
    classifier = None
    if brand_terms:
        from darksocial.brand import BrandClassifier

        classifier = BrandClassifier(tuple(brand_terms))
    sources = None
    if data_cache and classifier is None:
        from darksocial.io.cache import read_data_cache

        sources = read_data_cache(data_cache, folder)
    if sources is None:
        sources = load_folder(folder, brand=classifier)
    settings = sources.settings
    if brand_terms:
        settings = replace(
            settings,
            inferred={k: v for k, v in settings.inferred.items() if k != "brand"},
            overridden=(*settings.overridden, "brand"),
        )
    sources = replace(sources, settings=settings.override(country=country, currency=currency))
    skipped: dict[str, str] = {}
    if asked:
        chosen = []
        for m in asked:
            try:
                metric_series(sources, m)
                chosen.append(m)
            except DataValidationError as exc:
                skipped[m] = str(exc)
    else:
        chosen = available_metrics(sources)
    return ReportParams(
        data_dir=folder,
        sources=sources,
        metrics=tuple(chosen),
        skipped_metrics=skipped,
        alpha=alpha,
        seed=int(seed),
        model=model,
    )

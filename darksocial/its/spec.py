"""What :func:`darksocial.its.fit` can be asked for: its models, methods and their rules.

The one home of these lists; the report pages, the checks and the planner import them
rather than keep copies.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["COUNT_MODELS", "METHODS", "MODELS", "Method", "Model", "effective_transform"]

Model = Literal["segmented", "arima", "structural", "poisson", "negbin"]
Method = Literal["intervention", "counterfactual"]

#: Models of :func:`darksocial.its.fit`, the default first.
MODELS: tuple[str, ...] = ("segmented", "arima", "structural", "poisson", "negbin")

#: Methods of :func:`darksocial.its.fit`: campaign terms as regressors, or a forecast from
#: the pre-period (CausalImpact style).
METHODS: tuple[str, ...] = ("intervention", "counterfactual")

#: Log-link GLMs for counts: their effects are multiplicative without a log transform.
COUNT_MODELS: tuple[str, ...] = ("poisson", "negbin")


def effective_transform(model: str, transform: str | None) -> tuple[str | None, str | None]:
    """The transform a model is fitted with, and why it differs from the one asked for.

    Parameters
    ----------
    model : str
        One of :data:`MODELS`.
    transform : {None, "log"}
        The transform asked for.

    Returns
    -------
    transform : {None, "log"}
        ``None`` for a count model asked for ``"log"``, else ``transform`` unchanged.
    note : str or None
        A sentence saying the transform was dropped, or None when nothing changed.
    """
    if transform == "log" and model in COUNT_MODELS:
        # the log link already models log(mean): a log of y on top would double it
        return None, (
            f"transform='log' was not applied: model={model!r} has a log link, so its "
            "effects are already multiplicative."
        )
    return transform, None

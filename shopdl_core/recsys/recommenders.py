"""``RECOMMENDERS``: every recommender by name. The CLI's ``--method`` choices, the page's
method list and the evaluation all read it; a new method is a module with an ``ENTRIES`` tuple
of ``base.Recommender`` classes, and its name in ``METHOD_MODULES``."""

from __future__ import annotations

from dataclasses import fields, replace
from importlib import import_module

from shopdl_core.errors import InputError
from shopdl_core.recsys.base import Recommender, RecommenderSettings

METHOD_MODULES = ("hybrid", "factorisation_recommender", "autorec")
RECOMMENDERS: dict[str, type[Recommender]] = {
    entry.name: entry
    for module in METHOD_MODULES for entry in import_module(f"shopdl_core.recsys.{module}").ENTRIES
}
DEFAULT_METHOD = "hybrid"


def recommender_class(method: str) -> type[Recommender]:
    if method not in RECOMMENDERS:
        raise InputError(f"Unknown method {method!r}: use one of {', '.join(RECOMMENDERS)}.")
    return RECOMMENDERS[method]


def settings_for(method: str, settings: RecommenderSettings) -> RecommenderSettings:
    """``settings`` with the fields ``method`` does not read put back to their defaults, so two
    requests that differ only in a setting the method ignores are the same request (one cache entry)."""
    uses = recommender_class(method).uses | {"few_ratings"}
    default = RecommenderSettings()
    return replace(settings, **{f.name: getattr(default, f.name) for f in fields(settings) if f.name not in uses})

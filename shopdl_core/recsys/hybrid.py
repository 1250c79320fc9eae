"""The hybrid: collaborative and content predictions blended on one scale, the predicted
rating in stars (1-5), as ``alpha * cf + (1 - alpha) * content``.

Both signals predict on the same footing, the shopper's baseline plus what their evidence says
(collaborative.py, content.py). Where one signal has no evidence for a pair (no neighbour rated
the product; no rated item shares a feature with it) it borrows the other's prediction. So
"collaborative" (alpha = 1: the page's method and the CLI's ``--method cf`` alike) ranks a
product by its neighbours where any of them rated it and by its content prediction where none
did (by the shopper's baseline when no item features are given); "content" (alpha = 0) the
other way round. A product nobody rated can still be recommended through its content.

The recommenders ``cf``, ``content`` and ``hybrid`` (base.py's interface) are this one blend at
alpha 1, 0 and the chosen alpha: one formula, so one class with three entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from shopdl_core.errors import InputError
from shopdl_core.i18n import N_, _
from shopdl_core.recsys.base import Explanation, Reason, Recommender, Summary
from shopdl_core.recsys.collaborative import DEFAULT_K, SignalPrediction, UserKNN
from shopdl_core.recsys.content import ContentFilter
from shopdl_core.recsys.datasets import RatingTriples
from shopdl_core.recsys.similarity import DEFAULT_SHRINKAGE

MAX_REASONS = 2  # neighbours, and alike products, named per score


def check_alpha(alpha: float) -> float:
    if not 0.0 <= alpha <= 1.0:
        raise InputError(f"alpha must be between 0 (content only) and 1 (collaborative only), not {alpha!r}.")
    return float(alpha)


@dataclass(frozen=True)
class BlendParts:
    cf: np.ndarray  # (P,) collaborative part, in stars
    content: np.ndarray  # (P,) content part, in stars

    def blend(self, alpha: float) -> np.ndarray:
        return alpha * self.cf + (1.0 - alpha) * self.content


def blend_parts(cf: SignalPrediction, content: SignalPrediction | None) -> BlendParts:
    """Fill each signal's gaps with the other's prediction (both are baselines where neither
    knows); without content, collaborative gaps stay at the shopper's baseline."""
    if content is None:
        return BlendParts(cf.rating, cf.rating)
    return BlendParts(
        cf=np.where(cf.available, cf.rating, content.rating),
        content=np.where(content.available, content.rating, cf.rating),
    )


class HybridRecommender:
    """Collaborative and (when item features are given) content filtering, fitted together."""

    def __init__(self, k: int = DEFAULT_K, similarity: str = "pearson", shrinkage: float = DEFAULT_SHRINKAGE):
        self.collaborative = UserKNN(k, similarity, shrinkage)
        self.content: ContentFilter | None = None

    def fit(self, values: np.ndarray, item_features: np.ndarray | None = None) -> "HybridRecommender":
        self.collaborative.fit(values)
        self.content = ContentFilter().fit(values, item_features) if item_features is not None else None
        return self

    def predict_parts(
        self, shoppers: np.ndarray, products: np.ndarray
    ) -> tuple[BlendParts, SignalPrediction, SignalPrediction | None]:
        cf = self.collaborative.predict_pairs(shoppers, products)
        content = self.content.predict_pairs(shoppers, products) if self.content is not None else None
        return blend_parts(cf, content), cf, content


def _sources(cf_available: bool, content_available: bool) -> tuple[str, str]:
    """What really produced each slot of the blend: (collaborative slot, content slot)."""
    fallback = "baseline"  # neither signal knows: the shopper's own average
    cf = "collaborative" if cf_available else "content" if content_available else fallback
    content = "content" if content_available else "collaborative" if cf_available else fallback
    return cf, content


RESTS_ON = {
    frozenset({"collaborative"}): N_("From shoppers with tastes like yours."),
    frozenset({"content"}): N_("From its likeness to the products you rated."),
    frozenset({"collaborative", "content"}): N_("From shoppers like you and from products like yours."),
    frozenset({"baseline"}): N_("Your own average rating: no similar shopper rated it and it shares "
                                "nothing with what you rated."),
}
# The collaborative slot borrowed the content prediction (both slots are then content).
CONTENT_STANDS_IN = N_("No similar shopper rated it: it rests on its likeness to the products you rated.")
SIMILARITY_CAPTIONS = {
    "pearson": N_("How alike the shoppers' ratings are, each taken around the shopper's own average (Pearson)"),
    "cosine": N_("How alike the shoppers' star ratings are (cosine)"),
}


class Blend(Recommender):
    """``alpha`` x collaborative + (1 - alpha) x content, each signal's gaps filled by the other."""

    uses = frozenset({"k", "similarity", "shrinkage"})
    fixed_alpha: ClassVar[float | None] = None  # None: the settings' alpha

    def __init__(self, settings, item_features=None):
        super().__init__(settings, item_features)
        self.alpha = check_alpha(settings.alpha) if self.fixed_alpha is None else self.fixed_alpha
        if self.alpha < 1.0 and item_features is None:
            raise InputError(f"The {self.name} method needs item features (for MovieLens: the u.item file).")
        self.model = HybridRecommender(settings.k, settings.similarity, settings.shrinkage)

    def _fit(self, ratings: RatingTriples) -> None:
        self.model.fit(self.values, self.item_features)

    def _predict(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        return self.model.predict_parts(users, items)[0].blend(self.alpha)

    def _explain(self, user: int, item: int) -> Explanation:
        parts, cf, content = self.model.predict_parts(np.array([user]), np.array([item]))
        has_content = content is not None and bool(content.available[0])
        cf_source, content_source = _sources(bool(cf.available[0]), has_content)
        pieces: dict[str, float] = {}
        for source, weight, stars in ((cf_source, self.alpha, parts.cf[0]),
                                      (content_source, 1.0 - self.alpha, parts.content[0])):
            if weight > 0:
                pieces[source] = pieces.get(source, 0.0) + weight * float(stars)
        reasons = []
        if "collaborative" in pieces:
            voters = self.model.collaborative.neighbours(user, item)
            baselines = self.model.collaborative.baselines
            # Only neighbours who rated it above their own average pulled the score up.
            reasons += [Reason("neighbour", int(v), float(s), float(r))
                        for v, s, r in zip(voters.shoppers, voters.similarity, voters.ratings)
                        if r > baselines[v]][:MAX_REASONS]
        if "content" in pieces:
            alike = self.model.content.liked_items(user, item)
            reasons += [Reason("alike", int(j), float(s), float(r))
                        for j, s, r in zip(alike.products[:MAX_REASONS], alike.similarity, alike.ratings)]
        stand_in = cf_source == "content" and self.alpha > 0
        rests_on = _(CONTENT_STANDS_IN if stand_in else RESTS_ON[frozenset(pieces)])
        return Explanation(float(sum(pieces.values())), tuple(pieces.items()), tuple(reasons), rests_on)

    def _summary(self, user: int, shopper: str) -> Summary:
        products = np.flatnonzero(self.values[user] == 0)
        _blend, cf, content = self.model.predict_parts(np.full(len(products), user), products)
        content_available = content.available if content is not None else np.zeros(len(products), dtype=bool)
        wanted = {1.0: "collaborative", 0.0: "content"}.get(self.alpha, "hybrid")
        signal, note = wanted, {
            "collaborative": _("Ranked by what shoppers with tastes like {shopper}'s rated."),
            "content": _("Ranked by likeness to the products {shopper} rated highly."),
            "hybrid": _("Ranked by a blend: {shoppers:.0%} from similar shoppers, {products:.0%} from similar "
                        "products."),
        }[wanted].format(shopper=shopper, shoppers=self.alpha, products=1 - self.alpha)
        if wanted != "content" and not cf.available.any():
            signal, note = "content", _("None of the shoppers most like {shopper} rated anything {shopper} has "
                                        "not, so the ranking falls back to similar products (content "
                                        "filtering).").format(shopper=shopper)
        elif wanted != "collaborative" and not content_available.any():
            signal, note = "collaborative", _("No rated product shares a feature with these, so similar products "
                                              "(content filtering) have no say.")
        else:
            gaps = int((~cf.available & content_available).sum())
            if wanted != "content" and gaps:  # the collaborative slot borrows the content prediction there
                gap_note = (_("{note} No similar shopper rated one of the {total} products {shopper} has not "
                              "rated: for it, the prediction from similar products stands in.") if gaps == 1 else
                            _("{note} No similar shopper rated {count} of the {total} products {shopper} has "
                              "not rated: for those, the prediction from similar products stands in."))
                note = gap_note.format(note=note, count=gaps, total=len(products), shopper=shopper)
        return Summary(signal, note, signal != wanted, self._similarity_caption())

    def _shopper_similarity(self) -> np.ndarray:
        return self.model.collaborative.similarity

    def _similarity_caption(self) -> str:
        return _(SIMILARITY_CAPTIONS[self.settings.similarity])


class Collaborative(Blend):
    name, label = "cf", N_("Similar shoppers (collaborative filtering)")
    help = N_("The k shoppers whose ratings are most like yours predict your stars; where none of them "
              "rated a product, its content prediction stands in (your average without product features).")
    fixed_alpha = 1.0


class ContentBased(Blend):
    name, label = "content", N_("Similar products (content-based)")
    help = N_("Products whose kind, colour, price band and tags are like those you rated well; where no "
              "rated product shares a feature, collaborative filtering stands in.")
    fixed_alpha = 0.0
    needs_features = True


class Hybrid(Blend):
    name, label = "hybrid", N_("Both blended (hybrid)")
    help = N_("A blend of the two on the star scale: alpha x collaborative + (1 - alpha) x content, "
              "alpha being the similar shoppers' share.")
    uses = Blend.uses | {"alpha"}
    needs_features = True


ENTRIES = (Collaborative, ContentBased, Hybrid)

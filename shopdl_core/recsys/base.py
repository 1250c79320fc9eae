"""The one interface every recommender implements (Surprise's ``AlgoBase`` is the model).

A recommender is built from ``RecommenderSettings`` (it reads the fields it names in ``uses``)
and, for methods that look at products' features, an (I, F) feature array. Then:

    fit(ratings)                 learn from RatingTriples (shopper, product, stars)
    predict_pairs(users, items)  (P,) predicted stars for P (shopper, product) index pairs
    recommend(user, n)           the n best products the shopper has not rated, best first
    explain(user, item)          what one score is made of (parts) and why (reasons)

A subclass writes ``_fit``, ``_predict`` and ``_explain``; this class validates the inputs
once and answers for a shopper with no ratings (cold start) by the products' popularity, for
every method alike. Its name, label and one-line help are what the CLI, the page and the
evaluation show (label and help marked with ``N_``: a page shows ``_(entry.label)``);
``recommenders.RECOMMENDERS`` lists the classes. The sentences of explanations and summaries are
in the language of the current run (shopdl_core.i18n).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from shopdl_core.errors import InputError
from shopdl_core.i18n import _
from shopdl_core.recsys.collaborative import DEFAULT_K
from shopdl_core.recsys.datasets import RatingTriples
from shopdl_core.recsys.ratings import item_popularity, user_baselines
from shopdl_core.recsys.similarity import DEFAULT_SHRINKAGE

# What a score can rest on; the page colours each part of a score by it.
SOURCES = ("collaborative", "content", "baseline", "learned", "popularity")
POPULAR = "popular"  # the signal of a list ranked by popularity (a shopper with no ratings)


@dataclass(frozen=True)
class RecommenderSettings:
    """Every knob any method reads; each method names the ones it uses in ``uses``."""

    k: int = DEFAULT_K  # neighbours per prediction
    similarity: str = "pearson"  # between shoppers
    shrinkage: float = DEFAULT_SHRINKAGE
    alpha: float = 0.5  # the hybrid's weight of collaborative filtering
    # The page's demo matrix holds a few dozen ratings: learned methods then use fixed settings
    # made for that, instead of their full-size ones (chosen on a validation split).
    few_ratings: bool = False


@dataclass(frozen=True)
class Reason:
    """One piece of evidence behind a score.

    kind "neighbour": shopper ``index``, as similar as ``weight``, rated the product ``rating``;
    "alike": product ``index``, which the shopper rated ``rating``, has features alike (cosine ``weight``);
    "near": product ``index``, rated ``rating``, is near in the learned product space (cosine ``weight``);
    "rater": shopper ``index`` rated the product ``rating``; without it the score is ``weight`` stars lower.
    """

    kind: str
    index: int
    weight: float
    rating: float


@dataclass(frozen=True)
class Explanation:
    score: float  # predicted stars
    parts: tuple[tuple[str, float], ...]  # (source in SOURCES, stars); they sum to score
    reasons: tuple[Reason, ...]  # only evidence that pulled the score up, strongest first
    rests_on: str  # one plain sentence: what the score rests on (shown when there are no reasons)


@dataclass(frozen=True)
class Summary:
    signal: str  # what ranked the list: a source, "hybrid", or POPULAR
    note: str  # one sentence for the page
    fallback: bool  # the method could not use its usual signal (the page warns)
    similarity_caption: str  # what shopper_similarity() measures


class Recommender(ABC):
    name: ClassVar[str]  # the CLI's --method and the page's key
    label: ClassVar[str]  # the page's method list (N_: shown as _(label))
    help: ClassVar[str]  # one line: the page's tooltip and the CLI's heading (N_ too)
    uses: ClassVar[frozenset[str]] = frozenset()  # RecommenderSettings fields it reads
    needs_features: ClassVar[bool] = False

    def __init__(self, settings: RecommenderSettings = RecommenderSettings(),
                 item_features: np.ndarray | None = None):
        self.settings = settings
        self.item_features = item_features

    # -- the interface -------------------------------------------------------------------
    def fit(self, ratings: RatingTriples) -> "Recommender":
        if len(ratings.ratings) == 0:
            raise InputError(_("There are no ratings to learn from."))
        self.values = ratings.to_matrix()  # (U, I), 0 = not rated
        self.popularity = item_popularity(self.values)  # (I,) damped mean rating
        self._fit(ratings)
        return self

    def predict_pairs(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        """(P,) predicted stars; a shopper with no ratings gets each product's popularity."""
        users, items = self._check_pairs(users, items)
        cold = ~self.values[users].any(axis=1)
        predicted = np.empty(len(users))
        predicted[cold] = self.popularity[items[cold]]
        if (~cold).any():
            predicted[~cold] = self._predict(users[~cold], items[~cold])
        return predicted

    def recommend(self, user: int, n: int) -> tuple[np.ndarray, np.ndarray]:
        """The ``n`` best products ``user`` has not rated: (indices, predicted stars), ties to
        the lower index."""
        if int(n) != n or n < 1:
            raise InputError(f"The number of recommendations must be a whole number of at least 1, not {n!r}.")
        self._check_pairs(np.array([user]), np.array([0]))
        unrated = np.flatnonzero(self.values[user] == 0)  # (P,)
        scores = self.predict_pairs(np.full(len(unrated), user), unrated)
        order = np.argsort(-scores, kind="stable")[: int(n)]
        return unrated[order], scores[order]

    def explain(self, user: int, item: int) -> Explanation:
        self._check_pairs(np.array([user]), np.array([item]))
        if not self.values[user].any():
            score = float(self.popularity[item])
            return Explanation(score, (("popularity", score),), (),
                               _("How all shoppers rated it: nothing of yours to go on yet."))
        return self._explain(user, item)

    def summary(self, user: int, shopper: str) -> Summary:
        """What ranked ``user``'s list, in a sentence naming them ``shopper``."""
        if not self.values[user].any():
            note = _("{shopper} has not rated anything yet, so these are the products shoppers rated best "
                     "(their average rating, pulled towards the shop's average when only a few rated them).")
            return Summary(POPULAR, note.format(shopper=shopper), True, self._similarity_caption())
        return self._summary(user, shopper)

    def shopper_similarity(self) -> np.ndarray:
        """(U, U) how alike the shoppers are to this method; 1 on the diagonal (everyone is
        fully alike to themself)."""
        similarity = np.array(self._shopper_similarity(), dtype=float)
        np.fill_diagonal(similarity, 1.0)
        return similarity

    # -- what a method writes ------------------------------------------------------------
    @abstractmethod
    def _fit(self, ratings: RatingTriples) -> None: ...

    @abstractmethod
    def _predict(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        """(P,) stars for shoppers who have ratings, clipped to 1-5."""

    @abstractmethod
    def _explain(self, user: int, item: int) -> Explanation: ...

    @abstractmethod
    def _summary(self, user: int, shopper: str) -> Summary: ...

    @abstractmethod
    def _shopper_similarity(self) -> np.ndarray: ...

    @abstractmethod
    def _similarity_caption(self) -> str: ...

    # -- helpers -------------------------------------------------------------------------
    def _check_pairs(self, users: np.ndarray, items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if not hasattr(self, "values"):
            raise InputError(f"The {self.label} recommender has not been fitted yet: call fit(ratings) first.")
        users, items = np.asarray(users), np.asarray(items)
        if users.shape != items.shape or users.ndim != 1:
            raise InputError(f"Shoppers and products must be two lists of the same length, not shapes "
                             f"{users.shape} and {items.shape}.")
        n_users, n_items = self.values.shape
        for what, index, count in (("shopper", users, n_users), ("product", items, n_items)):
            if len(index) and (not np.issubdtype(index.dtype, np.integer) or index.min() < 0 or index.max() >= count):
                raise InputError(f"A {what} index must be a whole number from 0 to {count - 1}.")
        return users, items

    def liked(self, user: int) -> np.ndarray:
        """(R,) products ``user`` rated above their own average (damped towards the shop's)."""
        rated = np.flatnonzero(self.values[user] > 0)
        return rated[self.values[user, rated] > user_baselines(self.values)[user]]

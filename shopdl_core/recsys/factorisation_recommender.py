"""The learned matrix factorisation (factorisation.py) as a recommender.

On a full-size matrix the factors, the regularisation and the epochs are chosen on a validation
split of the training ratings (``tuned_factorisation``); on the page's demo matrix, a few dozen
ratings, a small fixed setting is used instead. A score is explained by the products the
shopper liked that sit near it in the learned product space, when any clearly does (a cosine
of MIN_NEAR or more: never one pointing away from it).
"""

from __future__ import annotations

import numpy as np
import torch

from shopdl_core.i18n import N_, _
from shopdl_core.recsys.base import Explanation, Reason, Recommender, Summary
from shopdl_core.recsys.datasets import RatingTriples
from shopdl_core.recsys.factorisation import FactorisationConfig, train_factorisation, tuned_factorisation
from shopdl_core.recsys.similarity import cosine_similarity_rows

# A few dozen ratings: few factors, a firm prior, full-batch Adam.
FEW_RATINGS = FactorisationConfig(factors=3, regularisation=1.0, learning_rate=0.1, epochs=150)
MIN_NEAR = 0.5  # cosine (an angle under 60 degrees) for a liked product to count as "near"
MAX_REASONS = 2


class Factorisation(Recommender):
    name, label = "mf", N_("Learned tastes (matrix factorisation)")
    help = N_("Matrix factorisation: a bias and a few taste factors per shopper and per product, learned "
              "from all the ratings by gradient descent (tuned on a validation split of them).")

    def _fit(self, ratings: RatingTriples) -> None:
        if self.settings.few_ratings:
            # A few hundred tiny steps: the CPU beats a GPU's launch and copy overheads here.
            self.fitted = train_factorisation(ratings, FEW_RATINGS, device=torch.device("cpu"))
        else:
            self.fitted = tuned_factorisation(ratings)

    def _predict(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        return self.fitted.predict_pairs(users, items)

    def _explain(self, user: int, item: int) -> Explanation:
        score = float(self._predict(np.array([user]), np.array([item]))[0])
        nearest, similarity = self.fitted.nearest_products(item, self.liked(user))
        reasons = tuple(Reason("near", int(j), float(s), float(self.values[user, j]))
                        for j, s in zip(nearest, similarity) if s >= MIN_NEAR)[:MAX_REASONS]
        if reasons:
            rests_on = _("Learned from all the ratings: it is close to products you liked.")
        else:
            rests_on = _("Learned from all the ratings: how shoppers rate it overall ({bias:+.1f} ★) and your "
                         "usual rating; no product you liked is close to it.").format(
                bias=self.fitted.product_bias[item])
        return Explanation(score, (("learned", score),), reasons, rests_on)

    def _summary(self, user: int, shopper: str) -> Summary:
        note = _("Ranked by a model learned from all the ratings: the shop's average, how generously {shopper} "
                 "rates, how well each product is rated overall, and how well {shopper}'s learned tastes match "
                 "the product's learned traits.").format(shopper=shopper)
        return Summary("learned", note, False, self._similarity_caption())

    def _shopper_similarity(self) -> np.ndarray:
        return cosine_similarity_rows(self.fitted.shopper_factors)

    def _similarity_caption(self) -> str:
        return _("How alike the shoppers' learned tastes are (cosine of their taste vectors)")


ENTRIES = (Factorisation,)

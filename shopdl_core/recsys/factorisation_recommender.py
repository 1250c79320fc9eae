"""The learned matrix factorisation (factorisation.py) as a recommender.

On a full-size matrix the factors, the regularisation and the epochs are chosen on a validation
split of the training ratings (``tuned_factorisation``); on the page's demo matrix, a few dozen
ratings, a small fixed setting is used instead. A score is explained by the products the
shopper liked that sit near it in the learned product space, when any clearly does.
"""

from __future__ import annotations

import numpy as np
import torch

from shopdl_core.recsys.base import Explanation, Reason, Recommender, Summary
from shopdl_core.recsys.datasets import RatingTriples
from shopdl_core.recsys.factorisation import FactorisationConfig, train_factorisation, tuned_factorisation
from shopdl_core.recsys.similarity import cosine_similarity_rows

# A few dozen ratings: few factors, a firm prior, full-batch Adam.
FEW_RATINGS = FactorisationConfig(factors=3, regularisation=1.0, learning_rate=0.1, epochs=150)
MIN_NEAR = 0.5  # cosine (an angle under 60 degrees) for a liked product to count as "near"
MAX_REASONS = 2


class Factorisation(Recommender):
    name, label = "mf", "Learned"
    help = ("Matrix factorisation: a bias and a few taste factors per shopper and per product, learned "
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
            rests_on = "Learned from all the ratings: it sits near products you liked."
        else:
            rests_on = (f"Learned from all the ratings: how shoppers rate it overall "
                        f"({self.fitted.product_bias[item]:+.1f} ★) and your usual rating; no product you "
                        "liked is near it.")
        return Explanation(score, (("learned", score),), reasons, rests_on)

    def _summary(self, user: int, shopper: str) -> Summary:
        note = (f"Ranked by a model learned from all the ratings: the shop's mean, {shopper}'s and each "
                f"product's bias, and how well {shopper}'s learned taste matches the product's learned traits.")
        return Summary("learned", note, False, self._similarity_caption())

    def _shopper_similarity(self) -> np.ndarray:
        return cosine_similarity_rows(self.fitted.shopper_factors)

    def _similarity_caption(self) -> str:
        return "Cosine similarity of the shoppers' learned taste vectors"


ENTRIES = (Factorisation,)

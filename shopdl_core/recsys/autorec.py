"""I-AutoRec (Sedhain et al. 2015): an item-based autoencoder learns to fill in ratings.

Each product is the vector of its ratings by the U shoppers (0 where unknown). One sigmoid
hidden layer squeezes it and a linear layer expands it back:

    r̂(·, i) = V sigmoid(W r(·, i) + b) + c        W: (H, U), V: (U, H)

trained on the known ratings only (masked squared error) with an L2 penalty on W and V:

    Σ_known (r - r̂)² / N  +  λ/2 (|W|² + |V|²) / N      by full-batch Adam, seeded.

Here the autoencoder reads and predicts what a ridge baseline μ + b(u) + b(i) leaves over
(the ratings minus it), so a product with few ratings is predicted near its baseline rather
than from a nearly empty vector; a product nobody rated gets the baseline. The number of epochs
is chosen on a validation split carved from the training ratings (the best epoch's weights are
kept); on the page's demo matrix a small fixed setting is used instead. A score is explained by
occlusion: the raters of the product without whom the score would drop.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from shopdl_core import config
from shopdl_core.device import pick_device
from shopdl_core.i18n import N_, _
from shopdl_core.recsys.base import Explanation, Reason, Recommender, Summary
from shopdl_core.recsys.datasets import RatingTriples, holdout_split
from shopdl_core.recsys.factorisation import EpochMetrics, step_and_report
from shopdl_core.recsys.ratings import MAX_RATING, MIN_RATING
from shopdl_core.recsys.similarity import cosine_similarity_rows

BIAS_DAMPING = (10.0, 25.0)  # ridge strength of the shopper and the product biases (ratings' worth)
VALIDATION_SHARE = 0.1
PATIENCE = 5  # epochs without a better validation RMSE before training stops
# ...but not before this epoch: the validation RMSE first rises above the baseline's while the
# random decoder settles (measured on the MovieLens-shaped data: back below it by epoch 20).
MIN_EPOCHS = 30
MIN_EFFECT = 0.05  # stars a rater must add to a score to be named as a reason
MAX_REASONS = 2


@dataclass(frozen=True)
class AutoRecConfig:
    hidden: int = 200
    regularisation: float = 100.0  # λ above
    learning_rate: float = 0.01
    epochs: int = 80
    seed: int = config.SEED


FEW_RATINGS = AutoRecConfig(hidden=4, regularisation=1.0, learning_rate=0.05, epochs=200)


def ridge_biases(data: RatingTriples) -> tuple[float, np.ndarray, np.ndarray]:
    """μ, (U,) b(u), (I,) b(i) by alternating ridge steps (Koren's baseline estimates)."""
    mean = float(data.ratings.mean())
    shopper_bias, product_bias = np.zeros(data.n_shoppers), np.zeros(data.n_products)
    for _step in range(10):
        rest = data.ratings - mean - shopper_bias[data.shoppers]
        product_bias = (np.bincount(data.products, rest, data.n_products)
                        / (np.bincount(data.products, minlength=data.n_products) + BIAS_DAMPING[1]))
        rest = data.ratings - mean - product_bias[data.products]
        shopper_bias = (np.bincount(data.shoppers, rest, data.n_shoppers)
                        / (np.bincount(data.shoppers, minlength=data.n_shoppers) + BIAS_DAMPING[0]))
    return mean, shopper_bias, product_bias


@dataclass(frozen=True)
class FittedAutoRec:
    """The learned weights as NumPy arrays (picklable: the page caches them)."""

    mean: float
    shopper_bias: np.ndarray  # (U,)
    product_bias: np.ndarray  # (I,)
    residuals: np.ndarray  # (I, U) training ratings minus the baseline, 0 where unknown
    encoder: np.ndarray  # (H, U) W
    encoder_bias: np.ndarray  # (H,)
    decoder: np.ndarray  # (U, H) V
    decoder_bias: np.ndarray  # (U,)
    history: tuple[EpochMetrics, ...]

    def reconstruct(self, rows: np.ndarray) -> np.ndarray:
        """(P, U) residual rows -> (P, U) predicted residuals."""
        hidden = 1.0 / (1.0 + np.exp(-(rows @ self.encoder.T + self.encoder_bias)))  # (P, H)
        return hidden @ self.decoder.T + self.decoder_bias

    def predict_pairs(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        unique, where = np.unique(items, return_inverse=True)
        rows = self.residuals[unique]  # (Q, U)
        correction = self.reconstruct(rows)[where, users]
        correction[~rows.any(axis=1)[where]] = 0.0  # nobody rated the product: the baseline alone
        raw = self.mean + self.shopper_bias[users] + self.product_bias[items] + correction
        return np.clip(raw, MIN_RATING, MAX_RATING)


def _dense(data: RatingTriples, baseline: tuple[float, np.ndarray, np.ndarray]) -> np.ndarray:
    mean, shopper_bias, product_bias = baseline
    residuals = np.zeros((data.n_products, data.n_shoppers), dtype=np.float32)
    residuals[data.products, data.shoppers] = (data.ratings - mean - shopper_bias[data.shoppers]
                                               - product_bias[data.products])
    return residuals


def train_autorec(train: RatingTriples, settings: AutoRecConfig = AutoRecConfig(), *,
                  validation: RatingTriples | None = None, on_epoch: Callable[[EpochMetrics], None] | None = None,
                  stop: threading.Event | None = None, device: torch.device | None = None) -> FittedAutoRec:
    """Fit on ``train``; with ``validation``, keep the weights of the epoch with the best validation
    RMSE and stop after PATIENCE epochs without a better one (from MIN_EPOCHS on). ``on_epoch`` hears each epoch's
    metrics; ``stop`` ends training between epochs."""
    device = device or pick_device()
    baseline = ridge_biases(train)
    residuals = _dense(train, baseline)
    target = torch.as_tensor(residuals, device=device)  # (I, U)
    mask = torch.zeros_like(target)
    mask[train.products, train.shoppers] = 1.0
    n_ratings, n_shoppers = len(train.ratings), train.n_shoppers
    generator = torch.Generator().manual_seed(settings.seed)
    weights = {
        "encoder": torch.randn(settings.hidden, n_shoppers, generator=generator) / np.sqrt(n_shoppers),
        "encoder_bias": torch.zeros(settings.hidden),
        "decoder": 0.1 * torch.randn(n_shoppers, settings.hidden, generator=generator) / np.sqrt(settings.hidden),
        "decoder_bias": torch.zeros(n_shoppers),
    }
    weights = {name: torch.nn.Parameter(tensor.to(device)) for name, tensor in weights.items()}
    optimiser = torch.optim.Adam(weights.values(), lr=settings.learning_rate)
    if validation is not None and len(validation.ratings):
        held_items = torch.as_tensor(validation.products, device=device)
        held_users = torch.as_tensor(validation.shoppers, device=device)
        mean, shopper_bias, product_bias = baseline
        held_base = torch.as_tensor(mean + shopper_bias[validation.shoppers] + product_bias[validation.products],
                                    dtype=torch.float32, device=device)
        held_ratings = torch.as_tensor(validation.ratings, dtype=torch.float32, device=device)
    history, best = [], (np.inf, None)
    for epoch in range(1, settings.epochs + 1):
        if stop is not None and stop.is_set():
            break
        hidden = torch.sigmoid(target @ weights["encoder"].T + weights["encoder_bias"])  # (I, H)
        output = hidden @ weights["decoder"].T + weights["decoder_bias"]  # (I, U)
        squared = (((target - output) * mask) ** 2).sum()
        penalty = (weights["encoder"] ** 2).sum() + (weights["decoder"] ** 2).sum()
        loss = (squared + settings.regularisation / 2 * penalty) / n_ratings
        validation_rmse = None
        if validation is not None and len(validation.ratings):
            with torch.no_grad():
                guess = (held_base + output[held_items, held_users]).clamp(MIN_RATING, MAX_RATING)
                validation_rmse = float(((guess - held_ratings) ** 2).mean().sqrt())
            if validation_rmse < best[0]:  # the weights before this epoch's step made this guess
                best = (validation_rmse, {name: p.detach().clone() for name, p in weights.items()})
        history.append(step_and_report(optimiser, loss, epoch, float((squared.detach() / n_ratings).sqrt()),
                                       validation_rmse, on_epoch))
        best_epoch = min(history, key=lambda m: m.validation_rmse).epoch if validation_rmse is not None else epoch
        if epoch >= MIN_EPOCHS and epoch - best_epoch >= PATIENCE:
            break
    final = best[1] if best[1] is not None else {name: p.detach() for name, p in weights.items()}
    arrays = {name: tensor.cpu().numpy().astype(np.float64) for name, tensor in final.items()}
    return FittedAutoRec(*baseline, residuals=residuals.astype(np.float64), history=tuple(history), **arrays)


class AutoRec(Recommender):
    name, label = "autorec", N_("Neural network (autoencoder)")
    help = N_("I-AutoRec: each product's ratings squeezed through a small hidden layer and expanded back, "
              "filling in the missing ones (learned from all the ratings; epochs chosen on a validation split).")

    def _fit(self, ratings: RatingTriples) -> None:
        if self.settings.few_ratings:
            self.fitted = train_autorec(ratings, FEW_RATINGS, device=torch.device("cpu"))
        else:
            fit_part, validation = holdout_split(ratings, VALIDATION_SHARE, AutoRecConfig().seed)
            self.fitted = train_autorec(fit_part, validation=validation)

    def _predict(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        return self.fitted.predict_pairs(users, items)

    def _explain(self, user: int, item: int) -> Explanation:
        score = float(self._predict(np.array([user]), np.array([item]))[0])
        raters = np.flatnonzero(self.values[:, item] > 0)
        # Occlusion: the same product's ratings without one rater's, each a row; (R, U).
        without = np.repeat(self.fitted.residuals[item][None, :], len(raters), axis=0)
        without[np.arange(len(raters)), raters] = 0.0
        base = self.fitted.mean + self.fitted.shopper_bias[user] + self.fitted.product_bias[item]
        dropped = np.clip(base + self.fitted.reconstruct(without)[:, user], MIN_RATING, MAX_RATING)
        effect = score - dropped
        order = np.argsort(-effect, kind="stable")
        reasons = tuple(Reason("rater", int(raters[j]), float(effect[j]), float(self.values[raters[j], item]))
                        for j in order if effect[j] >= MIN_EFFECT)[:MAX_REASONS]
        rests_on = (_("Learned from everyone's ratings of this product: the network learned whose ratings tend to go "
                      "with yours and whose go against them, so a low rating can lift your score too.") if reasons else
                    _("Learned from all the ratings: no single rating of this product lifts it much; it rests on "
                      "how shoppers rate it overall and your usual rating."))
        return Explanation(score, (("learned", score),), reasons, rests_on)

    def _summary(self, user: int, shopper: str) -> Summary:
        note = _("Ranked by a small neural network (an autoencoder) learned from all the ratings: it squeezes "
                 "each product's ratings into a few numbers and expands them back, which fills in {shopper}'s "
                 "missing ones.").format(shopper=shopper)
        return Summary("learned", note, False, self._similarity_caption())

    def _shopper_similarity(self) -> np.ndarray:
        return cosine_similarity_rows(self.fitted.decoder)

    def _similarity_caption(self) -> str:
        return _("How alike the network finds the shoppers (cosine of their learned output weights)")


ENTRIES = (AutoRec,)

"""Matrix factorisation with shopper and product biases, learned by gradient descent:

    r̂(u, i) = μ + b(u) + b(i) + p(u) · q(i)

μ is the mean training rating (fixed); the biases b and the F-dimensional factors p, q minimise,
over the N training ratings,

    Σ (r - r̂)² / N  +  λ (Σ b(u)² + Σ b(i)² + Σ |p(u)|² + Σ |q(i)|²) / N

by full-batch Adam in torch (on the GPU when there is one). Dividing the penalty by N makes λ a
prior strength (noise variance over prior variance): a shopper with few ratings is pulled
towards the baseline more than one with many. With F = 0 the model is the ridge baseline
μ + b(u) + b(i). ``tuned_factorisation`` picks F, λ and the number of epochs on a validation
split carved from the training ratings it is given, then refits on all of them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np
import torch

from shopdl_core import config
from shopdl_core.device import pick_device
from shopdl_core.errors import InputError
from shopdl_core.recsys.datasets import RatingTriples, holdout_split
from shopdl_core.recsys.ratings import MAX_RATING, MIN_RATING
from shopdl_core.training import take_step

VALIDATION_SHARE = 0.1  # of each shopper's training ratings, for choosing hyperparameters
# Searched on the validation split; the number of epochs is chosen there too (best epoch).
FACTOR_GRID = (32,)
REGULARISATION_GRID = (10.0, 15.0, 20.0)
MAX_EPOCHS = 100
PATIENCE = 8  # epochs without a better validation RMSE before a candidate's run stops


@dataclass(frozen=True)
class FactorisationConfig:
    factors: int = 32
    regularisation: float = 10.0  # λ above
    learning_rate: float = 0.05
    epochs: int = MAX_EPOCHS
    seed: int = config.SEED

    def checked(self) -> "FactorisationConfig":
        if int(self.factors) != self.factors or self.factors < 0:
            raise InputError(f"The number of factors must be a whole number of 0 or more, not {self.factors!r}.")
        if not self.regularisation >= 0:
            raise InputError(f"Regularisation must be 0 or more, not {self.regularisation!r}.")
        if not self.learning_rate > 0:
            raise InputError(f"The learning rate must be more than 0, not {self.learning_rate!r}.")
        if int(self.epochs) != self.epochs or self.epochs < 1:
            raise InputError(f"The number of epochs must be a whole number of at least 1, not {self.epochs!r}.")
        return self


@dataclass(frozen=True)
class EpochMetrics:
    epoch: int  # 1-based
    loss: float  # the objective above, before this epoch's step
    train_rmse: float  # on the training ratings, before this epoch's step
    validation_rmse: float | None  # before the step too; None without validation ratings


def step_and_report(optimiser: torch.optim.Optimizer, loss: torch.Tensor, epoch: int, train_rmse: float,
                    validation_rmse: float | None, on_epoch: Callable[[EpochMetrics], None] | None) -> EpochMetrics:
    """One full-batch epoch's end, shared by the learned recommenders: the report of the weights
    before the step, then the step, then ``on_epoch``."""
    metrics = EpochMetrics(epoch, float(loss.detach()), train_rmse, validation_rmse)
    take_step(optimiser, loss)
    if on_epoch is not None:
        on_epoch(metrics)
    return metrics


@dataclass(frozen=True)
class FittedFactorisation:
    """The learned parameters as NumPy arrays: picklable, so Streamlit can cache them."""

    mean: float
    shopper_bias: np.ndarray  # (U,)
    product_bias: np.ndarray  # (I,)
    shopper_factors: np.ndarray  # (U, F)
    product_factors: np.ndarray  # (I, F)
    config: FactorisationConfig
    history: tuple[EpochMetrics, ...]

    def predict_pairs(self, shoppers: np.ndarray, products: np.ndarray) -> np.ndarray:
        """(P,) predicted stars for the pairs given as two (P,) index arrays, clipped to 1-5."""
        dot = np.einsum("pf,pf->p", self.shopper_factors[shoppers], self.product_factors[products])
        raw = self.mean + self.shopper_bias[shoppers] + self.product_bias[products] + dot
        return np.clip(raw, MIN_RATING, MAX_RATING)

    def nearest_products(self, product: int, among: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Products of ``among`` (indices) ordered by cosine similarity of their learned vectors to
        ``product``'s, most similar first: (indices, similarities). Zero vectors have similarity 0."""
        vectors = self.product_factors[among]  # (A, F)
        norms = np.linalg.norm(vectors, axis=1) * np.linalg.norm(self.product_factors[product])
        similarity = np.divide(vectors @ self.product_factors[product], norms,
                               out=np.zeros(len(among)), where=norms > 0)
        order = np.argsort(-similarity, kind="stable")
        return among[order], similarity[order]


class _Parameters(torch.nn.Module):
    def __init__(self, n_shoppers: int, n_products: int, factors: int, generator: torch.Generator):
        super().__init__()
        self.shopper_bias = torch.nn.Parameter(torch.zeros(n_shoppers))
        self.product_bias = torch.nn.Parameter(torch.zeros(n_products))
        # Small random factors: all-zero factors would have zero gradient and never move.
        self.shopper_factors = torch.nn.Parameter(0.1 * torch.randn(n_shoppers, factors, generator=generator))
        self.product_factors = torch.nn.Parameter(0.1 * torch.randn(n_products, factors, generator=generator))

    def forward(self) -> torch.Tensor:
        """(U, I) every pair's prediction minus the mean. Dense: at MovieLens-100k's 1.6 M cells one
        matmul is faster than gathering and scattering 80 k rows, on the CPU and the GPU alike."""
        return self.shopper_factors @ self.product_factors.T + self.shopper_bias[:, None] + self.product_bias[None, :]

    def penalty(self) -> torch.Tensor:
        return sum((p ** 2).sum() for p in self.parameters())


def _tensors(data: RatingTriples, device: torch.device) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    return (torch.as_tensor(data.shoppers, dtype=torch.long, device=device),
            torch.as_tensor(data.products, dtype=torch.long, device=device),
            torch.as_tensor(data.ratings, dtype=torch.float32, device=device))


def _dense(data: RatingTriples, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """(U, I) ratings (0 where unknown) and (U, I) 1/0 mask of the known ones."""
    shoppers, products, ratings = _tensors(data, device)
    values = torch.zeros(data.n_shoppers, data.n_products, device=device)
    values[shoppers, products] = ratings
    mask = torch.zeros_like(values)
    mask[shoppers, products] = 1.0
    return values, mask


def train_factorisation(
    train: RatingTriples,
    settings: FactorisationConfig = FactorisationConfig(),
    *,
    validation: RatingTriples | None = None,
    on_epoch: Callable[[EpochMetrics], None] | None = None,
    stop: threading.Event | None = None,
    device: torch.device | None = None,
) -> FittedFactorisation:
    """Fit on ``train``; ``on_epoch`` hears each epoch's metrics; ``stop`` ends training between epochs."""
    settings = settings.checked()
    if len(train.ratings) == 0:
        raise InputError("There are no ratings to learn from.")
    device = device or pick_device()
    generator = torch.Generator().manual_seed(settings.seed)
    model = _Parameters(train.n_shoppers, train.n_products, int(settings.factors), generator).to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=settings.learning_rate)
    values, mask = _dense(train, device)
    n_ratings = len(train.ratings)
    mean = float(train.ratings.mean())
    held = _tensors(validation, device) if validation is not None and len(validation.ratings) else None
    history = []
    for epoch in range(1, int(settings.epochs) + 1):
        if stop is not None and stop.is_set():
            break
        predicted = model()  # (U, I) minus the mean; one forward serves the loss and the validation RMSE
        squared = (((values - mean - predicted) * mask) ** 2).sum()
        loss = (squared + settings.regularisation * model.penalty()) / n_ratings
        validation_rmse = None
        if held is not None:
            with torch.no_grad():
                guess = (mean + predicted[held[0], held[1]]).clamp(MIN_RATING, MAX_RATING)
                validation_rmse = float(((held[2] - guess) ** 2).mean().sqrt())
        history.append(step_and_report(optimiser, loss, epoch, float((squared.detach() / n_ratings).sqrt()),
                                       validation_rmse, on_epoch))
    arrays = {name: tensor.detach().cpu().numpy().astype(np.float64) for name, tensor in model.state_dict().items()}
    return FittedFactorisation(mean=mean, config=settings, history=tuple(history), **arrays)


def tuned_factorisation(
    train: RatingTriples,
    *,
    factor_grid: tuple[int, ...] = FACTOR_GRID,
    regularisation_grid: tuple[float, ...] = REGULARISATION_GRID,
    base: FactorisationConfig = FactorisationConfig(),
    device: torch.device | None = None,
) -> FittedFactorisation:
    """Choose factors, λ and epochs on a validation split of ``train`` only, then refit on all of ``train``."""
    fit_part, validation = holdout_split(train, VALIDATION_SHARE, base.seed)
    if not len(validation.ratings):
        raise InputError(f"Too few ratings to tune on: no shopper has {1 / VALIDATION_SHARE:.0f} or more.")
    best: tuple[float, FactorisationConfig] | None = None
    for factors in factor_grid:
        for regularisation in regularisation_grid:
            candidate = replace(base, factors=factors, regularisation=regularisation)
            stop, seen = threading.Event(), []

            def stop_when_stale(metrics: EpochMetrics) -> None:
                seen.append(metrics)
                if metrics.epoch - min(seen, key=lambda m: m.validation_rmse).epoch >= PATIENCE:
                    stop.set()

            train_factorisation(fit_part, candidate, validation=validation, on_epoch=stop_when_stale,
                                stop=stop, device=device)
            epoch = min(seen, key=lambda m: m.validation_rmse)
            if best is None or epoch.validation_rmse < best[0]:
                # Metrics are of the parameters before an epoch's step: the best came after epoch - 1 steps.
                best = (epoch.validation_rmse, replace(candidate, epochs=max(epoch.epoch - 1, 1)))
    return train_factorisation(train, best[1], device=device)


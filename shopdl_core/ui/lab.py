"""The Model lab's learned-recommender experiment: data, reference figures and training runs.

A run trains in a worker thread that never calls st.*: it appends each epoch's metrics to the
run's list, which the page's fragment reads and draws. Stop sets the run's event, checked
between epochs. A session holds at most one run (in st.session_state); the server runs at most
``MAX_SERVER_RUNS`` at once, counted by a semaphore shared through st.cache_resource.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import streamlit as st

from shopdl_core import catalog
from shopdl_core.recsys.datasets import RatingTriples, holdout_split, synthetic_shop
from shopdl_core.recsys.evaluation import evaluate_folds
from shopdl_core.recsys.factorisation import EpochMetrics, FactorisationConfig, train_factorisation
from shopdl_core.recsys.metrics import rmse
from shopdl_core.ui import charts

RUN_KEY = "lab_run"
MAX_SERVER_RUNS = 2
HELD_OUT = 0.2  # of each synthetic shopper's ratings, scored after every epoch
BASELINE = FactorisationConfig(factors=0, regularisation=3.0, epochs=200)  # the biases alone


@dataclass
class LabRun:
    settings: FactorisationConfig
    epochs: list[EpochMetrics] = field(default_factory=list)  # appended by the worker only
    stop: threading.Event = field(default_factory=threading.Event)
    started: float = field(default_factory=time.perf_counter)
    finished: float | None = None
    error: str | None = None

    @property
    def running(self) -> bool:
        return self.finished is None


@st.cache_resource
def server_slots() -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(MAX_SERVER_RUNS)


@st.cache_data(show_spinner="Preparing the synthetic shop…")
def shop_split() -> tuple[RatingTriples, RatingTriples]:
    return holdout_split(synthetic_shop(catalog.load_catalog()).ratings, HELD_OUT)


@st.cache_data(show_spinner="Scoring user-CF and the baseline…")
def reference_rmse() -> dict[str, float]:
    """Held-out RMSE of user-CF (k = 40, the page's collaborative method) and of the biases alone."""
    train, test = shop_split()
    features = synthetic_shop(catalog.load_catalog()).item_features
    cf = evaluate_folds([(train, test)], method="collaborative", item_features=features).rmse
    baseline = train_factorisation(train, BASELINE).predict_pairs(test.shoppers, test.products)
    return {f"user-CF {cf:.3f}": cf, f"baseline {rmse(test.ratings, baseline):.3f}": rmse(test.ratings, baseline)}


def _train(run: LabRun, train: RatingTriples, test: RatingTriples, slots: threading.BoundedSemaphore) -> None:
    """The worker: no st.* here (the script context belongs to the script thread)."""
    try:
        train_factorisation(train, run.settings, validation=test, on_epoch=run.epochs.append, stop=run.stop)
    except Exception as exc:  # shown on the page; the slot must be released whatever happens
        run.error = f"Training failed: {exc}"
    finally:
        run.finished = time.perf_counter()
        slots.release()


def start_run(settings: FactorisationConfig) -> str | None:
    """Start a run for this session; a message instead when one is running or the server is full.
    ``settings`` must already be checked (FactorisationConfig.checked)."""
    current = st.session_state.get(RUN_KEY)
    if current is not None and current.running:
        return "A training is already running in this session: stop it first."
    slots = server_slots()
    if not slots.acquire(blocking=False):
        return (f"{MAX_SERVER_RUNS} trainings are already running on this server: wait for one to finish "
                "(a run takes seconds to a minute) and press Train again.")
    train, test = shop_split()
    run = LabRun(settings)
    st.session_state[RUN_KEY] = run
    threading.Thread(target=_train, args=(run, train, test, slots), daemon=True, name="lab-training").start()
    return None


def curves(run: LabRun) -> charts.Spec:
    rows = [row for m in list(run.epochs)  # a copy: the worker may append meanwhile
            for row in ({"epoch": m.epoch, "series": "train", "rmse": m.train_rmse},
                        {"epoch": m.epoch, "series": "held out", "rmse": m.validation_rmse})]
    return charts.training_curves(rows, reference_rmse())

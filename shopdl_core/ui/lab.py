"""The Model lab's training runs: worker threads, the server's limit, and each experiment's data.

A run trains in a worker thread that never calls st.*: it appends each epoch's metrics to the
run's list, which the page's fragment reads and draws. Stop sets the run's event, which the
training checks between batches; the same event also fires when the run's browser session
has gone (a closed tab), so no training outlives its viewer by more than a batch.

Limits: a session runs one training at a time (either experiment); the server runs at most
``MAX_SERVER_RUNS`` at once, counted in a registry shared through st.cache_resource, and a
refused start is told how long the soonest running one should still take.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from shopdl_core import catalog, lab_defaults
from shopdl_core.i18n import _, L_, N_, pgettext
from shopdl_core.recsys.collaborative import UserKNN
from shopdl_core.recsys.datasets import RatingTriples, holdout_split, synthetic_shop
from shopdl_core.recsys.evaluation import evaluate_folds
from shopdl_core.recsys.factorisation import FactorisationConfig, FittedFactorisation, train_factorisation
from shopdl_core.recsys.metrics import rmse
from shopdl_core.shop.catalogue import find_product
from shopdl_core.ui import charts

PHOTO, RECSYS = "photo", "recsys"
RUN_KEYS = {PHOTO: "lab_run_photo", RECSYS: "lab_run"}  # st.session_state keys of each experiment's last run
MAX_SERVER_RUNS = 2
BASELINE = FactorisationConfig(factors=0, regularisation=3.0, epochs=200)  # the biases alone
SESSION_CHECK_S = 1.0  # how often a worker asks whether its browser session is still there
WORKER_NICE = 10  # the training threads' scheduling priority is lowered by this much (Linux)
PACE = 0.5  # after each epoch a worker rests at least this share of the epoch's time, leaving CPU to the pages
MAX_CHART_EPOCHS = 300  # a longer run's curves show every k-th epoch (and the last), not thousands of points


class RunStop(threading.Event):
    """Set by the Stop button, or found set once the run's browser session is gone.

    ``is_set`` is what the training loops poll between batches; at most once a second it also
    asks Streamlit's runtime whether the session that started the run is still connected.
    """

    def __init__(self, session_alive: Callable[[], bool]):
        super().__init__()
        self._session_alive = session_alive
        self._checked = time.monotonic()
        self.tab_closed = False

    def is_set(self) -> bool:
        if not super().is_set() and time.monotonic() - self._checked >= SESSION_CHECK_S:
            self._checked = time.monotonic()
            if not self._session_alive():
                self.tab_closed = True
                self.set()
        return super().is_set()


@dataclass
class LabRun:
    kind: str  # PHOTO or RECSYS
    settings: Any  # LabHeadConfig or FactorisationConfig, checked
    stop: RunStop
    pace_s: float = 0.0  # the least seconds an epoch takes, so a viewer can watch it learn
    epochs: list = field(default_factory=list)  # appended by the worker only
    started: float = field(default_factory=time.perf_counter)
    finished: float | None = None
    error: str | None = None
    result: Any = None  # the trained LabHead or FittedFactorisation, once finished

    @property
    def running(self) -> bool:
        return self.finished is None

    @property
    def total_epochs(self) -> int:
        return self.settings.epochs

    def seconds_left(self) -> float | None:
        """A guess from the pace so far, or None before the first epoch."""
        done = len(self.epochs)
        if done == 0:
            return None
        return (time.perf_counter() - self.started) / done * (self.total_epochs - done)

    def outcome(self) -> str:
        done = len(self.epochs)
        if self.stop.tab_closed:
            how = _("Training stopped: its browser tab was closed after {done} of {total} epochs in {seconds:.1f} s")
        elif self.stop.is_set() and done < self.total_epochs:
            how = _("Training stopped after {done} of {total} epochs in {seconds:.1f} s")
        else:
            how = _("Training finished after {done} of {total} epochs in {seconds:.1f} s")
        return how.format(done=done, total=self.total_epochs, seconds=self.finished - self.started)


def run_settings(run: LabRun) -> str:
    """What this run was started with, in the page's words (the widgets may have moved since)."""
    s = run.settings
    if run.kind == PHOTO:
        head = _("MLP ({hidden} hidden units)").format(hidden=s.hidden) if s.hidden else _("linear")
        noise = _(", {noise:.0%} label noise").format(noise=s.label_noise) if s.label_noise else ""
        what = _("{classes} classes, {share:.0%} of the training photos{noise}, {head} head, "
                 "weight decay {decay:g}").format(classes=len(s.classes), share=s.train_share, noise=noise,
                                                  head=head, decay=s.weight_decay)
    else:
        what = _("{factors} factors, λ {regularisation:g}").format(factors=s.factors, regularisation=s.regularisation)
    return _("{what}, learning rate {rate:g}, {epochs} epochs, pace {pace:g} s an epoch.").format(
        what=what, rate=s.learning_rate, epochs=s.epochs, pace=run.pace_s)


class ServerRuns:
    """The trainings running on this server, shared by every session."""

    def __init__(self, limit: int = MAX_SERVER_RUNS):
        self.limit = limit
        self._lock = threading.Lock()
        self._running: list[LabRun] = []

    def try_add(self, run: LabRun) -> str | None:
        """Count ``run`` in, or say why not and how long to wait."""
        with self._lock:
            self._running = [r for r in self._running if r.running]
            if len(self._running) < self.limit:
                self._running.append(run)
                return None
            guesses = [s for s in (r.seconds_left() for r in self._running) if s is not None]
        wait = _("about {seconds} s").format(seconds=max(1, round(min(guesses)))) if guesses else _("a few seconds")
        return _("{limit} trainings are already running on this server (the limit keeps the other demos "
                 "fast). The soonest should finish in {wait}: press Train again then.").format(limit=self.limit,
                                                                                                wait=wait)

    def remove(self, run: LabRun) -> None:
        with self._lock:
            if run in self._running:
                self._running.remove(run)


@st.cache_resource
def server_runs() -> ServerRuns:
    return ServerRuns()


def _session_probe() -> Callable[[], bool]:
    """A function telling whether this script's browser session is still connected.

    Without a Streamlit server (AppTest, bare mode) there is nothing to watch: always True.
    """
    from streamlit import runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    if context is None or not runtime.exists():
        return lambda: True
    session_id, server = context.session_id, runtime.get_instance()
    return lambda: server.is_active_session(session_id)


def current_run(kind: str) -> LabRun | None:
    return st.session_state.get(RUN_KEYS[kind])


def running_run() -> LabRun | None:
    """This session's training in progress, of either experiment."""
    return next((run for kind in RUN_KEYS if (run := current_run(kind)) is not None and run.running), None)


def paced_append(run: LabRun) -> Callable[[Any], None]:
    """The ``on_epoch`` callback of a worker: record the epoch, then rest until it has lasted
    ``run.pace_s``, and at least PACE times as long as its work took (at most a second). Two
    trainings at full speed took a third of the server's CPU under `bench app`; an epoch of a
    few milliseconds gains nothing a viewer could see."""
    last = [time.perf_counter()]

    def on_epoch(metrics: Any) -> None:
        run.epochs.append(metrics)
        took = time.perf_counter() - last[0]
        if not run.stop.is_set():
            time.sleep(max(run.pace_s - took, min(PACE * took, 1.0)))
        last[0] = time.perf_counter()

    return on_epoch


def _lower_priority() -> None:
    """Lower this thread's scheduling priority where the system allows it (Linux: per thread)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WORKER_NICE)
    except (AttributeError, OSError):
        pass


def _work(run: LabRun, train: Callable[[LabRun], Any], runs: ServerRuns) -> None:
    """The worker: no st.* here (the script context belongs to the script thread)."""
    _lower_priority()
    try:
        run.result = train(run)
    except Exception as exc:  # shown on the page; the slot must be freed whatever happens
        run.error = _("Training failed: {error}").format(error=exc)
    finally:
        run.finished = time.perf_counter()
        runs.remove(run)


def start_run(kind: str, settings: Any, train: Callable[[LabRun], Any], pace_s: float = 0.0) -> str | None:
    """Start ``train(run)`` in a worker for this session; a message instead when this session
    or the server is busy. ``settings`` must already be checked."""
    busy = running_run()
    if busy is not None:
        if busy.kind == PHOTO:
            return _("The photo classifier is still training in this session: stop it or let it finish first.")
        return _("The recommender is still training in this session: stop it or let it finish first.")
    run = LabRun(kind, settings, RunStop(_session_probe()), pace_s)
    runs = server_runs()
    refused = runs.try_add(run)
    if refused:
        return refused
    st.session_state[RUN_KEYS[kind]] = run
    threading.Thread(target=_work, args=(run, train, runs), daemon=True, name=f"lab-{kind}").start()
    return None


# The learned recommender on the synthetic shop.

@st.cache_data(show_spinner=L_("Preparing the synthetic shop…"))
def shop_split() -> tuple[RatingTriples, RatingTriples]:
    return holdout_split(synthetic_shop(catalog.load_catalog()).ratings, lab_defaults.HELD_OUT)


@st.cache_data(show_spinner=L_("Scoring user-CF and the baseline…"))
def reference_rmse() -> dict[str, float]:
    """Held-out RMSE of user-CF (k = 40, the page's collaborative method) and of the biases alone."""
    train, test = shop_split()
    features = synthetic_shop(catalog.load_catalog()).item_features
    cf = evaluate_folds([(train, test)], method="cf", item_features=features).rmse
    baseline = train_factorisation(train, BASELINE).predict_pairs(test.shoppers, test.products)
    return {N_("user-CF {rmse:.3f}"): cf, N_("baseline {rmse:.3f}"): rmse(test.ratings, baseline)}


def start_recommender(settings: FactorisationConfig, pace_s: float = 0.0) -> str | None:
    train, test = shop_split()
    return start_run(RECSYS, settings, lambda run: train_factorisation(
        train, run.settings, validation=test, on_epoch=paced_append(run), stop=run.stop), pace_s)


def chart_epochs(epochs: list) -> list:
    """The epochs a chart draws: all of them up to MAX_CHART_EPOCHS, else evenly spaced ones and
    the last. Redrawn twice a second for every watching session, 5,000 points cost the server
    (and the browser) far more than the curve's shape needs."""
    epochs = list(epochs)  # a copy: the worker may append meanwhile
    if len(epochs) <= MAX_CHART_EPOCHS:
        return epochs
    step = -(-len(epochs) // MAX_CHART_EPOCHS)
    chosen = epochs[::step]
    return chosen if chosen[-1] is epochs[-1] else chosen + [epochs[-1]]


def recommender_curves(run: LabRun) -> charts.Spec:
    rows = [row for m in chart_epochs(run.epochs)
            for row in ({"epoch": m.epoch, "series": "train", "rmse": m.train_rmse},
                        {"epoch": m.epoch, "series": "held out", "rmse": m.validation_rmse})]
    references = {_(label).format(rmse=value): value for label, value in reference_rmse().items()}
    return charts.training_curves(rows, references)


def product_map(product_factors: np.ndarray) -> charts.Spec:
    """The learned product vectors projected on their first two principal components."""
    products = catalog.load_catalog()
    centred = product_factors - product_factors.mean(axis=0)
    if centred.shape[1] >= 2 and np.abs(centred).sum() > 0:
        _u, _s, components = np.linalg.svd(centred, full_matrices=False)
        points = centred @ components[:2].T
    else:  # one factor (or none): nothing to project
        points = np.c_[centred[:, :1] if centred.shape[1] else np.zeros((len(centred), 1)), np.zeros(len(centred))]
    rows = [{"x": float(x), "y": float(y), "product": find_product(pid).name(), "category": pgettext("photo class", kind)}
            for (x, y), pid, kind in zip(points, products["product_id"], products["category"])]
    return charts.scatter_map(rows, N_("category"), N_("product"))


SHOWN_PRODUCTS = 5


def shop_shopper_names() -> list[str]:
    return [_("Shopper {number}").format(number=number) for number in range(1, shop_split()[0].n_shoppers + 1)]


@st.cache_resource(show_spinner=L_("Fitting user-CF on the synthetic shop…"))
def shop_user_knn() -> UserKNN:
    return UserKNN().fit(shop_split()[0].to_matrix())


def shopper_lists(fitted: FittedFactorisation, shopper: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The top products by the learned model and by user-CF for one shopper of the synthetic
    shop, among the products that shopper did not rate in the training part."""
    train = shop_split()[0]
    products = np.flatnonzero(train.to_matrix()[shopper] == 0)
    shoppers = np.full(len(products), shopper)
    names = np.array([find_product(pid).name() for pid in catalog.load_catalog()["product_id"]])
    collaborative = shop_user_knn().predict_pairs(shoppers, products)

    def table(scores: np.ndarray, note: np.ndarray | None = None) -> pd.DataFrame:
        order = np.argsort(-scores, kind="stable")[:SHOWN_PRODUCTS]
        frame = pd.DataFrame({_("product"): names[products[order]], _("predicted stars"): scores[order].round(2)})
        if note is not None:
            frame[_("from neighbours")] = np.where(note[order], _("yes"), _("no: the shopper's mean"))
        return frame

    return (table(fitted.predict_pairs(shoppers, products)),
            table(collaborative.rating, collaborative.available))

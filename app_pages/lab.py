"""Model lab: train small models live and watch them learn.

Two experiments, each with settings, Train and Stop, and charts redrawn while a worker thread
trains (shopdl_core/ui/lab.py): a photo classifier head on frozen ImageNet features, and the
learned recommender on the synthetic shop.
"""

import numpy as np
import streamlit as st

from shopdl_core import config, lab_defaults as defaults
from shopdl_core.errors import CheckpointError, InputError
from shopdl_core.i18n import N_, _, pgettext
from shopdl_core.recsys.factorisation import FactorisationConfig
from shopdl_core.ui import charts, lab, lab_photo
from shopdl_core.ui.language import localised_fragment
from shopdl_core.ui.vision import (PHOTO_MODEL, analysed_photo, answer_line, chosen_photo_bytes, photo_digest,
                                   shown_classes)
from shopdl_core.vision.lab_head import MAX_EPOCHS as MAX_HEAD_EPOCHS, LabHeadConfig

REDRAW_S = 0.5
HEADS = {N_("Linear"): 0, N_("MLP ({hidden} hidden units)"): defaults.MLP_HIDDEN}

st.title(_("🧪 Model lab"))
st.markdown(_(
    "Train small models here and watch them learn. The charts redraw while the training runs; "
    "other pages stay usable, and Stop ends a run between two batches. A session trains one model "
    "at a time, and the server at most {runs}."
).format(runs=lab.MAX_SERVER_RUNS))
photo_tab, recsys_tab = st.tabs([_("📷 Photo classifier"), _("🛍️ Learned recommender")])


def pace_slider(column, default: float, key: str) -> float:
    return column.slider(_("Pace: least seconds per epoch"), 0.0, defaults.MAX_PACE_S, default, 0.05, key=key,
                         help=_("Each epoch waits until it has lasted this long, so you can watch the curves "
                                "and press Stop. 0 trains at full speed."))


def stop_button(kind: str, key: str, column) -> None:
    if column.button(_("Stop"), key=key):
        run = lab.current_run(kind)
        if run is not None:
            run.stop.set()


# Photo classifier

def photo_settings() -> None:
    st.markdown(_(
        "A classifier head on **frozen** ImageNet features: EfficientNet-Lite0's pooled 1,280 numbers per "
        "photo, computed once for the {kinds} kinds of the clothing photos "
        "(3,068 training photos, 341 validation photos). Only the head learns, so a run takes seconds. "
        "Try fewer photos or noisier labels and watch the validation curve."
    ).format(kinds=len(config.PHOTO_CLASSES)))
    kinds = {pgettext("photo class", kind): kind for kind in config.PHOTO_CLASSES}  # shown -> class
    chosen = st.multiselect(_("Classes"), list(kinds), default=list(kinds), key="lab_photo_classes")
    classes = [kinds[name] for name in chosen]
    share_column, noise_column, head_column = st.columns(3)
    share = share_column.slider(_("Training photos used"), 5, 100, 100, 5, format="%d%%", key="lab_photo_share",
                                help=_("A stratified sample of each chosen class's training photos."))
    noise = noise_column.slider(_("Label noise"), 0, 50, 0, 5, format="%d%%", key="lab_photo_noise",
                                help=_("This share of the training labels is changed to another chosen class "
                                       "at random. Validation labels stay true."))
    heads = {_(name).format(hidden=defaults.MLP_HIDDEN): hidden for name, hidden in HEADS.items()}
    head = head_column.selectbox(_("Head"), list(heads), key="lab_photo_head")
    start = defaults.PHOTO_HEAD
    rate_column, epochs_column, decay_column, pace_column = st.columns(4)
    learning_rate = rate_column.number_input(_("Learning rate"), 0.0, 1.0, start.learning_rate, 1e-4, format="%.4f",
                                             key="lab_photo_learning_rate")
    epochs = epochs_column.number_input(_("Epochs"), 0, MAX_HEAD_EPOCHS, start.epochs, key="lab_photo_epochs")
    weight_decay = decay_column.number_input(_("Weight decay"), 0.0, 1.0, start.weight_decay, 1e-4, format="%.4f",
                                             key="lab_photo_weight_decay")
    pace = pace_slider(pace_column, defaults.PHOTO_PACE_S, "lab_photo_pace")
    train_column, stop_column = st.columns([1, 5])
    if train_column.button(_("Train"), key="lab_photo_train", type="primary"):
        try:
            settings = LabHeadConfig(tuple(classes), share / 100, noise / 100, float(learning_rate), int(epochs),
                                     float(weight_decay), heads[head]).checked()
            refused = lab_photo.start_photo_head(settings, pace)
        except (InputError, CheckpointError) as exc:
            st.error(_("Not started: {error}").format(error=exc))
        else:
            if refused:
                st.warning(refused)
    stop_button(lab.PHOTO, "lab_photo_stop", stop_column)


def live(kind: str, draw_charts, figures, after_run=None) -> None:
    """The run's progress and ``draw_charts(run)`` in a fragment that redraws every REDRAW_S
    while ``kind``'s run trains; once it has ended, the outcome with ``figures(last epoch)`` and
    ``after_run(run)``.

    Whether to poll is decided here, after the settings (and their Train button) ran in this
    script run, so a run started by this click is followed at once. The fragment reruns the
    page once when it finds the run over while polling: the new script run stops the timer.
    """
    run = lab.current_run(kind)
    polling = run is not None and run.running

    @localised_fragment(run_every=REDRAW_S if polling else None)
    def redraw() -> None:
        run = lab.current_run(kind)
        if run is None:
            st.info(_("Choose settings and press Train."))
            return
        done = len(run.epochs)
        st.progress(done / run.total_epochs, text=_("Epoch {done} of {total}").format(done=done, total=run.total_epochs))
        st.caption(_("This run's settings: {settings}").format(settings=lab.run_settings(run)))
        draw_charts(run)
        if run.running:
            return
        last = run.epochs[-1] if run.epochs else None
        if run.error:
            st.error(run.error)
        else:
            st.success(f"{run.outcome()}{figures(last) if last else ''}.")
        if after_run is not None and run.result is not None and last is not None:
            after_run(run)
        if polling:
            st.rerun()

    redraw()


def photo_charts(run: lab.LabRun) -> None:
    loss, accuracy = lab_photo.photo_curves(run)
    loss_column, accuracy_column = st.columns(2)
    loss_column.vega_lite_chart(loss, width="stretch")
    accuracy_column.vega_lite_chart(accuracy, width="stretch")


def photo_confusion(run: lab.LabRun) -> None:
    data = run.result.data
    noise = _("; {flipped} of their labels were flipped").format(flipped=data.flipped) if data.flipped else ""
    st.caption(_("Trained on {train:,} photos{noise}. Validated on {validation} photos with their true labels.").format(
        train=len(data.train_labels), noise=noise, validation=len(data.validation_labels)))
    st.markdown(_("**Validation confusion matrix** (rows: the true kind; columns: the head's answer)"))
    kinds = [pgettext("photo class", kind) for kind in data.classes]
    st.vega_lite_chart(charts.confusion(run.result.confusion(), kinds), width="stretch")


def try_it(run: lab.LabRun) -> None:
    st.subheader(_("Try it"))
    st.caption(_("The head you trained beside the shipped {model} (fine-tuned end to end, all ten kinds).").format(
        model=PHOTO_MODEL))
    photo_bytes = chosen_photo_bytes("lab_photo")
    if photo_bytes is None:
        return
    try:
        analysis = analysed_photo(photo_digest(photo_bytes), photo_bytes, silhouettes=False)
        probabilities = lab_photo.head_probabilities(run.result, analysis.photo)
    except InputError as exc:
        st.error(str(exc))
        return
    except (ModuleNotFoundError, CheckpointError) as exc:
        st.error(_("Cannot compare here: {error}").format(error=exc))
        return
    picture_column, head_column, shipped_column = st.columns([2, 2, 2])
    picture_column.image(analysis.photo.picture, caption=_("The photo"))
    with head_column.container(border=True):
        st.markdown(_("**Your head**"))
        best = int(np.argmax(probabilities))
        answer_line(run.result.data.classes[best], float(probabilities[best]))
        top = sorted(zip(run.result.data.classes, probabilities.tolist()), key=lambda pair: -pair[1])[:3]
        st.vega_lite_chart(charts.top_classes(shown_classes(top)), width="stretch")
    with shipped_column.container(border=True):
        st.markdown(f"**{PHOTO_MODEL}**")
        answer_line(N_("unsure") if analysis.unsure else analysis.prediction.label, analysis.top[0][1])
        st.vega_lite_chart(charts.top_classes(shown_classes(analysis.top)), width="stretch")
    if len(run.result.data.classes) < len(config.PHOTO_CLASSES):
        st.caption(_("Your head only knows the classes you chose: it must pick one of them, whatever the photo."))


def experiment(tab, kind: str, settings, live_view: tuple, results) -> None:
    """One experiment in its tab: settings with Train and Stop, the live view (``live``'s
    arguments after ``kind``), and once a run has ended with at least one epoch, ``results(run)``."""
    with tab:
        settings()
        live(kind, *live_view)
        run = lab.current_run(kind)
        if run is not None and not run.running and run.result is not None and run.epochs:
            results(run)


experiment(photo_tab, lab.PHOTO, photo_settings,
           (photo_charts, lambda last: _(": validation accuracy {accuracy:.1%}").format(accuracy=last.validation_accuracy),
            photo_confusion),
           try_it)


# Learned recommender

def recommender_settings() -> None:
    st.markdown(_(
        "Train a matrix factorisation (a bias and a taste vector per shopper and product) on the synthetic "
        "shop's ratings and watch it learn: RMSE on the training ratings and on 20 % held out, per epoch, "
        "beside user-CF and the biases alone."
    ))
    start = defaults.RECOMMENDER
    factors_column, regularisation_column, rate_column, epochs_column, pace_column = st.columns(5)
    factors = factors_column.number_input(_("Factors"), 0, 256, start.factors, key="lab_factors")
    regularisation = regularisation_column.number_input(_("Regularisation λ"), 0.0, 100.0, start.regularisation, 0.5,
                                                        key="lab_regularisation")
    learning_rate = rate_column.number_input(_("Learning rate"), 0.0, 1.0, start.learning_rate, 0.005,
                                             format="%.3f", key="lab_learning_rate")
    epochs = epochs_column.number_input(_("Epochs"), 0, 5000, start.epochs, key="lab_epochs")
    pace = pace_slider(pace_column, defaults.RECOMMENDER_PACE_S, "lab_pace")
    train_column, stop_column = st.columns([1, 5])
    if train_column.button(_("Train"), key="lab_train", type="primary"):
        try:
            settings = FactorisationConfig(int(factors), float(regularisation), float(learning_rate),
                                           int(epochs)).checked()
        except InputError as exc:
            st.error(_("Not started: {error}").format(error=exc))
        else:
            refused = lab.start_recommender(settings, pace)
            if refused:
                st.warning(refused)
    stop_button(lab.RECSYS, "lab_stop", stop_column)


def recommender_results(run: lab.LabRun) -> None:
    fitted = run.result
    st.subheader(_("What it learned"))
    if fitted.product_factors.shape[1] == 0:
        st.info(_("With 0 factors the model is the biases alone: there are no product vectors to map."))
    else:
        st.markdown(_("**Products in the learned space** (the product vectors' first two principal components). "
                      "Products that the same shoppers like land close together, whatever their kind."))
        st.vega_lite_chart(lab.product_map(fitted.product_factors), width="stretch")
    shoppers = lab.shop_shopper_names()
    shopper = st.selectbox(_("Shopper"), shoppers, key="lab_shopper")
    learned, collaborative = lab.shopper_lists(fitted, shoppers.index(shopper))
    stars = {_("predicted stars"): st.column_config.NumberColumn(format="%.2f")}  # 4.40, not 4.4
    learned_column, cf_column = st.columns(2)
    learned_column.markdown(_("**Learned model**"))
    learned_column.dataframe(learned, hide_index=True, width="stretch", column_config=stars)
    cf_column.markdown(_("**User-CF** (k = 40 most similar shoppers)"))
    cf_column.dataframe(collaborative, hide_index=True, width="stretch", column_config=stars)
    st.caption(_("Products the shopper has not rated in the training part, ranked by predicted stars."))


experiment(recsys_tab, lab.RECSYS, recommender_settings,
           (lambda run: st.vega_lite_chart(lab.recommender_curves(run), width="stretch"),
            lambda last: _(": held-out RMSE {rmse:.3f}").format(rmse=last.validation_rmse)),
           recommender_results)

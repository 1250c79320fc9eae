"""Model lab: train the learned recommender live and watch its train and held-out RMSE."""

import streamlit as st

from shopdl_core.errors import InputError
from shopdl_core.recsys.factorisation import FactorisationConfig
from shopdl_core.ui import lab

REDRAW_S = 0.5

st.title("🧪 Model lab")
st.markdown(
    "Train a matrix factorisation (a bias and a taste vector per shopper and product) on the synthetic "
    "shop's ratings and watch it learn: RMSE on the training ratings and on 20 % held out, per epoch, "
    "beside user-CF and the biases alone."
)

defaults = FactorisationConfig()
factors_column, regularisation_column, rate_column, epochs_column = st.columns(4)
factors = factors_column.number_input("Factors", 0, 256, 16, key="lab_factors")
regularisation = regularisation_column.number_input("Regularisation λ", 0.0, 100.0, 5.0, 0.5,
                                                    key="lab_regularisation")
learning_rate = rate_column.number_input("Learning rate", 0.0, 1.0, defaults.learning_rate, 0.01,
                                         format="%.3f", key="lab_learning_rate")
epochs = epochs_column.number_input("Epochs", 0, 5000, 150, key="lab_epochs")

train_column, stop_column = st.columns([1, 5])
if train_column.button("Train", key="lab_train", type="primary"):
    try:
        settings = FactorisationConfig(int(factors), float(regularisation), float(learning_rate), int(epochs)).checked()
    except InputError as exc:
        st.error(f"Not started: {exc}")
    else:
        refused = lab.start_run(settings)
        if refused:
            st.warning(refused)
if stop_column.button("Stop", key="lab_stop"):
    run = st.session_state.get(lab.RUN_KEY)
    if run is not None:
        run.stop.set()

run = st.session_state.get(lab.RUN_KEY)
polling = run is not None and run.running  # as of this script run; the fragment redraws until it ends


@st.fragment(run_every=REDRAW_S if polling else None)
def live_chart() -> None:
    current = st.session_state.get(lab.RUN_KEY)
    if current is None:
        st.info("Choose settings and press Train.")
        return
    done = len(current.epochs)
    st.progress(done / current.settings.epochs, text=f"Epoch {done} of {current.settings.epochs}")
    st.vega_lite_chart(lab.curves(current), width="stretch")
    if current.error:
        st.error(current.error)
    elif not current.running:
        last = current.epochs[-1] if current.epochs else None
        stopped = "stopped" if current.stop.is_set() else "finished"
        figures = f": held-out RMSE {last.validation_rmse:.3f}" if last else ""
        st.success(f"Training {stopped} after {done} epochs in {current.finished - current.started:.1f} s{figures}.")
        if polling:  # the whole page reruns once, so the fragment stops polling
            st.rerun()


live_chart()
st.caption("The photo-classifier experiment of issue 13 is not built yet.")

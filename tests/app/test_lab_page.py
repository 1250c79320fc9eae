"""AppTest of the Model lab: each experiment's training runs in a worker and fills its charts;
Stop stops it; bad settings are refused; a session trains one model at a time; the
server-wide limit tells a third training to wait; a closed tab's training stops."""

import threading
import time

import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema import load_schema

from shopdl_core import config
from shopdl_core.recsys.factorisation import FactorisationConfig
from shopdl_core.ui import charts, lab
from tests.conftest import open_app

PAGE = "app_pages/lab.py"
RECSYS_KEY, PHOTO_KEY = lab.RUN_KEYS[lab.RECSYS], lab.RUN_KEYS[lab.PHOTO]


def wait_until_finished(run, timeout_s=120.0):
    deadline = time.monotonic() + timeout_s
    while run.running and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not run.running, "the training did not finish in time"


def set_numbers(at, **values):
    for key, value in values.items():
        at.number_input(key=f"lab_{key}").set_value(value)
    at.run()


@pytest.fixture
def at():
    return open_app(PAGE)


def test_a_recommender_training_runs_in_a_worker_and_its_chart_fills(at):
    assert not at.exception and at.info[0].value.startswith("Choose settings")
    set_numbers(at, factors=4, epochs=25)
    at.button(key="lab_train").click().run()
    assert not at.exception and not at.error and not at.warning
    run = at.session_state[RECSYS_KEY]
    wait_until_finished(run)
    at.run()
    assert len(run.epochs) == 25 and run.error is None
    assert run.epochs[-1].loss < run.epochs[0].loss
    assert any(s.value.startswith("Training finished after 25 of 25 epochs") for s in at.success)
    specs = [chart.proto.spec for chart in at.get("vega_lite_chart")]
    assert any("user-CF" in spec and "baseline" in spec for spec in specs)  # the reference lines
    rows = lab.recommender_curves(run)["data"]["values"]
    assert len(rows) == 50 and {row["series"] for row in rows} == {"train", "held out"}


def test_after_the_recommender_trains_its_product_map_and_shopper_lists_show(at):
    set_numbers(at, factors=4, epochs=30)
    at.button(key="lab_train").click().run()
    wait_until_finished(at.session_state[RECSYS_KEY])
    at.run()
    assert not at.exception
    assert any('"component 1"' in chart.proto.spec for chart in at.get("vega_lite_chart"))  # the PCA map
    at.selectbox(key="lab_shopper").set_value("Shopper 7").run()
    learned, collaborative = [frame.value for frame in at.dataframe]
    assert len(learned) == len(collaborative) == lab.SHOWN_PRODUCTS
    assert list(learned["predicted stars"]) == sorted(learned["predicted stars"], reverse=True)
    assert list(collaborative["predicted stars"]) == sorted(collaborative["predicted stars"], reverse=True)


def test_stop_ends_the_training_between_epochs(at):
    set_numbers(at, epochs=5000)
    at.button(key="lab_train").click().run()
    run = at.session_state[RECSYS_KEY]
    at.button(key="lab_stop").click().run()
    wait_until_finished(run, timeout_s=30)
    at.run()
    assert run.stop.is_set() and len(run.epochs) < 5000
    assert any("Training stopped after" in s.value for s in at.success)


@pytest.mark.parametrize("kind, train, stop", [(lab.RECSYS, "lab_train", "lab_stop"),
                                               (lab.PHOTO, "lab_photo_train", "lab_photo_stop")])
def test_at_the_default_settings_a_run_is_slow_enough_to_stop(at, kind, train, stop):
    at.button(key=train).click().run()
    run = at.session_state[lab.RUN_KEYS[kind]]
    total = run.total_epochs
    # The page's pace keeps a default run at 15 s or more (lab_defaults.py), so Stop has time.
    assert run.pace_s * total >= 15
    deadline = time.monotonic() + 60  # a busy machine may take over a second for the first epoch
    while not run.epochs and time.monotonic() < deadline:
        time.sleep(0.05)
    at.button(key=stop).click().run()
    wait_until_finished(run, timeout_s=30)
    at.run()
    assert run.stop.is_set() and 0 < len(run.epochs) < total
    assert any(f"Training stopped after {len(run.epochs)} of {total} epochs" in s.value for s in at.success)


def test_the_run_shows_its_own_settings_whatever_the_widgets_say_now(at):
    set_numbers(at, factors=4, epochs=20)
    at.button(key="lab_train").click().run()
    run = at.session_state[RECSYS_KEY]
    wait_until_finished(run)
    set_numbers(at, epochs=200)  # the widget moves on; the chart is still the 20-epoch run's
    shown = [c.value for c in at.caption if c.value.startswith("This run's settings")]
    assert shown and "4 factors" in shown[0] and "20 epochs" in shown[0] and "200 epochs" not in shown[0]
    assert any(s.value.startswith("Training finished after 20 of 20 epochs") for s in at.success)


def test_train_has_one_colour_in_both_lab_charts_and_the_references_a_legend():
    rmse = charts.training_curves([{"epoch": 1, "series": "train", "rmse": 1.1},
                                   {"epoch": 1, "series": "held out", "rmse": 1.2}], {"user-CF 0.93": 0.93})
    accuracy = charts.epoch_curves([{"epoch": 1, "series": "validation", "accuracy": 0.5},
                                    {"epoch": 1, "series": "train", "accuracy": 0.6}], "accuracy", "accuracy")
    colours = []
    for spec in (rmse, accuracy):
        scale = spec["layer"][0]["encoding"]["color"]["scale"]
        colours.append(dict(zip(scale["domain"], scale["range"])))
    assert colours[0]["train"] == colours[1]["train"] != colours[1]["validation"]
    reference = rmse["layer"][1]
    assert reference["mark"]["type"] == "rule" and reference["encoding"]["strokeDash"]["field"] == "label"
    assert not any(layer["mark"]["type"] == "text" for layer in rmse["layer"])  # no label drawn on the curve


@pytest.mark.parametrize("values, message", [
    (dict(epochs=0), "number of epochs must be a whole number of at least 1"),
    (dict(learning_rate=0.0), "learning rate must be more than 0"),
])
def test_bad_recommender_settings_are_refused_with_a_message(at, values, message):
    set_numbers(at, **values)
    at.button(key="lab_train").click().run()
    assert not at.exception
    assert at.error[0].value.startswith("Not started") and message in at.error[0].value
    assert RECSYS_KEY not in at.session_state


def test_a_photo_head_trains_and_shows_curves_and_a_confusion_matrix(at):
    at.multiselect(key="lab_photo_classes").set_value(["shoes", "hat", "pants"])
    set_numbers(at, photo_epochs=8)
    at.button(key="lab_photo_train").click().run()
    assert not at.exception and not at.error and not at.warning
    run = at.session_state[PHOTO_KEY]
    wait_until_finished(run)
    at.run()
    assert not at.exception and run.error is None and len(run.epochs) == 8
    assert run.epochs[-1].train_loss < run.epochs[0].train_loss
    # Shoes, hats and trousers look nothing alike: a head on ImageNet features separates them.
    assert run.epochs[-1].validation_accuracy > 0.9
    success = next(s.value for s in at.success if s.value.startswith("Training finished after 8 of 8 epochs"))
    assert "validation accuracy" in success
    specs = [chart.proto.spec for chart in at.get("vega_lite_chart")]
    assert any('"cross-entropy loss"' in spec for spec in specs)
    assert any('"predicted class"' in spec for spec in specs)  # the confusion matrix
    counts = run.result.confusion()
    assert len(counts) == 3 and sum(map(sum, counts)) == len(run.result.data.validation_labels)
    # Try it: a shipped sample photo goes through the trained head and PhotoCNN.
    assert any("Your head" in m.value for m in at.markdown)
    assert any("PhotoCNN" in m.value for m in at.markdown)


@pytest.mark.parametrize("classes, numbers, message", [
    ([], {}, "Choose at least two classes"),
    (["dress"], {}, "Choose at least two classes"),
    (list(config.PHOTO_CLASSES), {"photo_epochs": 0}, "Epochs must be between 1 and"),
    (list(config.PHOTO_CLASSES), {"photo_learning_rate": 0.0}, "learning rate must be above 0"),
])
def test_bad_photo_settings_are_refused_with_a_message(at, classes, numbers, message):
    at.multiselect(key="lab_photo_classes").set_value(classes)
    set_numbers(at, **numbers)
    at.button(key="lab_photo_train").click().run()
    assert not at.exception
    assert at.error[0].value.startswith("Not started") and message in at.error[0].value
    assert PHOTO_KEY not in at.session_state


def test_a_session_trains_one_model_at_a_time(at):
    set_numbers(at, epochs=5000)
    at.button(key="lab_train").click().run()
    run = at.session_state[RECSYS_KEY]
    try:
        at.button(key="lab_photo_train").click().run()
        assert "still training in this session" in at.warning[0].value
        assert PHOTO_KEY not in at.session_state
    finally:
        run.stop.set()
        wait_until_finished(run, timeout_s=30)


def test_a_third_training_on_the_server_is_told_to_wait(at):
    others = [lab.LabRun(lab.RECSYS, FactorisationConfig(epochs=100), lab.RunStop(lambda: True))
              for _ in range(lab.MAX_SERVER_RUNS)]
    runs = lab.server_runs()
    for other in others:  # two other sessions' trainings hold the server's places
        other.epochs.extend([None] * 10)
        assert runs.try_add(other) is None
    try:
        at.button(key="lab_train").click().run()
        message = at.warning[0].value
        assert "trainings are already running on this server" in message and "should finish in about" in message
        assert RECSYS_KEY not in at.session_state
    finally:
        for other in others:
            runs.remove(other)


def test_a_run_stops_when_its_browser_session_is_gone():
    session = {"alive": True}
    stop = lab.RunStop(lambda: session["alive"])
    assert not stop.is_set()
    session["alive"] = False
    deadline = time.monotonic() + lab.SESSION_CHECK_S + 2
    while not stop.is_set() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert stop.is_set() and stop.tab_closed
    assert isinstance(stop, threading.Event)


@pytest.mark.parametrize("spec", [
    charts.training_curves([{"epoch": 1, "series": "train", "rmse": 1.1},
                            {"epoch": 1, "series": "held out", "rmse": 1.2}], {"user-CF 0.95": 0.95}),
    charts.epoch_curves([{"epoch": 1, "series": "train", "accuracy": 0.5}], "accuracy", "accuracy", percent=True),
    charts.scatter_map([{"x": 0.1, "y": 0.2, "product": "Hat", "category": "hat"}], "category", "product"),
])
def test_the_lab_charts_are_valid_vega_lite(spec):
    validate_jsonschema(spec | {"$schema": "https://vega.github.io/schema/vega-lite/v6.json"}, load_schema())


@pytest.mark.parametrize("count", [1, 299, 300, 301, 5000])
def test_long_runs_are_charted_with_at_most_a_few_hundred_epochs_and_the_last(count):
    epochs = list(range(1, count + 1))
    shown = lab.chart_epochs(epochs)
    assert len(shown) <= lab.MAX_CHART_EPOCHS + 1 and shown[0] == 1 and shown[-1] == count
    assert shown == sorted(set(shown))
    if count <= lab.MAX_CHART_EPOCHS:
        assert shown == epochs


def test_a_worker_rests_after_each_epoch_in_proportion_to_its_work():
    run = lab.LabRun(lab.RECSYS, FactorisationConfig(epochs=5), lab.RunStop(lambda: True))
    on_epoch = lab.paced_append(run)
    start = time.perf_counter()
    for epoch in range(5):
        time.sleep(0.02)  # the epoch's work
        on_epoch(epoch)
    elapsed = time.perf_counter() - start
    assert run.epochs == list(range(5))
    assert elapsed >= 5 * 0.02 * (1 + lab.PACE) * 0.95
    run.stop.set()  # a stopped run does not rest
    start = time.perf_counter()
    time.sleep(0.02)
    on_epoch(5)
    assert time.perf_counter() - start < 0.02 * (1 + lab.PACE)

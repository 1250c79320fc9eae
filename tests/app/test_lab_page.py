"""AppTest of the Model lab: a training runs in a worker and fills the chart; Stop stops it;
bad settings are refused; the server-wide limit tells a third training to wait."""

import time

import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema import load_schema

from shopdl_core.ui import charts, lab
from tests.conftest import open_app

PAGE = "app_pages/lab.py"


def wait_until_finished(run, timeout_s=120.0):
    deadline = time.monotonic() + timeout_s
    while run.running and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not run.running, "the training did not finish in time"


def set_settings(at, **values):
    for key, value in values.items():
        at.number_input(key=f"lab_{key}").set_value(value)
    at.run()


@pytest.fixture
def at():
    return open_app(PAGE)


def test_a_training_runs_in_a_worker_and_its_chart_fills(at):
    assert not at.exception and at.info[0].value.startswith("Choose settings")
    set_settings(at, factors=4, epochs=25)
    at.button(key="lab_train").click().run()
    assert not at.exception and not at.error and not at.warning
    run = at.session_state[lab.RUN_KEY]
    wait_until_finished(run)
    at.run()
    assert len(run.epochs) == 25 and run.error is None
    assert run.epochs[-1].loss < run.epochs[0].loss
    assert at.success[0].value.startswith("Training finished after 25 epochs")
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert "user-CF" in spec and "baseline" in spec  # the reference lines; the curves' rows travel as Arrow
    rows = lab.curves(run)["data"]["values"]
    assert len(rows) == 50 and {row["series"] for row in rows} == {"train", "held out"}


def test_stop_ends_the_training_between_epochs(at):
    set_settings(at, epochs=5000)
    at.button(key="lab_train").click().run()
    run = at.session_state[lab.RUN_KEY]
    at.button(key="lab_stop").click().run()
    wait_until_finished(run, timeout_s=30)
    at.run()
    assert run.stop.is_set() and len(run.epochs) < 5000
    assert "Training stopped after" in at.success[0].value


@pytest.mark.parametrize("values, message", [
    (dict(epochs=0), "number of epochs must be a whole number of at least 1"),
    (dict(learning_rate=0.0), "learning rate must be more than 0"),
])
def test_bad_settings_are_refused_with_a_message(at, values, message):
    set_settings(at, **values)
    at.button(key="lab_train").click().run()
    assert not at.exception
    assert at.error[0].value.startswith("Not started") and message in at.error[0].value
    assert lab.RUN_KEY not in at.session_state


def test_a_third_training_on_the_server_is_told_to_wait(at):
    slots = []
    for _ in range(lab.MAX_SERVER_RUNS):  # two other sessions' trainings hold the slots
        semaphore = lab.server_slots()
        assert semaphore.acquire(blocking=False)
        slots.append(semaphore)
    try:
        at.button(key="lab_train").click().run()
        assert "trainings are already running on this server: wait" in at.warning[0].value
        assert lab.RUN_KEY not in at.session_state
    finally:
        for semaphore in slots:
            semaphore.release()


def test_the_training_chart_is_valid_vega_lite():
    spec = charts.training_curves([{"epoch": 1, "series": "train", "rmse": 1.1},
                                   {"epoch": 1, "series": "held out", "rmse": 1.2}], {"user-CF 0.95": 0.95})
    validate_jsonschema(spec | {"$schema": "https://vega.github.io/schema/vega-lite/v6.json"}, load_schema())

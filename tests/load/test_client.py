"""The protocol client and the load bench against a real `streamlit run app.py` on loopback."""

import pytest

from shopdl_core.__main__ import main
from shopdl_core.load import run_async
from shopdl_core.load.bench import percentile
from shopdl_core.ui.session_client import AppSession
from shopdl_core.load.scenarios import SCENARIOS
from shopdl_core.load.server import running_app
from shopdl_core.ui.demos import DEMOS

# url path of each demo page in the app's navigation (the page file's stem, Streamlit's default)
DEMO_URL_PATHS = {demo.page.rsplit("/", 1)[-1].removesuffix(".py") for demo in DEMOS}
LANDED_SCENARIOS = [scenario for scenario in SCENARIOS if scenario.url_path in DEMO_URL_PATHS | {""}]  # "": the shop


@pytest.fixture(scope="module")
def app_url():
    with running_app() as app:
        yield app.url


async def _open_home(url):
    async with AppSession(url) as session:
        run = await session.open()
        return session.pages, run


async def _two_inputs(url, scenario):
    async with AppSession(url) as session:
        await scenario.open(session)
        return [await scenario.act(session, index) for index in range(2)]


@pytest.mark.e2e
def test_home_renders_with_every_page_in_navigation(app_url):
    pages, run = run_async(_open_home(app_url))
    assert run.status == "success" and run.errors == []
    assert run.texts("heading")[0] == "🛍️ ShopDL shop"
    assert any(element.in_sidebar and element.text.startswith("Device:") for element in run.elements)
    assert set(pages) == {"", "how-it-works", *DEMO_URL_PATHS}


@pytest.mark.e2e
def test_opening_a_missing_page_is_reported(app_url):
    async def open_missing():
        async with AppSession(app_url) as session:
            return await session.open("no-such-page")

    assert "page not found" in run_async(open_missing()).errors


@pytest.mark.e2e
@pytest.mark.parametrize("scenario", LANDED_SCENARIOS, ids=lambda scenario: scenario.demo)
def test_changing_a_widget_changes_the_result(app_url, scenario):
    first, second = run_async(_two_inputs(app_url, scenario))
    assert first.errors == [] and second.errors == []
    assert scenario.result(first) and scenario.result(second)
    if scenario.clicks:  # a button's action (a like, then its undoing): the button says it took
        assert first.widget(scenario.clicks[1]) and second.widget(scenario.clicks[0])
        return
    assert scenario.result(first) != scenario.result(second)
    widget_key = next(iter(scenario.inputs[1]))
    assert second.widget(widget_key).widget_id.endswith(f"-{widget_key}")


@pytest.mark.e2e
def test_short_bench_run_has_no_errors(app_url, capsys):
    status = main(["bench", "app", "--sessions", "3", "--seconds", "5", "--think", "0.4", "--url", app_url])
    summary = capsys.readouterr().out
    assert "errors           0" in summary, summary
    assert status == 0
    assert "sessions         3" in summary
    assert "action latency   p50" in summary


@pytest.mark.e2e
def test_short_bench_run_keeps_two_lab_trainings_going(app_url, capsys):
    status = main(["bench", "app", "--sessions", "2", "--seconds", "5", "--think", "0.4", "--demo", "reviews",
                   "--lab-trainings", "2", "--url", app_url])
    summary = capsys.readouterr().out
    assert "errors           0" in summary, summary
    assert status == 0
    assert "lab trainings    2 of 2 training throughout the load" in summary
    assert "reviews         p50" in summary  # the demo's own figures, without the lab sessions' page runs


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 21)]
    assert percentile(values, 0.50) == 10.0
    assert percentile(values, 0.95) == 19.0
    assert percentile([3.0], 0.95) == 3.0


@pytest.mark.e2e
def test_a_fragment_rerun_keeps_the_page_language(app_url):
    """A filter reruns only the storefront's fragment, without app.py: it must still speak Chinese."""
    async def filter_in_chinese():
        async with AppSession(app_url) as session:
            await session.open("", query="lang=zh")
            return await session.set_values({"shop_kinds": ["dress"]})

    run = run_async(filter_in_chinese())
    assert run.errors == []
    counts = [text for text in run.texts("markdown") if "件商品" in text or "products" in text]
    assert counts and all("件商品" in text for text in counts), counts

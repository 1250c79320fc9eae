"""The soak bench and the client's upload, against a real `streamlit run app.py` on loopback."""

import pytest

from shopdl_core.__main__ import main
from shopdl_core.load import run_async
from shopdl_core.load.server import running_app
from shopdl_core.load.soak import SoakReport, SoakSettings, soak_photos
from shopdl_core.ui.session_client import AppSession


@pytest.fixture(scope="module")
def app_url():
    with running_app() as app:
        yield app.url


async def _upload(url, photo):
    async with AppSession(url) as session:
        await session.open("images")
        await session.set_values({"image_source": "Upload a photo"})
        return await session.upload("image_upload", photo.name, photo.read_bytes())


@pytest.mark.e2e
def test_upload_over_the_protocol_is_analysed(app_url):
    hat = next(photo for photo in soak_photos() if photo.name.startswith("hat"))
    run = run_async(_upload(app_url, hat))
    assert run.errors == []
    assert "hat" in run.texts("heading")  # the answer names the uploaded photo's kind, not a sample's


@pytest.mark.e2e
def test_short_soak_has_no_errors_and_reads_memory(app_url, capsys):
    status = main(["bench", "soak", "--sessions", "4", "--seconds", "4", "--every", "2", "--url", app_url])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "sessions closed  4" in out and "errors           0" in out
    assert "2 closed" in out and "4 closed" in out


def test_growth_is_measured_from_the_end_of_the_warm_up():
    report = SoakReport(SoakSettings(url="", pid=None, sessions=300, seconds=1, every=100))
    report.rss = [(0, 0.0, 50), (100, 1.0, 1000), (200, 2.0, 1040), (300, 3.0, 1050)]
    assert report.growth_after_warm_up() == pytest.approx(0.05)
    report.rss = report.rss[:2]
    assert report.growth_after_warm_up() is None

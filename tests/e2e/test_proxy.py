"""Two app processes behind nginx (deploy/serve.sh 2): every page, an upload and a review work
through the proxy, and each browser session sticks to one process."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from shopdl_core.load.failover import format_failover, run_failover_drill
from shopdl_core.load.proxy import NGINX, Proxy, running_proxy
from shopdl_core.ui.demos import DEMOS
from tests.e2e.conftest import REPO_DIR, assert_clean, wait_idle
from tests.e2e.test_images import real_photo
from tests.e2e.test_reviews import type_review

pytestmark = pytest.mark.e2e

REPLICAS = 2
# access.log line: "... replica=127.0.0.1:PORT cookie=rN ..." (deploy/nginx.conf.template);
# nginx writes an empty value as "-".
LOG_LINE = re.compile(r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) .*replica=(?P<upstream>\S+) '
                      r'cookie=(?P<cookie>r\d+|-)')


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    if NGINX is None:
        pytest.skip("nginx is not installed: `make browser` (or apt-get install nginx) installs it")
    with running_proxy(REPLICAS, tmp_path_factory.mktemp("serve")) as running:
        yield running


def visit_every_page(browser, proxy: Proxy, photo: Path) -> set[str]:
    """One viewer: home, each demo page by its navigation link, a photo upload and a typed
    review. Returns the replicas named by the proxy's responses."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    replicas = set()
    page.on("response", lambda response: replicas.add(response.headers.get("x-shopdl-replica")))
    try:
        page.goto(proxy.url)
        wait_idle(page)
        assert_clean(page)
        for demo in DEMOS:
            page.get_by_test_id("stSidebarNav").get_by_role("link", name=demo.title).click()
            wait_idle(page)
            assert page.get_by_role("heading", name=demo.title).first.is_visible()
            assert_clean(page)
            if demo.page.endswith("images.py"):
                page.get_by_test_id("stRadioGroup").get_by_text("Upload a photo").click()
                wait_idle(page)
                with page.expect_response(lambda response: "/_stcore/upload_file" in response.url) as upload:
                    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(photo))
                assert upload.value.ok, upload.value.status  # XSRF check passed on the process that set the cookie
                wait_idle(page)  # the page's run on the uploaded photo
                assert_clean(page)
            if demo.page.endswith("reviews.py"):
                type_review(page, "The shoes arrived broken and the seller never answered. Awful!")
                page.get_by_text("👎 negative").first.wait_for()
                assert_clean(page)
    finally:
        context.close()  # closes the websocket, so nginx logs it
    return replicas


def test_every_page_upload_and_review_through_the_proxy_stick_to_one_replica(browser, proxy, tmp_path):
    photo = real_photo(tmp_path, "jpeg")
    viewers = [visit_every_page(browser, proxy, photo) for _ in range(REPLICAS)]

    # Every response a viewer got came from one process, and the second viewer was given the other.
    assert all(len(replicas) == 1 for replicas in viewers), viewers
    assert {replica for replicas in viewers for replica in replicas} == {f"r{i + 1}" for i in range(REPLICAS)}

    # nginx's own log: every request that carried the cookie (the websocket and the upload
    # included) went to the process the cookie names.
    time.sleep(1)  # the websockets' log lines are written when nginx closes them
    requests = [match for line in (proxy.run_dir / "nginx" / "access.log").read_text().splitlines()
                if (match := LOG_LINE.search(line))]
    sticky = [match for match in requests if match["cookie"] != "-"]
    assert sticky and all(match["upstream"] == proxy.replica_address(match["cookie"]) for match in sticky)
    assert any(match["path"] == "/_stcore/stream" and match["status"] == "101" for match in sticky)
    uploads = [match for match in sticky if "/_stcore/upload_file" in match["path"] and match["method"] == "PUT"]
    assert uploads and all(match["status"] in ("200", "204") for match in uploads)


def test_a_viewer_whose_replica_dies_is_told_and_served_by_the_other(browser, proxy, tmp_path):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(120_000)
    try:
        report = run_failover_drill(proxy, page, tmp_path, sessions=6, seconds=24, kill_after_s=8)
    finally:
        context.close()
    assert report.served_again_s is not None, format_failover(report)
    assert report.viewer_errors == [] and report.answered_click_s is not None
    # Only sessions that lived on the killed process may fail, and only by losing their connection.
    assert all("session ended" in what for _, what in report.load.errors), format_failover(report)
    assert sum(report.load.interactions.values()) > 0

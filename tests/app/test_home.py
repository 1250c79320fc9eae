from shopdl_core import registry
from tests.conftest import open_app


def test_home_renders_with_device_in_sidebar():
    at = open_app("app_pages/home.py")
    assert not at.exception
    assert at.title[0].value.endswith("How ShopDL works")
    sidebar_text = " ".join(m.value for m in at.sidebar.markdown)
    assert "Device: **CPU" in sidebar_text or "Device: **CUDA" in sidebar_text


def test_sidebar_lists_every_model():
    at = open_app()
    captions = " ".join(c.value for c in at.sidebar.caption)
    for name in registry.list_models():
        assert f"**{name}**" in captions


def test_bad_device_setting_is_shown_not_raised(monkeypatch):
    from shopdl_core.ui.common import shared_device

    monkeypatch.setenv("SHOPDL_DEVICE", "tpu")
    shared_device.clear()
    try:
        at = open_app()
        assert not at.exception
        assert any("Unknown device" in e.value for e in at.sidebar.error)
    finally:
        monkeypatch.delenv("SHOPDL_DEVICE")
        shared_device.clear()


def test_the_same_figure_and_the_evaluation_section_read_the_same_on_how_it_works_and_its_page():
    """PhotoCNN's accuracy was "0.912" on How it works and "91.2%" on Product photos, and the
    two pages named their model sections differently (issue 19, finding 11)."""
    from shopdl_core.ui.common import EVALUATION_SECTION

    home = open_app("app_pages/home.py")
    photos = open_app("app_pages/images.py")
    assert not home.exception and not photos.exception
    on_home = {m.label: m.value for m in home.metric}["validation accuracy"]  # PhotoCNN's card
    on_page = {m.label: m.value for m in photos.metric}["Validation accuracy"]
    assert on_home == on_page and on_page.endswith("%") and len(on_page.split(".")[1]) == 2  # "91.2%"
    sidebar = " ".join(c.value for c in home.sidebar.caption)
    assert f"validation accuracy {on_page}" in sidebar
    for at in (home, photos):
        assert [h.value for h in at.header].count(EVALUATION_SECTION) == 1

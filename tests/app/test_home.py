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

import pytest
import torch

from shopdl_core.device import describe_device, pick_device
from shopdl_core.errors import InputError


def test_cpu_is_always_available(monkeypatch):
    monkeypatch.delenv("SHOPDL_DEVICE", raising=False)
    assert pick_device("cpu") == torch.device("cpu")


def test_auto_prefers_cuda_then_mps_then_cpu(monkeypatch):
    monkeypatch.delenv("SHOPDL_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr("shopdl_core.device._mps_available", lambda: False)
    assert pick_device() == torch.device("cpu")
    monkeypatch.setattr("shopdl_core.device._mps_available", lambda: True)
    assert pick_device() == torch.device("mps")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert pick_device() == torch.device("cuda")


def test_environment_variable_overrides(monkeypatch):
    monkeypatch.setenv("SHOPDL_DEVICE", "cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert pick_device() == torch.device("cpu")


def test_missing_cuda_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(InputError, match="no CUDA GPU"):
        pick_device("cuda")
    monkeypatch.setenv("SHOPDL_DEVICE", "cuda:0")
    with pytest.raises(InputError, match="no CUDA GPU"):
        pick_device()


def test_missing_mps_is_a_clear_error(monkeypatch):
    monkeypatch.setattr("shopdl_core.device._mps_available", lambda: False)
    with pytest.raises(InputError, match="MPS"):
        pick_device("mps")


@pytest.mark.parametrize("bad", ["gpu", "tpu", "cuda:x", "cpu:"])
def test_unknown_device_names_are_rejected(bad):
    with pytest.raises(InputError, match="Unknown device"):
        pick_device(bad)


def test_description_names_the_cpu():
    assert describe_device(torch.device("cpu")).startswith("CPU (")

"""``bench gpu --device cpu --quick`` runs end to end, so the GPU check is ready when a GPU is lent."""

import pytest

from shopdl_core import gpu_check
from shopdl_core.__main__ import main


@pytest.mark.slow
def test_the_quick_gpu_check_runs_on_the_cpu_and_passes(capsys):
    assert main(["bench", "gpu", "--device", "cpu", "--quick"]) == 0
    out = capsys.readouterr().out
    for step in ("1. predictions", "2. one short training", "3. the learned factorisation", "4. latency",
                 "5. the AppTest suite"):
        assert step in out
    assert "every check passed" in out and "FAIL" not in out
    assert out.count("  ok   ") == 14  # 6 models' predictions, 5 trainers (MultilingualE5 has its own script), the lab head, factorisation, AppTest


def test_a_prediction_gap_over_the_tolerance_fails_the_check():
    import numpy as np

    report = gpu_check.Report([])
    cpu = np.array([[0.9, 0.1], [0.6, 0.4]])
    gpu_check.compare("same", cpu, cpu + 1e-4 * np.array([[1, -1], [1, -1]]), report)
    assert not report.failures
    gpu_check.compare("drifted", cpu, cpu[:, ::-1], report)  # labels swap on confident inputs
    assert report.failures and "drifted" in report.failures[0]

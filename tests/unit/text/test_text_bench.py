"""``bench text``'s timing: this thread's CPU time beside the wall time, a bounded throughput pass."""

import argparse

import pytest
import torch

from shopdl_core.errors import InputError
from shopdl_core.text.cli import BENCH_SINGLE_RUNS, _bench_one, run_bench


class BusyScorer:
    """Stands in for a review model: each review costs some CPU; batches are recorded."""

    device = torch.device("cpu")

    def __init__(self):
        self.batches: list[int] = []

    def score(self, text: str) -> None:
        sum(i * i for i in range(20_000))

    def score_many(self, texts: list[str], batch_size: int) -> None:
        self.batches.append(len(texts))


def test_latency_comes_with_the_thread_s_cpu_time_and_the_batch_is_bounded():
    scorer = BusyScorer()
    figures = _bench_one(scorer, ["a review"] * (BENCH_SINGLE_RUNS + 50), batch_reviews=64)
    assert scorer.batches == [64] and figures["batch_reviews"] == 64
    # One thread cannot use more CPU than the time that passed (a little slack for clock ticks).
    assert 0 < figures["cpu_median_ms"] <= figures["median_ms"] * 1.05 + 0.05


def test_bench_text_refuses_zero_threads():
    with pytest.raises(InputError, match="--threads"):
        run_bench(argparse.Namespace(device=None, threads=0, batch_reviews=None))

"""Measure search by words: precision@6 of the query set over the catalogue or a photo folder.

    python -m shopdl_core evaluate search [--split heldout] [--photos DIR]

A result counts when its true kind is one of the query's classes: the catalogue's category, or
for a folder of class sub-folders (the clothing photos' ``validation`` folder) the folder's name.
Reported per language, per form of query (kind alone, colour and kind, a described need), for
queries with and without a kind word of the caption table, the share of results in the query's
colour (colour queries; the catalogue's listed colours, or the colour reader's for a folder), and the latency of one query.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from shopdl_core.search.engine import DEFAULT_TOP_K, PhotoSearch
from shopdl_core.search.queries import load_queries, precision_at_k, uses_caption_noun


def evaluate_search(engine: PhotoSearch, queries: pd.DataFrame, truth: dict[str, str] | None = None,
                    top_k: int = DEFAULT_TOP_K) -> dict:
    """Precision@k figures of ``queries`` (load_queries rows); ``truth``: name -> true kind
    (default: the index's own labels, right for the catalogue)."""
    results = engine.search_many(list(queries["query"]), top_k)
    kind_of = truth or dict(zip(engine.index.names, engine.index.labels))
    colour_of = dict(zip(engine.index.names, engine.index.colours))
    precision = precision_at_k([[kind_of[n] for n in r.names] for r in results], list(queries["classes"]))
    colour_queries = (queries["form"] == "colour").to_numpy()
    colour_hits = precision_at_k([[colour_of[n] for n in r.names] for r, c in zip(results, colour_queries) if c],
                                 list(queries.loc[colour_queries, "colours"]))
    known_word = queries["query"].map(uses_caption_noun).to_numpy()
    figures = {"queries": len(queries), "photo_count": len(engine.index)}
    for language in ("en", "zh"):
        mine = (queries["language"] == language).to_numpy()
        figures[language] = {
            "precision_at_6": _mean(precision[mine]),
            "by_form": {form: _mean(precision[mine & (queries["form"] == form).to_numpy()])
                        for form in ("kind", "colour", "describe")},
            "with_a_caption_kind_word": _mean(precision[mine & known_word]),
            "without_one": _mean(precision[mine & ~known_word]),
            "queries_without_one": int((mine & ~known_word).sum()),
            "colour_precision_at_6": _mean(colour_hits[mine[colour_queries]]),
        }
    figures["worst"] = [{"query": q, "precision": round(float(p), 3), "got": list(r.labels)}
                        for q, p, r in sorted(zip(queries["query"], precision, results), key=lambda t: t[1])[:8]]
    return figures


def _mean(values: np.ndarray) -> float:
    return round(float(values.mean()), 4) if len(values) else float("nan")


def query_latency_ms(engine: PhotoSearch, queries: list[str], repeats: int = 3) -> dict:
    """Median and 95th percentile of one query's wall time (encode + rank), on one CPU thread."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        engine.search(queries[0])  # warm-up
        times = []
        for _ in range(repeats):
            for query in queries:
                start = time.perf_counter()
                engine.search(query)
                times.append(1000 * (time.perf_counter() - start))
    finally:
        torch.set_num_threads(threads)
    return {"median_ms": round(float(np.median(times)), 2), "p95_ms": round(float(np.percentile(times, 95)), 2),
            "queries": len(times)}


def folder_truth(names: tuple[str, ...]) -> dict[str, str]:
    """name -> the class folder each photo sits in."""
    return {name: Path(name).parent.name for name in names}


def run(split: str, photos: Path | None) -> dict:
    from shopdl_core.search.engine import folder_search, load_catalogue_search

    queries = load_queries(split)
    if photos is None:
        engine = load_catalogue_search("cpu")
        report = {"photos": "catalogue", **evaluate_search(engine, queries)}
        report["latency"] = query_latency_ms(engine, list(queries["query"]))
        return report
    engine, skipped = folder_search(photos, "cpu")
    return {"photos": str(photos), "skipped": len(skipped),
            **evaluate_search(engine, queries, folder_truth(engine.index.names))}

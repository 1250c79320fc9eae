"""Search photos by words: a query's sentence vector against the projected photo vectors, plus
the kind reader's term (search/kinds.py: the query's kind read from its words).

``load_catalogue_search()`` builds the catalogue's search once (PhotoCNN's shipped catalogue
index, projected into the text space); ``search_catalogue(query, top_k)`` answers one query.
``PhotoSearch.for_folder`` indexes any folder of photos instead. Everything loaded is shared
read-only between sessions: a search writes nothing on the models.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import torch

from shopdl_core.checkpoints import load_checkpoint, restore_model
from shopdl_core.errors import InputError
from shopdl_core.i18n import _
from shopdl_core.search.kinds import KIND_WEIGHT, KindReader
from shopdl_core.search.photo_index import PhotoIndex, catalogue_index, files_under, index_photo_files
from shopdl_core.search.projection import PhotoTextProjection, build_projection
from shopdl_core.search.train import project, projection_path

MAX_QUERY_CHARS = 200
DEFAULT_TOP_K = 6


@dataclass(frozen=True)
class SearchResult:
    query: str
    names: tuple[str, ...]  # product ids (catalogue) or file paths, best first
    scores: tuple[float, ...]  # the query's and each photo's cosine in the text space, plus the kind term (search/kinds.py)
    labels: tuple[str, ...]  # each result's kind (catalogue category, or PhotoCNN's answer)


def check_query(query: str) -> str:
    """The query, stripped; InputError when it is not a string, empty or too long."""
    if not isinstance(query, str) or not query.strip():
        raise InputError(_("Type what you are looking for, e.g. “a red summer dress” or “运动鞋”."))
    if len(query) > MAX_QUERY_CHARS:
        raise InputError(_("A search is at most {limit} characters: describe the product in a few words.").format(
            limit=MAX_QUERY_CHARS))
    return query.strip()


def load_projection(path: Path | None = None) -> tuple[PhotoTextProjection, KindReader]:
    """The shipped projection and the kind reader whose word vectors its checkpoint holds."""
    checkpoint = load_checkpoint(path or projection_path(), kind="search")
    return restore_model(checkpoint, build_projection, "cpu"), KindReader.from_extras(checkpoint.extras["kind_words"])


class PhotoSearch:
    """A text encoder, the projection, the projected vectors (N, 384) of one set of photos and
    their kind probabilities (N, K) as the kind reader sees them."""

    def __init__(self, encoder, projection: PhotoTextProjection, reader: KindReader, index: PhotoIndex):
        self.encoder = encoder
        self.reader = reader
        self.index = index
        vectors = project(projection, index)
        self.vectors = torch.from_numpy(vectors)  # (N, 384) unit rows
        self.photo_kinds = torch.from_numpy(reader.photo_kinds(vectors))  # (N, K)

    def search_many(self, queries: list[str], top_k: int = DEFAULT_TOP_K) -> list[SearchResult]:
        if not isinstance(top_k, int) or top_k < 1:
            raise InputError(f"The number of results must be a whole number of at least 1, got {top_k!r}.")
        texts = [check_query(q) for q in queries]
        vectors = self.encoder.encode(texts, kind="query")  # (Q, 384)
        query_kinds = torch.from_numpy(self.reader.query_kinds(texts, vectors.numpy()))  # (Q, K)
        similarity = vectors @ self.vectors.T + KIND_WEIGHT * query_kinds @ self.photo_kinds.T  # (Q, N)
        scores, rows = similarity.topk(min(top_k, len(self.index)), dim=1)
        return [SearchResult(text, tuple(self.index.names[i] for i in row.tolist()),
                             tuple(float(s) for s in score), tuple(self.index.labels[i] for i in row.tolist()))
                for text, score, row in zip(texts, scores, rows)]

    def search(self, query: str, top_k: int = DEFAULT_TOP_K) -> SearchResult:
        return self.search_many([query], top_k)[0]


def load_catalogue_search(device: str | None = None, trained=None, encoder=None) -> PhotoSearch:
    """The catalogue's search: the shipped encoder, projection and PhotoCNN catalogue index.

    ``trained`` (a loaded PhotoCNN) and ``encoder`` (a loaded text encoder) reuse copies the
    caller already holds; by default both are loaded here.
    """
    trained, encoder = _models(device, trained, encoder)
    return PhotoSearch(encoder, *load_projection(), catalogue_index(trained))


def folder_search(root: Path | str, device: str | None = None) -> tuple[PhotoSearch, list[str]]:
    """A search over every photo under ``root`` (recursively) and a note per file skipped."""
    paths = files_under(root)
    trained, encoder = _models(device, None, None)
    index, skipped = index_photo_files(trained, paths)
    return PhotoSearch(encoder, *load_projection(), index), skipped


def _models(device: str | None, trained, encoder):
    from shopdl_core.text.encoder import load_text_encoder
    from shopdl_core.vision.trained import load_trained_model

    return (trained or load_trained_model("PhotoCNN", torch.device("cpu")),
            encoder or load_text_encoder(device))


@lru_cache(maxsize=1)
def _shared_catalogue_search() -> PhotoSearch:
    return load_catalogue_search()


def search_catalogue(query: str, top_k: int = DEFAULT_TOP_K, engine: PhotoSearch | None = None) -> SearchResult:
    """The ``top_k`` catalogue products that best match ``query`` (English or Chinese)."""
    return (engine or _shared_catalogue_search()).search(query, top_k)

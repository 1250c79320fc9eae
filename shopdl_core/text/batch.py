"""Scoring a CSV of reviews: reading it in whatever encoding it came in, finding the text
columns, and adding the model's verdict to every row."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pandas as pd

from shopdl_core.errors import InputError
from shopdl_core.i18n import _
from shopdl_core.text.language import detect_language
from shopdl_core.text.predict import ReviewScore, SentimentModel
from shopdl_core.text.tokenize import tokenize

MAX_CSV_ROWS = 5_000
# Tried in order. UTF-16 is only tried when the bytes say so (a BOM or NUL bytes): as a fallback
# it would "decode" any file into nonsense. Latin-1 decodes every byte, so it comes last.
_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
# How each codec is named to people ("utf-8-sig" is UTF-8 that may start with a byte-order mark).
ENCODING_NAMES = {"utf-8-sig": "UTF-8", "cp1252": "Windows-1252", "latin-1": "Latin-1",
                  "utf-16": "UTF-16", "utf-16-le": "UTF-16", "utf-16-be": "UTF-16"}


def _decode(data: bytes) -> tuple[str, str]:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:1000]:
        for encoding in ("utf-16", "utf-16-le", "utf-16-be"):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                continue
        raise InputError(_("The file looks like UTF-16 but could not be decoded: save it as UTF-8 CSV."))
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any bytes")


def read_review_csv(data: bytes) -> tuple[pd.DataFrame, str]:
    """The CSV as a frame of strings (empty cells are ""), and the codec it was read with (a key
    of ``ENCODING_NAMES``)."""
    if not data.strip():
        raise InputError(_("The file is empty: upload a CSV with a header row and one review per row."))
    text, encoding = _decode(data)
    try:
        # sep=None sniffs the delimiter: spreadsheets in many locales export with ";".
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=None, engine="python")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as exc:
        raise InputError(_("The file could not be read as CSV ({error}). Expected a header row, then "
                           "one review per row.").format(error=exc)) from exc
    if frame.empty:
        raise InputError(_("The CSV has a header but no rows to score."))
    if len(frame) > MAX_CSV_ROWS:
        raise InputError(_("The CSV has {rows:,} rows; the demo scores up to {most:,} at a time. Split the "
                           "file and upload the parts.").format(rows=len(frame), most=MAX_CSV_ROWS))
    frame.columns = [str(column).strip() or f"column {i + 1}" for i, column in enumerate(frame.columns)]
    return frame, encoding


def text_columns(frame: pd.DataFrame) -> list[str]:
    """Columns that hold words (most filled cells contain a letter), longest text first."""
    found = []
    for column in frame.columns:
        filled = frame[column][frame[column].str.strip() != ""]
        if len(filled) and filled.str.contains(r"[^\W\d_]", regex=True).mean() > 0.5:
            found.append((-filled.str.len().mean(), column))
    if not found:
        raise InputError(_("No column of the CSV holds text (columns: {columns}). Add a column with one "
                           "review per row.").format(columns=", ".join(map(str, frame.columns))))
    return [column for _, column in sorted(found, key=lambda item: item[0])]


def score_notes(score: ReviewScore) -> list[str]:
    """Why a score deserves less trust than the test figures, in the page's language: the most
    telling reason about its words first, then a cut text, then an unsure verdict."""
    notes = []
    if score.mostly_unknown:
        notes.append(_("mostly unknown words: a guess"))
    elif score.far_from_training:
        notes.append(score.far_from_training)
    if score.truncated_from:
        notes.append(_("too long: only its start was read ({count} tokens)").format(count=len(score.tokens)))
    if score.unsure and not score.mostly_unknown:
        notes.append(_("unsure: P(positive) is close to 0.5"))
    return notes


RESULT_COLUMNS = ("sentiment", "prob_positive", "unknown_share", "note", "language")  # what score_frame adds


def score_frame(scorer: SentimentModel, frame: pd.DataFrame, column: str,
                on_progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """The frame with language ("en" or "zh"), sentiment ("positive", "negative"), prob_positive,
    unknown_share and note (``score_notes`` joined, or "") columns added.

    Empty cells (or cells of only invisible characters) are left unscored (sentiment "", no
    numbers) with a note rather than failing the whole file.
    """
    if column not in frame.columns:
        raise InputError(_("The CSV has no column {column!r}.").format(column=column))
    # A file's own column named like a result (a labelled "sentiment") is kept, renamed, not overwritten.
    scored = frame.rename(columns={name: f"{name} (file)" for name in frame.columns if name in RESULT_COLUMNS})
    scored["sentiment"] = ""
    scored["prob_positive"] = float("nan")
    scored["unknown_share"] = float("nan")
    scored["note"] = _("empty cell: not scored")
    texts = frame[column].fillna("").astype(str)
    filled = texts[[bool(tokenize(text)) for text in texts]]
    results = scorer.score_many(list(filled), batch_size=64, on_progress=on_progress)
    scored["language"] = [detect_language(text) if text.strip() else "" for text in texts]
    scored.loc[filled.index, "sentiment"] = [r.label for r in results]
    scored.loc[filled.index, "prob_positive"] = [round(r.prob_positive, 4) for r in results]
    scored.loc[filled.index, "unknown_share"] = [round(r.unknown_share, 3) for r in results]
    scored.loc[filled.index, "note"] = [_("; ").join(score_notes(r)) for r in results]
    return scored

"""The bad-input matrix: every bad input the three demos name, fed to the page that takes it.

For each case the page must show a clear message (in an error, warning or info box), raise no
exception, and keep the user's other work: a rating edited on the recommendations page before
the case (kept in session state across pages) and, on the demo page itself, the setting the
user chose first (the model on the photo page, the typed review on the reviews page).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest
from PIL import Image

from tests.conftest import open_app, shown_text

RECOMMEND, IMAGES, REVIEWS = "app_pages/recommend.py", "app_pages/images.py", "app_pages/reviews.py"
KEPT_RATING = ("Pink Holiday Hat", 4.0)  # Ana's rating, edited before every case
KEPT_REVIEW = "Lovely soft fabric, fits well."


def image_bytes(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def good_png() -> bytes:
    return image_bytes(Image.new("RGB", (64, 64), "white"))


def bomb_png() -> bytes:
    """A tiny file that declares 20,000 x 20,000 pixels (400 megapixels)."""
    return image_bytes(Image.new("1", (20_000, 20_000)))


def edit_ratings(at, edited_rows=None, added_rows=(), deleted_rows=()):
    """Add edits to the editor's state the way the browser does: on top of the earlier ones."""
    try:
        state = at.session_state["ratings_editor"]
    except KeyError:
        state = {"edited_rows": {}, "added_rows": [], "deleted_rows": []}
    rows = {row: dict(cells) for row, cells in state["edited_rows"].items()}
    for row, cells in (edited_rows or {}).items():
        rows.setdefault(row, {}).update(cells)
    at.session_state["ratings_editor"] = {
        "edited_rows": rows, "added_rows": [*state["added_rows"], *added_rows],
        "deleted_rows": [*state["deleted_rows"], *deleted_rows]}
    at.run()


def upload_ratings(at, name: str, data: bytes):
    at.file_uploader(key="ratings_upload").upload(name, data, "text/csv").run()


def upload_photo(at, name: str, data: bytes):
    at.radio(key="image_source").set_value("Upload a photo").run()
    at.file_uploader(key="image_upload").upload(name, data, "image/png").run()


def type_review(at, text: str):
    at.text_area(key="review_text").set_value(text).run()


def upload_reviews(at, name: str, data: bytes):
    at.file_uploader(key="review_csv").upload(name, data, "text/csv").run()


def ratings_csv(at, replace: tuple[str, str] | None = None, header: str | None = None) -> bytes:
    text = at.session_state["recsys_table"].to_csv(index=False)
    if header is not None:
        text = header + "\n" + text.split("\n", 1)[1]
    if replace is not None:
        text = text.replace(*replace, 1)
    return text.encode()


@dataclass(frozen=True)
class Case:
    name: str
    page: str
    feed: Callable  # (at) -> None: applies the bad input
    message: str  # text the message must contain
    box: str = "error"  # which kind of message box shows it
    keeps_edit: bool = True  # False only where the case itself removes the edited row
    types_review: bool = False  # True where the bad input is the review text itself


CASES = [
    # Rating matrix cells, through the editor (its session state, as the browser sends it).
    Case("rating above 5", RECOMMEND, lambda at: edit_ratings(at, {1: {"Grey Sport Shoes": 7.0}}),
         "row 'Ben', column 'Grey Sport Shoes' holds '7'"),
    Case("negative rating", RECOMMEND, lambda at: edit_ratings(at, {2: {"Black Sport Trousers": -2.0}}),
         "row 'Chloe', column 'Black Sport Trousers' holds '-2'"),
    Case("rating between 0 and 1", RECOMMEND, lambda at: edit_ratings(at, {3: {"Pink Classic Jacket": 0.5}}),
         "row 'Dev', column 'Pink Classic Jacket' holds '0.5'"),
    Case("duplicate shopper", RECOMMEND, lambda at: edit_ratings(at, {2: {"Shopper": "Ben"}}),
         "Shopper 'Ben' appears twice"),
    Case("empty shopper name", RECOMMEND, lambda at: edit_ratings(at, {3: {"Shopper": ""}}),
         "Row 4 has no shopper name"),
    Case("whitespace shopper name", RECOMMEND, lambda at: edit_ratings(at, {3: {"Shopper": "   "}}),
         "Row 4 has no shopper name"),
    Case("all-empty row (new shopper)", RECOMMEND,
         lambda at: (edit_ratings(at, added_rows=[{"Shopper": "Zoe"}]),
                     at.selectbox(key="recsys_shopper").set_value("Zoe").run()),
         "Zoe has not rated anything yet", box="warning"),
    Case("every row deleted", RECOMMEND, lambda at: edit_ratings(at, deleted_rows=range(8)),
         "The rating matrix is empty", keeps_edit=False),
    # Rating matrix cells and files, through the CSV upload.
    Case("text in a cell", RECOMMEND, lambda at: upload_ratings(at, "t.csv", ratings_csv(at, ("Ana,5.0", "Ana,abc"))),
         "row 'Ana', column 'Red Sport T-Shirt' holds 'abc'"),
    Case("NaN in a cell", RECOMMEND, lambda at: upload_ratings(at, "n.csv", ratings_csv(at, ("Ana,5.0", "Ana,NaN"))),
         "holds 'NaN'"),
    Case("infinity in a cell", RECOMMEND, lambda at: upload_ratings(at, "i.csv", ratings_csv(at, ("Ana,5.0", "Ana,inf"))),
         "holds 'inf'"),
    Case("CSV with wrong columns", RECOMMEND, lambda at: upload_ratings(at, "w.csv", b"Shopper,Hat\nAna,4\n"),
         "unexpected 'Hat'"),
    Case("CSV with a renamed column", RECOMMEND,
         lambda at: upload_ratings(at, "r.csv", ratings_csv(at, ("Multicolour Sport Shorts", "Gym Bag"))), "missing 'Multicolour Sport Shorts'"),
    Case("empty CSV file", RECOMMEND, lambda at: upload_ratings(at, "e.csv", b""), "not a readable UTF-8 CSV"),
    Case("binary file as CSV", RECOMMEND, lambda at: upload_ratings(at, "b.csv", bytes(range(256)) * 4),
         "was not loaded, your table is unchanged"),
    # Product photos.
    Case("text file named .png", IMAGES, lambda at: upload_photo(at, "photo.png", b"just some text, no pixels"),
         "not an image this page can open"),
    Case("HTML file named .jpg", IMAGES, lambda at: upload_photo(at, "x.jpg", b"<html><script>alert(1)</script>"),
         "not an image this page can open"),
    Case("empty file", IMAGES, lambda at: upload_photo(at, "empty.png", b""), "is empty (0 bytes)"),
    Case("truncated PNG", IMAGES, lambda at: upload_photo(at, "cut.png", good_png()[:60]), "could not"),
    Case("decompression bomb", IMAGES, lambda at: upload_photo(at, "bomb.png", bomb_png()), "megapixels"),
    Case("5 x 5 image", IMAGES, lambda at: upload_photo(at, "tiny.png", image_bytes(Image.new("RGB", (5, 5)))),
         "too small"),
    Case("PDF named .webp", IMAGES, lambda at: upload_photo(at, "doc.webp", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"),
         "not an image this page can open"),
    # Review text.
    Case("empty review", REVIEWS, lambda at: type_review(at, ""), "The review is empty", types_review=True),
    Case("whitespace review", REVIEWS, lambda at: type_review(at, " \n\t  "), "The review is empty", types_review=True),
    Case("enormous review", REVIEWS, lambda at: type_review(at, "nice dress " * 20_000), "models read the first",
         box="info", types_review=True),
    Case("mostly unknown words", REVIEWS, lambda at: type_review(at, "zxqv blorf quibbly snarfle wuzzle plimf"),
         "understand English shop reviews", box="warning", types_review=True),
    # Chinese is read by the multilingual model; the RNN cards say they read English only.
    Case("non-Latin script", REVIEWS, lambda at: type_review(at, "这件衣服质量很差，我不推荐。"),
         "reads English only", box="info", types_review=True),
    Case("emoji only", REVIEWS, lambda at: type_review(at, "😍😍😍🔥🔥"), "understand English shop reviews",
         box="warning", types_review=True),
    # Review CSV files.
    Case("CSV without a text column", REVIEWS, lambda at: upload_reviews(at, "n.csv", b"id,stars\n1,5\n2,1\n"),
         "No column of the CSV holds text"),
    Case("empty review CSV", REVIEWS, lambda at: upload_reviews(at, "e.csv", b""), "The file is empty"),
    Case("header-only review CSV", REVIEWS, lambda at: upload_reviews(at, "h.csv", b"review\n"), "no rows"),
    Case("binary file as review CSV", REVIEWS, lambda at: upload_reviews(at, "b.csv", bytes(range(256)) * 8),
         "save it as UTF-8 CSV"),
]


def boxes(at, box: str) -> list[str]:
    return [shown_text(element.value) for element in getattr(at, box)]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_gets_a_message_and_keeps_other_work(case):
    at = open_app(RECOMMEND)
    edit_ratings(at, {0: {KEPT_RATING[0]: KEPT_RATING[1]}})
    if case.page != RECOMMEND:
        at.switch_page(case.page).run()
    if case.page == IMAGES:
        at.segmented_control(key="vision_model").set_value("SeedCNN").run()
    if case.page == REVIEWS:
        type_review(at, KEPT_REVIEW)

    case.feed(at)

    assert not at.exception, at.exception[0].message if at.exception else ""
    shown = boxes(at, case.box)
    assert any(case.message in text for text in shown), f"{case.message!r} not in {case.box} boxes: {shown}"
    if case.keeps_edit:
        assert at.session_state["recsys_table"].loc[0, KEPT_RATING[0]] == KEPT_RATING[1]
    if case.page == IMAGES:
        assert at.segmented_control(key="vision_model").value == "SeedCNN"
    if case.page == REVIEWS and not case.types_review:
        assert at.text_area(key="review_text").value == KEPT_REVIEW


def test_the_matrix_covers_at_least_thirty_cases_on_every_page():
    assert len(CASES) >= 30
    assert {case.page for case in CASES} == {RECOMMEND, IMAGES, REVIEWS}

"""The review shadings are HTML built from user text: every word and title is escaped."""

from shopdl_core.text.encoder.sentiment import Attribution
from shopdl_core.ui.text import attribution_html


def test_attribution_html_escapes_every_unit():
    attack = ['<img src=x onerror="alert(1)"> ', "nice ", "<script>alert(2)</script>"]
    shown = attribution_html(Attribution(units=attack, scores=[0.5, 1.0, -0.8]))
    assert "<img" not in shown and "<script" not in shown
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in shown and "&lt;script&gt;" in shown

"""Translations: the .po reader and compiler, language choice, and catalogue coverage."""

import gettext
import io
import threading

import pytest

from shopdl_core import i18n
from shopdl_core.i18n import _, pgettext
from shopdl_core.ui.demos import DEMOS


def test_po_round_trip_through_pythons_gettext():
    po = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
          '# a comment\nmsgctxt "colour"\nmsgid "navy"\nmsgstr "藏青色"\n\n'
          'msgid "Two "\n"lines \\"quoted\\""\nmsgstr "两行"\n')
    messages = i18n.read_po(po)
    assert messages["colour\x04navy"] == "藏青色" and messages['Two lines "quoted"'] == "两行"
    catalogue = gettext.GNUTranslations(io.BytesIO(i18n.compile_po(messages)))
    assert catalogue.pgettext("colour", "navy") == "藏青色"
    assert catalogue.gettext('Two lines "quoted"') == "两行"
    assert catalogue.gettext("not there") == "not there"
    with pytest.raises(ValueError):
        i18n.read_po('msgid "a"\nnonsense\n')


@pytest.mark.parametrize("requested, locale, expected", [
    ("zh", None, "zh"), ("en", "zh-CN", "en"), (None, "zh-CN", "zh"), (None, "zh_TW", "zh"), (None, "de-DE", "en"),
    ("fr", "zh-CN", "en"), ("<script>", None, "en"), (None, None, "en"), ("", "zh", "zh"),
])
def test_language_from_the_link_then_the_browser_then_english(requested, locale, expected):
    assert i18n.resolve_language(requested, locale) == expected


def test_language_is_per_thread():
    seen = {}

    def run(language):
        i18n.set_language(language)
        seen[language] = _("Shop")

    threads = [threading.Thread(target=run, args=(lang,)) for lang in ("zh", "en")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"zh": "商店", "en": "Shop"}
    assert i18n.current_language() == "en"  # this thread never set one


def test_a_lazy_message_is_translated_when_shown_in_the_language_of_that_run():
    # the loading messages of the cache decorators are made once, at import, in no language;
    # Streamlit turns them into text (str()) when it shows the spinner
    message = i18n.L_("Loading the image model…")
    assert isinstance(message, str)
    i18n.set_language("zh")
    try:
        assert str(message) == "正在加载图像模型…"
    finally:
        i18n.set_language("en")
    assert str(message) == "Loading the image model…"
    assert "Loading the image model…" in i18n.source_messages(i18n.project_sources())


def test_every_message_in_the_catalogue_has_its_chinese():
    messages = i18n.read_po(i18n.po_path("zh").read_text(encoding="utf-8"))
    empty = [key for key, value in messages.items() if key and not value.strip()]
    assert not empty
    assert len(messages) > 150


def test_every_message_the_source_asks_for_is_translated():
    wanted = i18n.source_messages(i18n.project_sources())
    assert "Recommended for you" in wanted and "Fit and size" in wanted  # _() and N_() calls
    assert i18n.missing_translations("zh", wanted) == []


def test_messages_shown_from_data_are_translated():
    """Demo titles and summaries, model-card metric names and training data, review classes and
    the catalogue's words (the parts of product names): passed to _() or pgettext() as data."""
    from shopdl_core.shop.catalogue import shop_products
    from shopdl_core.shop.reviews import REVIEW_CLASSES, SOURCE
    from shopdl_core.ui.common import model_statuses

    wanted = {text for demo in DEMOS for text in (demo.title, demo.summary)}
    wanted |= {name for classes in REVIEW_CLASSES.values() for name in classes} | {SOURCE}
    for product in shop_products():
        wanted |= {f"colour\x04{product.colour}", f"line\x04{product.line}", f"kind\x04{product.kind}",
                   f"kind name\x04{product.kind}", f"department\x04{product.department}",
                   f"copy\x04{'I' * product.copy}"} - {"copy\x04I"}
    for status in model_statuses():
        wanted |= {status.headline_name, status.trained_on} - {""}
    assert i18n.missing_translations("zh", wanted) == []


def test_placeholders_survive_translation():
    import re

    messages = i18n.read_po(i18n.po_path("zh").read_text(encoding="utf-8"))
    for key, value in messages.items():
        assert sorted(re.findall(r"\{[^}]*\}", key)) == sorted(re.findall(r"\{[^}]*\}", value)), key


def test_chinese_names_and_english_display_forms():
    i18n.set_language("zh")
    try:
        assert pgettext("colour", "navy") == "藏青色" and _("Shop") == "商店"
    finally:
        i18n.set_language("en")
    assert pgettext("colour", "navy") == "Navy" and pgettext("kind name", "outwear") == "Jacket"

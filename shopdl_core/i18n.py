"""Translations: gettext catalogues in ``locales/<lang>/LC_MESSAGES/shopdl.po``, read with Python's
``gettext``.

The ``.po`` files are the source (edit them, no build step): ``compile_po`` turns one into the
binary ``.mo`` form in memory when it is first needed, and ``gettext.GNUTranslations`` reads
that. The language of the current script run is a context variable: Streamlit runs each
session's script in its own thread, and app.py sets it at the top of every run, so two
sessions in two languages never see each other's.

Use in a page or module: ``from shopdl_core.i18n import _`` then ``st.header(_("Reviews"))``;
for a short word that means different things, ``pgettext("colour", "navy")``.
"""

from __future__ import annotations

import ast
import gettext
import io
import struct
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

LANGUAGES = {"en": "English", "zh": "中文"}
DEFAULT_LANGUAGE = "en"
DOMAIN = "shopdl"
LOCALES_DIR = Path(__file__).resolve().parent / "locales"
_CONTEXT_SEPARATOR = "\x04"  # how gettext joins msgctxt and msgid in a .mo key

_language: ContextVar[str] = ContextVar("shopdl_language", default=DEFAULT_LANGUAGE)


def po_path(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_po(text: str) -> dict[str, str]:
    """The messages of a .po file: {msgid, or msgctxt + "\\x04" + msgid: msgstr}, the header
    under "". Only what this project's files use: msgctxt, msgid, msgstr, multi-line strings
    and comments (no plurals)."""
    messages: dict[str, str] = {}
    entry: dict[str, str] = {}
    field = None

    def finish() -> None:
        if "msgid" in entry and "msgstr" in entry:
            key = entry["msgid"]
            if "msgctxt" in entry:
                key = entry["msgctxt"] + _CONTEXT_SEPARATOR + key
            messages[key] = entry["msgstr"]
        entry.clear()

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            if not line:
                finish()
                field = None
            continue
        keyword, _space, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid", "msgstr"):
            if keyword == "msgctxt" or (keyword == "msgid" and "msgstr" in entry):
                finish()
            field, line = keyword, rest
        if field is None or not line.startswith('"'):
            raise ValueError(f"line {number} of the .po file is not a msgctxt, msgid or msgstr: {raw!r}")
        entry[field] = entry.get(field, "") + ast.literal_eval(line)
    finish()
    return messages


def compile_po(messages: dict[str, str]) -> bytes:
    """The GNU .mo bytes of ``messages`` (the format gettext.GNUTranslations reads): a header,
    then a table of (length, offset) for the sorted keys, one for their translations, the strings."""
    keys = sorted(messages)
    ids = [key.encode("utf-8") for key in keys]
    strs = [messages[key].encode("utf-8") for key in keys]
    header_size = 7 * 4
    tables_size = 2 * 8 * len(keys)
    offset = header_size + tables_size
    id_table, str_table, blob = [], [], b""
    for data, table in [(item, id_table) for item in ids] + [(item, str_table) for item in strs]:
        table.append((len(data), offset + len(blob)))
        blob += data + b"\0"
    out = struct.pack("<7I", 0x950412DE, 0, len(keys), header_size, header_size + 8 * len(keys), 0, 0)
    for length, start in id_table + str_table:
        out += struct.pack("<2I", length, start)
    return out + blob


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue of ``language``. English is the source language: its catalogue holds only
    the display forms of the catalogue's words (pgettext("colour", "navy") -> "Navy")."""
    if language not in LANGUAGES:
        return gettext.NullTranslations()
    messages = read_po(po_path(language).read_text(encoding="utf-8"))
    return gettext.GNUTranslations(io.BytesIO(compile_po(messages)))


def resolve_language(requested: object = None, browser_locale: object = None) -> str:
    """The language to show: ``?lang=`` when given (an unknown one means English), else the
    browser's (``"zh-CN"`` -> ``"zh"``) when we have it, else English."""
    if isinstance(requested, str) and requested.strip():
        return _language_code(requested) or DEFAULT_LANGUAGE
    return _language_code(browser_locale) or DEFAULT_LANGUAGE


def _language_code(tag: object) -> str | None:
    if not isinstance(tag, str):
        return None
    code = tag.strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else None


def set_language(language: str) -> None:
    """Set the language of this script run (this thread); unknown codes mean English."""
    _language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def current_language() -> str:
    return _language.get()


def _(message: str) -> str:
    return translations(current_language()).gettext(message)


def pgettext(context: str, message: str) -> str:
    return translations(current_language()).pgettext(context, message)


def N_(message: str) -> str:
    """Marks a message for the catalogue where it is defined; ``_()`` translates it where shown."""
    return message


class _LazyMessage(str):
    """A message that is translated each time it is turned into text (``str()``), in the
    language of the run that shows it. For texts fixed where a function is defined, such as the
    loading message of a cache decorator, which Streamlit turns into text only when it shows it."""

    def __str__(self) -> str:
        return _(str.__str__(self))


def L_(message: str) -> str:
    """Marks a message for the catalogue and translates it lazily: see ``_LazyMessage``."""
    return _LazyMessage(message)


def source_messages(paths: list[Path]) -> set[str]:
    """The catalogue keys the source files ask for: the literal arguments of ``_()``, ``N_()``,
    ``L_()`` and ``pgettext()`` calls (what a .po file must hold), found by parsing, not by running."""
    found = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            literals = [arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
            if node.func.id in ("_", "N_", "L_") and len(literals) == 1 == len(node.args):
                found.add(literals[0])
            elif node.func.id == "pgettext" and len(literals) == 2 == len(node.args):
                found.add(literals[0] + _CONTEXT_SEPARATOR + literals[1])
    return found


def project_sources() -> list[Path]:
    """The files whose messages the catalogues must hold: app.py, the pages and the package."""
    root = LOCALES_DIR.parent.parent
    return [root / "app.py", *sorted((root / "app_pages").glob("*.py")), *sorted(LOCALES_DIR.parent.rglob("*.py"))]


def missing_translations(language: str, wanted: set[str]) -> list[str]:
    """The keys of ``wanted`` with no (or an empty) translation in ``language``'s .po file."""
    messages = read_po(po_path(language).read_text(encoding="utf-8"))
    return sorted(key for key in wanted if not messages.get(key))


def main() -> int:
    """Print the messages the source asks for that the Chinese catalogue lacks; exit 1 if any."""
    missing = missing_translations("zh", source_messages(project_sources()))
    for key in missing:
        print(key.replace(_CONTEXT_SEPARATOR, " | "))
    print(f"{len(missing)} message(s) without a Chinese translation")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())

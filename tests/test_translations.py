"""Every text the pages show has its Norwegian, the compiled catalogs match their sources, and no page shows
text that bypasses the catalog (issue 12: a test fails if any UI string has no translation)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from i18n.catalog import catalog_path, compiled, extract, translated
from tests.conftest import ROOT

PAGE_CODE = [ROOT / "app.py", *sorted((ROOT / "views").glob("*.py"))]
# Streamlit calls whose first argument (or label/help/placeholder) a reader sees.
SHOWN = {
    "markdown",
    "caption",
    "info",
    "warning",
    "error",
    "success",
    "title",
    "header",
    "subheader",
    "metric",
    "button",
    "download_button",
    "selectbox",
    "multiselect",
    "radio",
    "slider",
    "number_input",
    "text_input",
    "segmented_control",
    "expander",
    "tabs",
    "page_link",
    "toggle",
    "checkbox",
    "file_uploader",
    "date_input",
    "status",
    "toast",
    "write",
    "spinner",
}
WORDS = re.compile(r"[A-Za-zÆØÅæøå]{2,}")
TRANSLATING = {"t", "tn", "gettext", "ngettext", "g", "N_"}


def test_every_text_of_the_pages_has_its_norwegian():
    catalog = read_po(catalog_path("nb").open("rb"))
    wanted = {message.id for message in extract("messages") if message.id}
    missing = [message.id for message in catalog if message.id in wanted and not translated(message)]
    absent = [text for text in wanted if catalog.get(text) is None]
    assert missing == [] and absent == [], "run `python -m i18n.catalog` and translate what it lists"


@pytest.mark.parametrize("domain", ["messages", "engine"])
def test_compiled_catalogs_match_their_sources(domain):
    assert catalog_path("nb", "mo", domain).read_bytes() == compiled(catalog_path("nb", domain=domain)), (
        "run `python -m i18n.catalog` to compile"
    )


ICON = re.compile(r":material/[a-z_]+:")


def _literal_words(node) -> str | None:
    """Literal text with words in it (an icon code is not a word)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if WORDS.search(ICON.sub("", node.value)) else None
    if isinstance(node, ast.JoinedStr):
        text = "".join(part.value for part in node.values if isinstance(part, ast.Constant))
        return text if WORDS.search(ICON.sub("", text)) else None
    if isinstance(node, ast.BinOp):
        return _literal_words(node.left) or _literal_words(node.right)
    return None


def _calls(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            yield name, node


@pytest.mark.parametrize("path", PAGE_CODE, ids=lambda p: p.name)
def test_pages_show_no_text_that_bypasses_the_catalog(path):
    bypassing = []
    for name, call in _calls(path):
        if name in SHOWN:
            shown = call.args[:1] + [k.value for k in call.keywords if k.arg in {"label", "help", "placeholder"}]
            bypassing += [f"line {call.lineno}: {text!r}" for arg in shown if (text := _literal_words(arg))]
    assert bypassing == []


@pytest.mark.parametrize("path", [*PAGE_CODE, *sorted((ROOT / "i18n").glob("*.py"))], ids=lambda p: p.name)
def test_templates_are_given_to_the_catalog_whole(path):
    """t(f"...") would put a filled-in sentence in the catalog's place: never found, never translated."""
    formatted = [
        call.lineno
        for name, call in _calls(path)
        if name in TRANSLATING and call.args and isinstance(call.args[0], ast.JoinedStr)
    ]
    assert formatted == []


@pytest.mark.parametrize("path", [*PAGE_CODE, *sorted((ROOT / "exports").glob("*.py"))], ids=lambda p: p.name)
def test_no_text_is_translated_inside_an_f_string(path):
    """Babel can't see a t("...") inside an f-string's braces (Python 3.11): its text never reaches the catalog."""
    hidden = [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.JoinedStr)
        for part in ast.walk(node)
        if isinstance(part, ast.Call)
        and getattr(part.func, "id", getattr(part.func, "attr", None)) in TRANSLATING
        and part.args
        and isinstance(part.args[0], ast.Constant)
    ]
    assert hidden == []

"""Keep the catalogs in step with the code: `python -m i18n.catalog` extracts, merges and compiles.

Babel's own steps (pybabel extract, update, compile) with this project's keywords and paths, so nobody has
to remember them; tests/test_translations.py uses `extract()` to find text without a translation.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from i18n import DEFAULT_LANGUAGE, LANGUAGES, LOCALE_DIR

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"t": None, "tn": (1, 2), "g": None, "gettext": None, "ngettext": (1, 2), "N_": None}
WIDTH = 120


def _method_map() -> list[tuple[str, str]]:
    """babel.cfg's sections as (pattern, method) pairs."""
    sections = [
        line.strip()[1:-1] for line in (ROOT / "babel.cfg").read_text().splitlines() if line.strip().startswith("[")
    ]
    return [(pattern.strip(), method.strip()) for method, pattern in (s.split(":", 1) for s in sections)]


# Which code's text goes to which catalog: the engine's sentences apart from the pages' words.
DOMAIN_OF = {
    "messages": lambda path: not path.startswith("metrics/"),
    "engine": lambda path: path.startswith("metrics/"),
}


def extract(domain: str = "messages") -> Catalog:
    """Every translatable text of `domain` in the code, as a template catalog."""
    template = Catalog(project="sales-activity", fuzzy=False)
    for path, _line, message, comments, context in extract_from_dir(
        str(ROOT), _method_map(), keywords=KEYWORDS, comment_tags=("Translators:",)
    ):
        if DOMAIN_OF[domain](path.replace("\\", "/")):
            template.add(message, None, [], auto_comments=comments, context=context)
    return template


def catalog_path(code: str, suffix: str = "po", domain: str = "messages") -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{domain}.{suffix}"


def compiled(path: Path) -> bytes:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def translated(message) -> bool:
    """Whether a catalog entry has its translation (every plural form, for a plural one)."""
    if isinstance(message.string, str):
        return bool(message.string)
    return bool(message.string) and all(message.string)


def main() -> None:
    for domain in DOMAIN_OF:
        update(domain)


def update(domain: str) -> None:
    template = extract(domain)
    for code in LANGUAGES:
        if code == DEFAULT_LANGUAGE:
            continue
        path = catalog_path(code, domain=domain)
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = read_po(path.open("rb"), locale=code) if path.exists() else Catalog(locale=code)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()  # text no page uses any more is not kept
        with path.open("wb") as handle:
            write_po(handle, catalog, width=WIDTH, omit_header=False, no_location=True)
        catalog_path(code, "mo", domain).write_bytes(compiled(path))
        missing = [m.id for m in catalog if m.id and not translated(m)]
        print(f"{code} {domain}: {len(catalog)} texts, {len(missing)} without a translation")
        for message in missing[:20]:
            print("   ", message if isinstance(message, str) else message[0])


if __name__ == "__main__":
    main()

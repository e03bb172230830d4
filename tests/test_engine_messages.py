"""The engine's sentences: every one a template in the catalog with its Norwegian, said whole in one language."""

import ast
import string

import pandas as pd
import pytest
from babel.messages.pofile import read_po

from i18n import catalog, language
from metrics import sandbox
from metrics.errors import InputError, error_message
from metrics.filters import scope
from metrics.findings import insights
from metrics.ingest import Upload, load, quality_report, read_tables, reason_message, said_reasons, validate_mapping
from metrics.scenarios import SCENARIOS
from metrics.sharing.view import SharedView, decode, encode
from metrics.text import Message, listing, message_data, message_of
from tests.conftest import ROOT

NB, EN = language("nb"), language("en")
TODAY = pd.Timestamp("2026-06-30")
ENGLISH_WORDS = (" the ", " and ", " of ", " but ", " with ", " against ", " could ", " which ", " rows ", " about ")


def engine_po():
    with catalog.catalog_path("nb", domain="engine").open("rb") as handle:
        return read_po(handle)


def fields(template: str) -> list[tuple[str, str]]:
    return sorted((name, spec) for _, name, spec, _ in string.Formatter().parse(template) if name is not None)


def norwegian(text: str) -> bool:
    return not any(word in f" {text} " for word in ENGLISH_WORDS)


def spaced(text: str) -> str:
    """Babel's Norwegian separates thousands and percent signs with no-break spaces; plain ones read the same."""
    return text.replace("\xa0", " ")


# ------------------------------------------------------------------------------------------------- catalog


def test_every_engine_text_has_its_norwegian():
    translated = {m.id for m in engine_po() if m.id and catalog.translated(m)}
    assert [m.id for m in catalog.extract("engine") if m.id and m.id not in translated] == []


def test_a_translation_keeps_every_value_and_its_kind():
    assert [m.id for m in engine_po() if m.id and m.string and fields(m.id) != fields(m.string)] == []


def _template_calls():
    for path in sorted((ROOT / "metrics").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args:
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
                if name in {"InputError", "Message", "N_", "ShareTooLarge", "StoreFull", "_Refused"}:
                    yield path.relative_to(ROOT), node.lineno, node.args[0]


def test_no_template_has_a_value_formatted_into_it():
    formatted = [
        (str(path), line)
        for path, line, template in _template_calls()
        if isinstance(template, (ast.JoinedStr, ast.BinOp))
        or isinstance(template, ast.Call)
        and getattr(template.func, "attr", None) == "format"
    ]
    assert formatted == []


# ------------------------------------------------------------------------------------------ how it is said


def test_a_message_inside_a_message_and_a_list_are_said_in_the_same_language():
    roles = listing([Message("date"), Message("activity type")])
    message = Message("Missing for an activity log: {roles}.", {"roles": roles})
    assert (EN.render(message), NB.render(message)) == (
        "Missing for an activity log: date and activity type.",
        "Mangler for en aktivitetslogg: dato og aktivitetstype.",
    )


@pytest.mark.parametrize(
    "kind, value, english, norwegian_text",
    [
        ("percent.0", 0.456, "46%", "46 %"),
        ("number.3", 0.0123, "0.012", "0,012"),
        ("lower", "Customers acquired", "customers acquired", "nye kunder"),
        ("or", [Message("status"), Message("stage")], "status or stage", "status eller fase"),
        ("list", ["a", "b"], "a; b", "a; b"),
    ],
)
def test_each_kind_is_written_in_the_languages_way(kind, value, english, norwegian_text):
    message = Message("{value:" + kind + "}", {"value": value})
    assert (EN.render(message), spaced(NB.render(message)), str(message)) == (english, norwegian_text, english)


def test_a_message_survives_json_as_it_travels():
    message = Message("{source}: {note}", {"source": "a.csv", "note": Message("{n:count} rows", {"n": 3})})
    assert message_of(message_data(message)) == message
    assert message_of("Plain text from a link saved before messages") == "Plain text from a link saved before messages"


def test_a_shared_link_saved_with_plain_warnings_still_opens():
    view = SharedView.of(load([Upload("log.csv", b"Date,Rep,Activity type\n2026-01-05,Kari,Call\n")], today=TODAY), {})
    columns = encode(view)
    columns["summary"] = '{"tables": [], "warnings": ["log.csv: an old warning"], "notes": []}'
    opened = decode(columns)
    assert (opened.warnings, NB.render(opened.warnings[0])) == (["log.csv: an old warning"], "log.csv: an old warning")


@pytest.mark.parametrize("template", ["{x:>999999999}", "{x.__class__}", "{x!r}", "{0}"])
def test_a_worker_can_send_no_message_the_engine_never_writes(template):
    with pytest.raises(ValueError):
        sandbox.checked(Message(template, {"x": "a"}))


def test_a_worker_may_send_the_messages_the_engine_writes():
    message = Message(
        "{sheet} has a cell below row {last:count}.", {"sheet": Message("Sheet '{name}'", {"name": "A"}), "last": 5}
    )
    assert sandbox.checked(message) is message


# ---------------------------------------------------------------------------------------- real sentences


def error_of(name: str, content: bytes) -> InputError:
    with pytest.raises(InputError) as raised:
        read_tables(name, content)
    return raised.value


def loaded_error(name: str, text: str) -> InputError:
    [error] = load([Upload(name, text.encode())], today=TODAY).errors
    return error


def mapping_error(content: bytes) -> InputError:
    with pytest.raises(InputError) as raised:
        validate_mapping(content)
    return raised.value


ERRORS = {
    "empty": (
        lambda: error_of("log.csv", b""),
        "The file is empty. Export it again and upload the new file.",
        "Filen er tom. Eksporter den på nytt og last opp den nye filen.",
    ),
    "pdf": (
        lambda: error_of("log.xlsx", b"%PDF-1.7 ..."),
        "This is not a spreadsheet: it is a PDF document. Upload an .xlsx or .csv file.",
        "Dette er ikke et regneark, men et PDF-dokument. Last opp en .xlsx- eller .csv-fil.",
    ),
    "every row lost": (
        lambda: loaded_error("log.csv", "Date,Rep,Activity type\nsoon,Kari,Call\nlater,Ola,Call\n"),
        "None of its 2 rows could be used (2 unparseable date), so it was left out. Check on the Data "
        "page which column was taken for each role, or export the file again.",
        "Ingen av de 2 radene kunne brukes (uleselig dato: 2), så tabellen ble holdt utenfor. Sjekk på "
        "Data-siden hvilken kolonne som ble brukt til hver rolle, eller eksporter filen på nytt.",
    ),
    "no known columns": (
        lambda: loaded_error("notes.csv", "Colour,Size\nred,3\n"),
        "No known table was recognised in its columns (recognised: nothing). Missing for an activity "
        "log: rep, date and activity type. Missing for a deals table: rep and status, stage, won with "
        "amount or converted flag.",
        "Ingen kjent tabell ble gjenkjent i kolonnene (gjenkjent: ingenting). Mangler for en "
        "aktivitetslogg: selger, dato og aktivitetstype. Mangler for en avtaletabell: selger og "
        "status, fase, vunnet med beløp eller konvertert-flagg.",
    ),
    "mapping": (
        lambda: mapping_error(b'{"statuses": {"Kontrakt": "maybe"}}'),
        "This mapping file can't be used: the status for 'Kontrakt' should be won, lost or open, not 'maybe'. "
        "Save a new one on the Data page.",
        "Denne koblingsfilen kan ikke brukes: statusen for 'Kontrakt' skal være won, lost eller open, ikke "
        "'maybe'. Lagre en ny på Data-siden.",
    ),
    "json": (
        lambda: mapping_error(b"{not json"),
        "This is not a mapping file: it is not valid JSON (it goes wrong at line 1, column 2). Upload the .json "
        "file the Data page saved.",
        "Dette er ikke en koblingsfil: den er ikke gyldig JSON (feilen er på linje 1, kolonne 2). Last opp "
        ".json-filen som Data-siden lagret.",
    ),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_an_error_reads_as_today_in_english_and_wholly_in_norwegian(case):
    make, english, norwegian_text = ERRORS[case]
    error = make()
    assert EN.render(error.message).startswith(english) and str(error.message).startswith(english)
    said = spaced(NB.render(error.message))
    assert said.startswith(norwegian_text) and norwegian(said), said


def test_an_error_names_its_file_in_either_language():
    error = error_of("log.csv", b"")
    assert (str(error), NB.render(error_message(error))) == (
        "log.csv: The file is empty. Export it again and upload the new file.",
        "log.csv: Filen er tom. Eksporter den på nytt og last opp den nye filen.",
    )


def test_the_quality_report_keeps_each_values_reason_apart_and_says_it_in_either_language():
    text = "Uke;Selger;Samtaler\nuke 7;Kari;10\nuke 52;Kari;12\nuke 8;Kari;9\n"
    report = quality_report(load([Upload("ark.csv", text.encode())], today=pd.Timestamp("2026-03-01")))
    assumed = "week or month without a year (assumed {year}, the latest that fits)"
    assert report[["reason", "detail", "rows"]].values.tolist() == [
        [assumed, '{"year": 2026}', 2],
        [assumed, '{"year": 2025}', 1],
    ]
    assert [NB.render(reason_message(r, d)) for r, d in zip(report["reason"], report["detail"])] == [
        "uke eller måned uten år (antok 2026, det seneste som passer)",
        "uke eller måned uten år (antok 2025, det seneste som passer)",
    ]
    said = said_reasons(report, EN.render)
    assert "detail" not in said and said["reason"].tolist() == [
        "week or month without a year (assumed 2026, the latest that fits)",
        "week or month without a year (assumed 2025, the latest that fits)",
    ]


@pytest.fixture(scope="module")
def sample_findings():
    found = {}
    for key, scenario in SCENARIOS.items():
        path = ROOT / "sample_data" / f"{key}.xlsx"
        dataset = load([Upload(path.name, path.read_bytes())])
        found[key] = insights(scope(dataset, scenario), scenario, limit=100).findings
    return found


def test_the_samples_give_every_kind_of_finding_but_teams(sample_findings):
    kinds = {finding.kind for findings in sample_findings.values() for finding in findings}
    assert kinds >= {"flagged", "what_if", "period", "activity_type", "satisfaction", "efficient"}


def test_every_finding_is_said_wholly_in_norwegian(sample_findings):
    said = [NB.render(finding.message) for findings in sample_findings.values() for finding in findings]
    assert said and [text for text in said if not norwegian(text)] == []


def test_a_finding_reads_the_same_in_english_and_in_plain_text(sample_findings):
    findings = [finding for found in sample_findings.values() for finding in found]
    assert [f.text for f in findings if EN.render(f.message) != f.text] == []


def test_a_flagged_finding_in_norwegian(sample_findings):
    [finding] = [f for f in sample_findings["agency"] if f.rep == "Omar Farouk" and f.kind == "flagged"]
    assert spaced(NB.render(finding.message)) == (
        "Omar Farouk hadde 2,4× så mange aktiviteter som teamets median (770 mot 328), men konverterte 1,4 % mot "
        "teamets 4,4 %. Omar Farouk taper mest mellom presentasjon og kunde vunnet (27 % mot teamets 55 %)."
    )

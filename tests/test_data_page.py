"""AppTest of the Data page: changing a column, assigning values, saving and loading a mapping, bad files."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, app_test
from tests.screen import visible

FIXTURES = ROOT / "tests" / "fixtures"
LOG = (
    "Dato;Selger;Ansvarlig;Aktivitet\n"
    + "".join(
        f"{d:02d}.01.2026;{seller};Per Berg;{kind}\n"
        for d in range(1, 11)
        for seller in ("Kari", "Ola")
        for kind in ("Samtale", "Kaffeprat")
    )
).encode()


def app_with(*files: tuple[str, bytes]) -> AppTest:
    return app_test(*files, page="views/data.py")


def clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def picker(at: AppTest, starts: str):
    return next(s for s in at.selectbox if s.label.startswith(starts))


def rep_options(at: AppTest) -> list[str]:
    return next(m for m in at.sidebar.multiselect if m.key.startswith("reps-")).options


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_data_page_shows_each_role_with_its_column_and_confidence():
    at = app_with(("log.csv", LOG))
    mapping = next(d.value for d in at.dataframe if "role" in d.value.columns)
    assert dict(zip(mapping["role"], mapping["column"]))["rep"] == "Selger"
    assert dict(zip(mapping["role"], mapping["confidence"]))["rep"] == 1.0
    rep = picker(at, "Rep (")
    assert rep.value == "Selger" and rep.label == "Rep (100% sure)"
    assert "— not used —" in rep.options and "Ansvarlig" in rep.options


def test_changing_the_rep_column_changes_what_the_whole_app_computes():
    at = app_with(("log.csv", LOG))
    assert rep_options(at) == ["Kari", "Ola"]
    picker(at, "Rep (").set_value("Ansvarlig").run()
    clean(at)
    assert at.session_state["mapping"]["columns"] == {"log.csv": {"rep": "Ansvarlig"}}
    assert picker(at, "Rep (").label == "Rep (your choice)"
    assert rep_options(at) == ["Per Berg"]
    at.switch_page("views/activity.py").run()
    clean(at)
    assert set(at.dataframe[0].value["rep"]) == {"Per Berg"}


def test_assigning_an_unknown_activity_type_and_leaving_one_out():
    at = app_with(("log.csv", LOG))
    kaffe = picker(at, "“Kaffeprat”")
    assert kaffe.label == "“Kaffeprat” (20 activities)" and kaffe.value == "— keep as its own type —"
    kaffe.set_value("follow_up").run()
    clean(at)
    assert at.session_state["mapping"]["activity_types"] == {"Kaffeprat": "follow_up"}
    scoped = at.session_state["_view"].analysis.scoped.activities
    assert scoped["activity_type"].value_counts().to_dict() == {"call": 20, "follow_up": 20}
    picker(at, "“Kaffeprat”").set_value("— not a sales activity: leave out —").run()
    clean(at)
    assert at.session_state["mapping"]["activity_types"] == {"Kaffeprat": None}
    at.switch_page("views/overview.py").run()
    assert metric(at, "Activities") == "20"


def test_assigning_an_unknown_status():
    deals = (
        b"Rep;Status;Amount;Close date\n"
        b"Kari;Kontrakt sendt;100;05.01.2026\nOla;Lost;50;06.01.2026\nPer;Won;70;07.01.2026\n"
    )
    at = app_with(("deals.csv", deals))
    status = picker(at, "“Kontrakt sendt”")
    assert status.value == "— count as open —"
    status.set_value("won").run()
    clean(at)
    assert at.session_state["_view"].dataset.outcomes["status"].tolist() == ["won", "lost", "won"]


def test_loading_a_saved_mapping_file():
    at = app_with(("log.csv", LOG))
    saved = {
        "version": 1,
        "columns": {"log.csv": {"rep": "Ansvarlig"}},
        "statuses": {},
        "activity_types": {"Kaffeprat": "demo"},
    }
    at.file_uploader(key="mapping_file").set_value(
        ("mapping.json", json.dumps(saved).encode(), "application/json")
    ).run()
    clean(at)
    assert at.session_state["mapping"]["columns"] == {"log.csv": {"rep": "Ansvarlig"}}
    assert rep_options(at) == ["Per Berg"]
    assert picker(at, "“Kaffeprat”").value == "demo"


def test_a_bad_mapping_file_gets_an_error_and_the_page_keeps_working():
    at = app_with(("log.csv", LOG))
    at.file_uploader(key="mapping_file").set_value(
        ("notes.json", b'{"statuses": {"x": "maybe"}}', "application/json")
    ).run()
    clean(at)
    assert any("notes.json" in visible(e.value) and "won, lost or open" in visible(e.value) for e in at.error)
    assert at.session_state["mapping"] == {}
    assert rep_options(at) == ["Kari", "Ola"]


def test_quality_report_by_reason_with_rows_to_download():
    at = app_with(("quality_log.csv", (FIXTURES / "quality_log.csv").read_bytes()))
    reasons = at.dataframe[0].value
    assert dict(zip(reasons["reason"], reasons["rows"])) == {
        "no rep": 1,
        "no date": 1,
        "unparseable date": 1,
        "date in the future (planned, not done)": 1,
        "duplicate row": 1,
    }
    assert picker(at, "Rows behind").options[1:] == reasons["reason"].tolist()


def test_a_file_with_unknown_headers_can_be_mapped_on_the_data_page():
    odd = ("Når;Hvem;Hva\n" + "".join(f"{d:02d}.01.2026;Kari;Call\n" for d in range(1, 6))).encode()
    at = app_with(("odd.csv", odd))
    assert any("odd.csv" in visible(w.value) for w in at.warning)
    picker(at, "Date (").set_value("Når").run()
    picker(at, "Rep (").set_value("Hvem").run()
    picker(at, "Activity type (").set_value("Hva").run()
    clean(at)
    assert not at.session_state["_view"].is_sample
    assert metric(at, "Rows used") == "5"


@pytest.mark.parametrize(
    "name",
    [
        "empty.csv",
        "header_only.csv",
        "header_only.xlsx",
        "not_a_spreadsheet.csv",
        "encrypted.xlsx",
        "legacy.xls",
        "truncated.xlsx",
        "no_known_columns.csv",
    ],
)
def test_each_bad_file_gets_an_error_naming_it_and_the_app_keeps_working(name):
    at = app_with((name, (FIXTURES / name).read_bytes()), ("log.csv", LOG))
    assert any(name in visible(e.value) for e in at.error)
    assert metric(at, "Rows read") == "40"
    at.switch_page("views/overview.py").run()
    clean(at)
    assert metric(at, "Activities") == "40"


def test_templates_for_the_scenario_are_offered():
    at = app_with(("log.csv", LOG))
    labels = [b.label for b in at.get("download_button")]
    assert {"Activity log", "Deals table", "Rep × period summary", "Roster"} <= set(labels)


def test_a_change_on_the_data_page_reads_no_bytes_again(monkeypatch):
    """Issue 9: the mapping re-ingests the raw tables already read; the file is read once, in the sandbox."""
    from metrics import sandbox

    reads = []
    real_read = sandbox.read
    monkeypatch.setattr(
        sandbox, "read", lambda upload, progress=None: reads.append(upload.name) or real_read(upload, progress)
    )
    at = app_with(("log.csv", LOG))
    picker(at, "Rep (").set_value("Ansvarlig").run()
    picker(at, "“Kaffeprat”").set_value("demo").run()
    clean(at)
    assert rep_options(at) == ["Per Berg"]
    assert reads == ["log.csv"]

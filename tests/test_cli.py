import json
import subprocess
import sys

import openpyxl
import pytest

from metrics.__main__ import main
from tests.conftest import ROOT

QUADRANTS = {
    "high_activity_low_performance",
    "high_activity_high_performance",
    "low_activity_high_performance",
    "low_activity_low_performance",
}


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "metrics", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_json_shape_on_the_sample():
    result = run_cli("analyze", "sample_data/consultancy.xlsx", "--scenario", "consultancy", "--format", "json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["scenario"] == "consultancy"
    assert set(payload["rows"]) == {"read", "used", "dropped"}
    assert payload["rows"]["read"] == payload["rows"]["used"] + payload["rows"]["dropped"]
    rep = payload["reps"][0]
    assert {"rep", "team", "activities", "won", "revenue", "conversion", "quadrant", "flagged"} <= set(rep)
    assert all(r["quadrant"] in QUADRANTS for r in payload["reps"])
    assert sorted(r["rep"] for r in payload["reps"] if r["flagged"]) == ["Jonas Bakken", "Kristian Vik"]


def test_real_maven_data_with_roster(maven_pipeline, capsys):
    assert (
        main(["analyze", str(maven_pipeline), str(maven_pipeline.parent / "sales_teams.csv"), "--format", "json"]) == 0
    )
    payload = json.loads(capsys.readouterr().out)
    assert payload["rows"] == {"read": 8835, "used": 8335, "dropped": 500}
    darcel = next(r for r in payload["reps"] if r["rep"] == "Darcel Schlecht")
    # Hand count from the CSV: 349 won, 204 lost; won ÷ (won + lost).
    assert (darcel["won"], darcel["conversion"]) == (349, pytest.approx(349 / 553))
    assert darcel["team"] == "Melvin Marxen"  # sales_teams.csv: his manager, as there is no team column


def test_csv_and_xlsx_formats(tmp_path, capsys):
    assert main(["analyze", str(ROOT / "sample_data/startup.xlsx"), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[0].lstrip("\ufeff").startswith("rep,team,activities")
    target = tmp_path / "report.xlsx"
    assert main(["analyze", str(ROOT / "sample_data/startup.xlsx"), "--format", "xlsx", "-o", str(target)]) == 0
    # The dashboard's own Excel report, for scheduled reports.
    assert openpyxl.load_workbook(target).sheetnames == ["Summary", "Reps", "Leaks", "Activity mix", "Trends", "Charts"]


def test_the_reports_in_norwegian_and_as_pdf(tmp_path):
    from pypdf import PdfReader

    workbook, pdf = tmp_path / "rapport.xlsx", tmp_path / "sammendrag.pdf"
    startup = str(ROOT / "sample_data/startup.xlsx")
    assert main(["analyze", startup, "--format", "xlsx", "--lang", "nb", "--currency", "NOK", "-o", str(workbook)]) == 0
    assert openpyxl.load_workbook(workbook).sheetnames[:2] == ["Sammendrag", "Selgere"]
    assert main(["analyze", startup, "--format", "pdf", "-o", str(pdf)]) == 0
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Lars Johansen" in text and len(PdfReader(pdf).pages) == 2


def test_a_report_format_without_an_output_file_says_so(capsys):
    assert main(["analyze", str(ROOT / "sample_data/startup.xlsx"), "--format", "pdf"]) == 2
    assert "--format pdf needs --output FILE.pdf" in capsys.readouterr().err


def test_unusable_file_exits_with_a_message(tmp_path):
    bad = tmp_path / "notes.csv"
    bad.write_text("Colour,Size\nred,3\n")
    result = run_cli("analyze", str(bad))
    assert result.returncode == 2
    assert "notes.csv" in result.stderr and "Traceback" not in result.stderr


def test_json_carries_findings_expected_revenue_and_leak_stages(capsys):
    assert main(["analyze", str(ROOT / "sample_data/agency.xlsx"), "--scenario", "agency"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["findings"] and all(isinstance(text, str) for text in payload["findings"])
    assert payload["findings"][0].startswith("Omar Farouk made")
    for rep in payload["reps"]:
        assert rep["expected_revenue"] is not None
        assert rep["gap"] == pytest.approx(rep["revenue"] - rep["expected_revenue"])
        assert (rep["leak_stage"] is not None) == rep["flagged"]
    flagged = [r for r in payload["reps"] if r["flagged"]]
    assert {r["leak_stage"] for r in flagged} == {"Presentation → Client won"}
    assert payload["what_if"]["extra_won"] > 0


PLANNED_TASKS = "ActivityDate,OwnerId,Type,Status\n2026-01-05,U1,Call,Not Started\n2026-01-06,U1,Email,Not Started\n"
GOOD_LOG = "Date,Rep,Activity type\n2026-01-05,Kari,Call\n2026-01-06,Ola,Email\n"


def write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_file_of_planned_tasks_only_exits_non_zero_with_the_reason(tmp_path, capsys):
    assert main(["analyze", write(tmp_path, "Task.csv", PLANNED_TASKS)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: Task.csv: None of its 2 activities can be counted as effort")


def test_when_every_file_fails_the_cli_reports_every_files_error(tmp_path, capsys):
    files = [write(tmp_path, "Task.csv", PLANNED_TASKS), write(tmp_path, "notes.csv", "Colour,Size\nred,3\n")]
    assert main(["analyze", *files]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(":")[:2] for line in lines] == [["error", " Task.csv"], ["error", " notes.csv"]]


def test_a_file_lost_beside_a_good_one_is_an_error_and_the_report_is_still_written(tmp_path, capsys):
    files = [write(tmp_path, "log.csv", GOOD_LOG), write(tmp_path, "Task.csv", PLANNED_TASKS)]
    assert main(["analyze", *files, "--format", "json"]) == 1
    captured = capsys.readouterr()
    assert [r["rep"] for r in json.loads(captured.out)["reps"]] == ["Kari", "Ola"]
    assert "error: Task.csv: None of its 2 activities" in captured.err


def test_a_roster_alone_is_never_a_report_of_zero_reps(tmp_path, capsys):
    assert main(["analyze", write(tmp_path, "roster.csv", "Rep,Team\nKari,Mid\n")]) == 2
    assert "nothing to analyse" in capsys.readouterr().err


def test_lang_nb_writes_the_findings_in_norwegian(capsys):
    assert main(["analyze", str(ROOT / "sample_data/agency.xlsx"), "--scenario", "agency", "--lang", "nb"]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert findings[0].startswith("Omar Farouk hadde 2,4× så mange aktiviteter som teamets median (770 mot 328)")
    assert not any(" the " in text or " and " in text for text in findings)


@pytest.mark.parametrize(
    "lang, said",
    [
        ("en", "error: Task.csv: None of its 2 activities can be counted as effort, as none of them was done"),
        ("nb", "error: Task.csv: Ingen av de 2 aktivitetene kan telles som innsats, fordi ingen av dem er utført"),
    ],
)
def test_errors_on_standard_error_are_in_the_chosen_language(tmp_path, capsys, lang, said):
    assert main(["analyze", write(tmp_path, "Task.csv", PLANNED_TASKS), "--lang", lang]) == 2
    assert capsys.readouterr().err.startswith(said)

import json
import subprocess
import sys

import openpyxl
import pytest

from metrics.__main__ import main
from tests.conftest import ROOT

QUADRANTS = {"high_activity_low_performance", "high_activity_high_performance", "low_activity_high_performance",
             "low_activity_low_performance"}


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "metrics", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


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
    assert main(["analyze", str(maven_pipeline), str(maven_pipeline.parent / "sales_teams.csv"),
                 "--format", "json"]) == 0
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
    assert openpyxl.load_workbook(target).sheetnames == ["Reps"]


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

import pandas as pd
import pytest

from metrics.parsing import parse_amounts, parse_dates, parse_periods, parse_statuses, status_of


@pytest.mark.parametrize("values, expected", [
    (["2025-01-05", "2025-12-31"], ["2025-01-05", "2025-12-31"]),
    (["05.02.2025", "31.12.2025"], ["2025-02-05", "2025-12-31"]),
    (["13/01/2025", "02/03/2025"], ["2025-01-13", "2025-03-02"]),  # 13 can only be a day: the column is day-first
    (["01/13/2025", "02/03/2025"], ["2025-01-13", "2025-02-03"]),  # 13 can only be a day: month-first
    (["45631", "45632"], ["2024-12-05", "2024-12-06"]),  # Excel serials, as Pipedrive exports them
    ([45631.0, 45632.0], ["2024-12-05", "2024-12-06"]),
    (["2025-03-04T10:30:00", "2025-03-05 08:00"], ["2025-03-04 10:30", "2025-03-05 08:00"]),
])
def test_parse_dates(values, expected):
    parsed = parse_dates(pd.Series(values, dtype=object))
    assert parsed.tolist() == [pd.Timestamp(e) for e in expected]


def test_parse_dates_leaves_garbage_and_blanks_missing():
    parsed = parse_dates(pd.Series(["2025-01-05", "soon", None], dtype=object))
    assert parsed.iloc[0] == pd.Timestamp("2025-01-05")
    assert parsed.iloc[1:].isna().all()


def test_parse_dates_keeps_datetimes():
    values = pd.Series(pd.to_datetime(["2025-01-05", None]))
    assert parse_dates(values).iloc[0] == pd.Timestamp("2025-01-05")


@pytest.mark.parametrize("values, expected", [
    (["1 234,50 kr", "12,5"], [1234.5, 12.5]),
    (["NOK 12.345,00", "1.000,5"], [12345.0, 1000.5]),
    (["$1,200", "2,000,000"], [1200.0, 2000000.0]),
    (["(500)", "€ 75"], [-500.0, 75.0]),
    (["1\u00a0000", "2 500"], [1000.0, 2500.0]),
    ([1.5, 2], [1.5, 2.0]),
])
def test_parse_amounts(values, expected):
    assert parse_amounts(pd.Series(values, dtype=object)).tolist() == expected


def test_parse_amounts_marks_unparseable_missing():
    parsed = parse_amounts(pd.Series(["12", "twelve", None], dtype=object))
    assert parsed.iloc[0] == 12.0
    assert parsed.iloc[1:].isna().all()


@pytest.mark.parametrize("text, status", [
    ("Won", "won"), ("Closed Won", "won"), ("closedwon", "won"), ("Vunnet", "won"), ("TRUE", "won"),
    ("Lost", "lost"), ("Closed Lost", "lost"), ("Tapt", "lost"),
    ("Open", "open"), ("Engaging", None), ("", None), (None, None),
])
def test_status_of(text, status):
    assert status_of(text) == status


def test_parse_statuses_maps_every_row():
    assert parse_statuses(pd.Series(["Won", "Lost", "Won", None])).tolist() == ["won", "lost", "won", pd.NA]


@pytest.mark.parametrize("label, start", [
    ("2025-W07", "2025-02-10"), ("uke 7 2025", "2025-02-10"), ("jan 2025", "2025-01-01"),
    ("2025-03", "2025-03-01"), ("mars 2025", "2025-03-01"), ("2025-04-01", "2025-04-01"),
])
def test_parse_periods(label, start):
    assert parse_periods(pd.Series([label])).iloc[0] == pd.Timestamp(start)

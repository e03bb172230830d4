import pandas as pd
import pytest

from metrics.ingest.values import (
    lacks_year,
    parse_amounts,
    parse_dates,
    parse_done,
    parse_periods,
    parse_statuses,
    status_of,
    year_for_periods,
)


@pytest.mark.parametrize(
    "values, expected",
    [
        (["2025-01-05", "2025-12-31"], ["2025-01-05", "2025-12-31"]),
        (["05.02.2025", "31.12.2025"], ["2025-02-05", "2025-12-31"]),
        (["13/01/2025", "02/03/2025"], ["2025-01-13", "2025-03-02"]),  # 13 can only be a day: the column is day-first
        (["01/13/2025", "02/03/2025"], ["2025-01-13", "2025-02-03"]),  # 13 can only be a day: month-first
        (["45631", "45632"], ["2024-12-05", "2024-12-06"]),  # Excel serials, as Pipedrive exports them
        ([45631.0, 45632.0], ["2024-12-05", "2024-12-06"]),
        (["2025-03-04T10:30:00", "2025-03-05 08:00"], ["2025-03-04 10:30", "2025-03-05 08:00"]),
    ],
)
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


@pytest.mark.parametrize(
    "values, expected",
    [
        (["1 234,50 kr", "12,5"], [1234.5, 12.5]),
        (["NOK 12.345,00", "1.000,5"], [12345.0, 1000.5]),
        (["$1,200", "2,000,000"], [1200.0, 2000000.0]),
        (["(500)", "€ 75"], [-500.0, 75.0]),
        (["1\u00a0000", "2 500"], [1000.0, 2500.0]),
        ([1.5, 2], [1.5, 2.0]),
    ],
)
def test_parse_amounts(values, expected):
    assert parse_amounts(pd.Series(values, dtype=object)).tolist() == expected


def test_parse_amounts_marks_unparseable_missing():
    parsed = parse_amounts(pd.Series(["12", "twelve", None], dtype=object))
    assert parsed.iloc[0] == 12.0
    assert parsed.iloc[1:].isna().all()


@pytest.mark.parametrize(
    "text, status",
    [
        ("Won", "won"),
        ("Closed Won", "won"),
        ("closedwon", "won"),
        ("Vunnet", "won"),
        ("TRUE", "won"),
        ("Lost", "lost"),
        ("Closed Lost", "lost"),
        ("Tapt", "lost"),
        ("Open", "open"),
        ("Engaging", None),
        ("", None),
        (None, None),
    ],
)
def test_status_of(text, status):
    assert status_of(text) == status


def test_parse_statuses_maps_every_row():
    assert parse_statuses(pd.Series(["Won", "Lost", "Won", None])).tolist() == ["won", "lost", "won", pd.NA]


@pytest.mark.parametrize(
    "label, start",
    [
        ("2025-W07", "2025-02-10"),
        ("uke 7 2025", "2025-02-10"),
        ("jan 2025", "2025-01-01"),
        ("2025-03", "2025-03-01"),
        ("mars 2025", "2025-03-01"),
        ("2025-04-01", "2025-04-01"),
    ],
)
def test_parse_periods(label, start):
    assert parse_periods(pd.Series([label])).iloc[0] == pd.Timestamp(start)


@pytest.mark.parametrize(
    "values, expected",
    [
        (["03/04/2025", "12/11/2025"], ["2025-04-03", "2025-11-12"]),  # nothing over 12: day-first, as in Norway
        (["03/04/2025", "12/31/2025"], ["2025-03-04", "2025-12-31"]),  # 31 can only be a day: the whole column flips
        (["05.01.2026 14:30", "06.01.2026 09:05"], ["2026-01-05 14:30", "2026-01-06 09:05"]),
        (["1/5/2026 2:30 PM", "1/13/2026 9:00 AM"], ["2026-01-05 14:30", "2026-01-13 09:00"]),
        (["5. januar 2025", "17 mai 2025"], ["2025-01-05", "2025-05-17"]),
        (["2025-03-04T10:30:00+01:00", "2025-03-05T10:30:00+02:00"], ["2025-03-04 09:30", "2025-03-05 08:30"]),
        (["05.01.26", "31.12.25"], ["2026-01-05", "2025-12-31"]),
    ],
)
def test_parse_dates_decides_the_format_per_column(values, expected):
    assert parse_dates(pd.Series(values)).tolist() == [pd.Timestamp(e) for e in expected]


def test_parse_dates_rejects_impossible_dates():
    assert parse_dates(pd.Series(["31.02.2026", "2026-02-30"])).isna().all()


def test_parse_dates_reads_serial_numbers_in_a_numeric_column():
    assert parse_dates(pd.Series([45631.0, None])).iloc[0] == pd.Timestamp("2024-12-05")


@pytest.mark.parametrize(
    "values, expected",
    [
        (["1.234,50", "99,90"], [1234.5, 99.9]),  # '.' thousands, ',' decimals
        (["1,234.50", "99.90"], [1234.5, 99.9]),  # ',' thousands, '.' decimals
        (["1.000.000", "250"], [1000000.0, 250.0]),
        (["-1 234,50", "1 234,50-"], [-1234.5, -1234.5]),
        (["(1 234,50 kr)", "kr 1 234,-"], [-1234.5, 1234.0]),
        (["−500", "12 %"], [-500.0, 12.0]),  # a typographic minus sign
        (["1.000", "2,5"], [1000.0, 2.5]),  # the column's decimal comma says the dot is a thousands mark
        (["NOK1234", "€1.234,5"], [1234.0, 1234.5]),
    ],
)
def test_parse_amounts_separators_and_currencies(values, expected):
    assert parse_amounts(pd.Series(values)).tolist() == expected


@pytest.mark.parametrize("hint, expected", [(None, [1.5, 2.25]), (True, [1500.0, 2250.0])])
def test_ambiguous_thousands_follow_the_files_hint(hint, expected):
    # Only '1.500' and '2.250': a semicolon CSV (decimal-comma country) means thousands, otherwise decimals.
    assert parse_amounts(pd.Series(["1.500", "2.250"]), decimal_comma=hint).tolist() == expected


def test_user_status_choices_win_over_the_built_in_words():
    parsed = parse_statuses(pd.Series(["Kontrakt sendt", "Won", "Vunnet"]), {"kontrakt sendt": "won", "Won": "lost"})
    assert parsed.tolist() == ["won", "lost", "won"]


@pytest.mark.parametrize(
    "text, done",
    [
        ("Done", True),
        ("Yes", True),
        ("Utført", True),
        ("To do", False),
        ("Not done", False),
        ("Nei", False),
        ("maybe", None),
    ],
)
def test_parse_done(text, done):
    result = parse_done(pd.Series([text])).iloc[0]
    assert (None if result is pd.NA else bool(result)) == done


@pytest.mark.parametrize(
    "label, start",
    [
        ("2025W07", "2025-02-10"),
        ("Uke 07/2025", "2025-02-10"),
        ("W7 2025", "2025-02-10"),
        ("2025 uke 7", "2025-02-10"),
        ("Jan-25", "2025-01-01"),
        ("januar 2025", "2025-01-01"),
        ("des 2025", "2025-12-01"),
        ("03.2025", "2025-03-01"),
    ],
)
def test_parse_periods_more_spellings(label, start):
    assert parse_periods(pd.Series([label])).iloc[0] == pd.Timestamp(start)


@pytest.mark.parametrize(
    "label, kind, start",
    [
        ("uke 7", None, "2025-02-10"),
        ("W07", None, "2025-02-10"),
        ("7", "week", "2025-02-10"),
        ("jan", None, "2025-01-01"),
        ("3", "month", "2025-03-01"),
    ],
)
def test_periods_without_a_year_take_the_given_year(label, kind, start):
    values = pd.Series([label])
    assert lacks_year(values, kind).iloc[0]
    assert parse_periods(values, kind).isna().iloc[0]
    assert parse_periods(values, kind, year=pd.Series([2025])).iloc[0] == pd.Timestamp(start)


def test_year_for_periods_is_the_latest_year_the_period_has_begun():
    years = year_for_periods(pd.Series(["uke 7", "uke 52", "jan", "des"]), None, pd.Timestamp("2026-03-01"))
    assert years.tolist() == [2026, 2025, 2026, 2025]


@pytest.mark.parametrize(
    "values, expected",
    [
        (["20210101", "20211231"], ["2021-01-01", "2021-12-31"]),  # yyyymmdd, as text
        ([20210101, 20211231], ["2021-01-01", "2021-12-31"]),  # and as integers
        (["2022-04-05T12:39:49.000+0000", "2022-04-05"], ["2022-04-05 12:39:49", "2022-04-05"]),  # ISO with a time
        (["2024-01-05T09:30:00Z", "2024-01-05 09:30"], ["2024-01-05 09:30", "2024-01-05 09:30"]),
        (["3/14/2024 9:05", "12/1/2024 13:30"], ["2024-03-14 09:05", "2024-12-01 13:30"]),  # m/d/yyyy h:mm
        (["02/24/26", "02/23/26 08:55 PM"], ["2026-02-24", "2026-02-23 20:55"]),  # Excel's mm/dd/yy
        (["5-1-2024", "13-2-2024"], ["2024-01-05", "2024-02-13"]),  # d-m-yyyy with one-digit parts
    ],
)
def test_parse_dates_in_crm_and_warehouse_formats(values, expected):
    assert parse_dates(pd.Series(values)).tolist() == [pd.Timestamp(e) for e in expected]


@pytest.mark.parametrize("values", [["20210230"], ["0053F00000D3CCNQA3"], ["True", "False"]])
def test_what_is_no_date_stays_missing(values):
    assert parse_dates(pd.Series(values, dtype=object)).isna().all()


def test_a_created_by_id_column_is_never_a_date():
    from metrics.ingest import Upload, load

    text = "Rep,Status,Amount,created_by_id,created_date\nKari,Won,10,20210105,2026-01-05\n"
    dataset = load([Upload("deals.csv", text.encode())], today=pd.Timestamp("2026-06-30"))
    assert dataset.tables[0].recognition.column("created") == "created_date"
    assert dataset.outcomes["date"].tolist() == [pd.Timestamp("2026-01-05")]

"""Activity logs."""

import pandas as pd
import pytest

from metrics.ingest import Upload, load
from tests.ingest.helpers import ACTIVITY_CSV, TODAY, csv_bytes, english_reasons, problems_of


def test_activity_log_rows_and_reasons():
    dataset = load([Upload("log.csv", csv_bytes(ACTIVITY_CSV))], today=TODAY)
    assert dataset.errors == []
    assert dataset.activities[["rep", "activity_type", "deal_id"]].astype(object).where(
        dataset.activities[["rep", "activity_type", "deal_id"]].notna(), None
    ).values.tolist() == [["Kari", "Call", "D1"], ["Kari", "Demo", "D1"], ["Ola", "Email", None]]
    reasons = dataset.problems.groupby("reason")["row"].apply(list).to_dict()
    assert reasons == {
        "no date": [5],
        "no rep": [6],
        "total row, not data": [7],
        "date in the future (planned, not done)": [8],
    }
    assert (dataset.rows_read, dataset.rows_used, dataset.rows_dropped) == (7, 3, 4)


@pytest.mark.parametrize(
    "raw, key",
    [
        ("Ringt", "call"),
        ("Call", "call"),
        ("Phone call", "call"),
        ("CALL", "call"),
        ("Telefonsamtale", "call"),
        ("E-post", "email"),
        ("INCOMING_EMAIL", "email"),
        ("Produktdemo", "demo"),
        ("Oppfølging", "follow_up"),
    ],
)
def test_activity_texts_are_named_in_the_scenarios_words(raw, key):
    from metrics.filters import scope
    from metrics.scenarios import SCENARIOS

    dataset = load([Upload("log.csv", f"Date,Rep,Activity type\n2026-01-05,Kari,{raw}\n".encode())], today=TODAY)
    assert scope(dataset, SCENARIOS["startup"]).activities["activity_type"].tolist() == [key]


# --------------------------------------------------------------------------------- planned is not effort


def problems_by_reason(dataset) -> dict[str, int]:
    return english_reasons(dataset.problems).value_counts().to_dict()


@pytest.mark.parametrize(
    "header, values, reasons",
    [
        # Salesforce tasks: only Completed is done
        (
            "Status",
            ["Completed", "Not Started", "Open", "In Progress", "On Hold", "Waiting on someone else", "Deferred"],
            {
                "planned, not done (Status is 'Not Started')": 1,
                "planned, not done (Status is 'Open')": 1,
                "planned, not done (Status is 'In Progress')": 1,
                "planned, not done (Status is 'On Hold')": 1,
                "planned, not done (Status is 'Waiting on someone else')": 1,
                "planned, not done (Status is 'Deferred')": 1,
            },
        ),
        # HubSpot's task status
        (
            "Task Status",
            ["COMPLETED", "NOT_STARTED", "WAITING"],
            {"planned, not done (Task Status is 'NOT_STARTED')": 1, "planned, not done (Task Status is 'WAITING')": 1},
        ),
        # Pipedrive's Done flag
        ("Activity - Done", ["1", "0", "0"], {"planned, not done (Activity - Done is '0')": 2}),
    ],
)
def test_planned_activities_are_left_out_and_counted_by_reason(header, values, reasons):
    text = f"Date,Rep,Type,{header}\n" + "".join(f"2026-01-0{n},Kari,Call,{v}\n" for n, v in enumerate(values, 1))
    dataset = load([Upload("tasks.csv", text.encode())], today=TODAY)
    assert len(dataset.activities) == 1
    assert problems_by_reason(dataset) == reasons


def test_a_blank_activity_type_is_taken_from_the_next_column_that_names_one():
    text = (
        "ActivityDate,OwnerId,Type,TaskSubtype,Status\n2026-01-05,U1,Call,Task,Completed\n"
        "2026-01-06,U1,,Task,Completed\n2026-01-07,U1,,,Completed\n"
    )
    dataset = load([Upload("Task.csv", text.encode())], today=TODAY)
    assert dataset.activities["activity_type"].tolist() == ["Call", "Task"]
    assert problems_by_reason(dataset) == {"no activity type": 1}


# -------------------------------------------------------------- an activity log that carries its deals' status

LOG_WITH_DEALS = """Date,Rep,Activity type,Deal ID,Deal status,Amount
2026-01-05,Kari,Call,D1,Open,500
2026-01-08,Kari,Demo,D1,Won,500
2026-01-09,Kari,Email,D1,Won,500
2026-01-05,Ola,Call,D2,Open,n/a
2026-01-07,Ola,Call,D2,Lost,-50
2026-01-06,Ola,Call,D3,Open,200
2026-01-06,Ola,Call,,Won,90
"""


def test_an_activity_log_with_deal_status_and_amount_gives_each_deal_once():
    dataset = load([Upload("log.csv", LOG_WITH_DEALS.encode())], today=TODAY)
    assert len(dataset.activities) == 7
    deals = dataset.outcomes.set_index("deal_id")
    assert deals[["rep", "status", "amount", "revenue"]].astype(object).where(deals.notna(), None).to_dict("index") == {
        "D1": {"rep": "Kari", "status": "won", "amount": 500.0, "revenue": 500.0},
        "D2": {"rep": "Ola", "status": "lost", "amount": None, "revenue": 0.0},
        "D3": {"rep": "Ola", "status": "open", "amount": 200.0, "revenue": 0.0},
    }
    assert deals["date"].tolist() == [pd.Timestamp(d) for d in ("2026-01-09", "2026-01-07", "2026-01-06")]


def test_the_amounts_and_deal_rows_an_activity_log_cannot_use_are_in_the_quality_report():
    dataset = load([Upload("log.csv", LOG_WITH_DEALS.encode())], today=TODAY)
    assert problems_of(dataset) == {
        ("unparseable amount (left out of the deal's amount)", "repaired"): [5],
        ("negative amount (left out of the deal's amount)", "repaired"): [6],
        ("deal status on an activity with no deal id (not used as a deal)", "warning"): [8],
    }


def test_without_a_deal_id_the_log_says_plainly_that_its_status_and_amount_are_not_used():
    text = "Date,Rep,Activity type,Deal status,Amount\n2026-01-05,Kari,Call,Won,500\n2026-01-06,Kari,Demo,Lost,50\n"
    dataset = load([Upload("log.csv", text.encode())], today=TODAY)
    [table] = dataset.tables
    assert (table.shape, len(dataset.activities), len(dataset.outcomes)) == ("activities", 2, 0)
    assert {role: str(why) for role, why in table.unused_roles.items()} == {
        "status": "not used: no deal id",
        "amount": "not used: no deal id",
    }
    assert str(table.notes[0]).startswith("'Deal status', 'Amount' are not used: the rows name no deal")
    assert str(dataset.warnings[0]).startswith("log.csv: the deal status and amount on its rows")


def test_deals_a_deals_table_gives_are_not_counted_again_from_the_log():
    deals = "Deal ID,Rep,Status,Amount,Close date\nD1,Kari,Won,800,2026-01-10\n"
    dataset = load([Upload("log.csv", LOG_WITH_DEALS.encode()), Upload("deals.csv", deals.encode())], today=TODAY)
    amounts = dataset.outcomes.set_index("deal_id")["amount"]
    assert amounts.astype(object).where(amounts.notna(), None).to_dict() == {"D1": 800.0, "D2": None, "D3": 200.0}
    log = next(t for t in dataset.tables if t.source == "log.csv")
    assert (
        str(log.notes[-1]) == "1 of the deals its rows carry are in a deals table too; they are counted from "
        "the deals table, once."
    )

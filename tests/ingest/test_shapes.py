"""Which kind of table a table is, and what it lacks to be one."""

import pytest

from metrics.ingest import Upload, load
from metrics.ingest.recognition import recognise
from metrics.ingest.shapes import classify
from tests.ingest.helpers import TODAY


@pytest.mark.parametrize(
    "headers, shape",
    [
        (["Date", "Rep", "Activity type"], "activities"),
        (["Rep", "Status", "Amount"], "deals"),
        (["Month", "Rep", "Calls", "Demos", "Won deals", "Revenue"], "summary"),
        (["Rep", "Team", "Target"], "roster"),
        (["sales_agent", "manager", "regional_office"], "roster"),
        (["Colour", "Size"], None),
    ],
)
def test_classify(headers, shape):
    assert classify(recognise(headers)) == shape


ROLE_SETS = [
    "rep",
    "date",
    "activity_type",
    "status",
    "stage",
    "won",
    "amount",
    "period",
    "revenue",
    "team",
    "manager",
    "region",
    "target",
    "closed",
    "created",
    "deal_id",
]


@pytest.mark.parametrize("seed", range(40))
def test_a_table_is_unused_exactly_when_every_shape_lacks_a_role(seed):
    import random

    from metrics.ingest import missing_roles
    from metrics.ingest.recognition import ColumnMatch, Recognition

    chooser = random.Random(seed)
    roles = chooser.sample(ROLE_SETS, chooser.randint(0, 6))
    recognition = Recognition(
        roles={r: ColumnMatch(r, r, 1.0) for r in roles},
        activity_columns={"Calls": "call"} if chooser.random() < 0.3 else {},
    )
    lacking = missing_roles(recognition)
    assert (classify(recognition) is None) == all(lacking.values()), (roles, lacking)
    if classify(recognition) is not None:
        assert lacking[classify(recognition)] == []


def test_missing_roles_are_named():
    dataset = load([Upload("people.csv", b"Selger,Favourite colour\nKari,red\n")], today=TODAY)
    [error] = dataset.errors
    assert (
        "Missing for a deals table: status, stage, won with amount or converted flag. Missing for a roster: team"
        in str(error.message)
    )
    assert "template" in str(error.message) and "Data page" in str(error.message)


@pytest.mark.parametrize(
    "headers, shape, alternative",
    [
        # A stage or status with an amount or a won flag is a deals table; a bare 'Type' and 'Date' don't outweigh it.
        (["Date", "Rep", "Type", "Status", "Amount"], "deals", "activities"),
        (["Deal owner", "Deal Stage", "Amount", "Type", "Last Activity Date", "Closing Date"], "deals", None),
        (["Rep", "Stage", "Amount", "Fiscal Period", "Won"], "deals", None),
        # An activity log whose rows carry their deal's status and amount stays an activity log.
        (["Date", "Rep", "Activity type", "Deal status", "Amount", "Deal ID"], "activities", "deals"),
        (["ActivityDate", "OwnerId", "Type", "Status"], "activities", "deals"),
        # Count columns per activity type make a summary, even beside a status.
        (["Month", "Rep", "Calls", "Demos", "Won", "Status"], "summary", "deals"),
    ],
)
def test_the_strongest_evidence_decides_the_shape_and_the_close_one_is_kept(headers, shape, alternative):
    from metrics.ingest.shapes import decide_shape

    choice = decide_shape(recognise(headers))
    assert (choice.shape, choice.alternative) == (shape, alternative)


def test_the_shape_comes_with_its_reason_and_the_alternatives():
    from metrics.ingest.shapes import decide_shape

    choice = decide_shape(recognise(["Date", "Rep", "Type", "Status", "Amount"]))
    assert str(choice.reason) == "Read as a deals table: each row is a deal: 'Status' as status and 'Amount' as amount."
    assert str(choice.alternative_reason) == (
        "It could also be an activity log (each row is an activity: 'Date' as "
        "date and 'Type' as activity type), but its evidence is weaker."
    )


@pytest.mark.parametrize(
    "headers, shape",
    [
        (["Id", "Name", "Email", "UserRole.Name"], "roster"),  # a CRM's user export
        (["Id", "FirstName", "LastName"], "roster"),
        (["employee_id", "full_name"], "roster"),
        # People with an owner are owned records (leads, contacts), not a roster; without a rep, nothing.
        (["Id", "Name", "OwnerId", "Status", "IsConverted"], "deals"),
        (["Id", "Name", "StageName", "Amount", "CloseDate"], None),
    ],
)
def test_a_table_of_people_with_ids_and_names_is_a_roster(headers, shape):
    assert classify(recognise(headers)) == shape


def test_an_opportunity_export_without_an_owner_lacks_only_the_rep():
    from metrics.ingest import missing_roles

    recognition = recognise(["Id", "Name", "StageName", "Amount", "CloseDate", "IsWon"])
    assert (classify(recognition), missing_roles(recognition)["deals"]) == (None, ["rep"])

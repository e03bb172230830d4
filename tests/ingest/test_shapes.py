"""Which kind of table a table is, and what it lacks to be one."""
import pytest

from metrics.ingest import Upload, load
from metrics.ingest.recognition import recognise
from metrics.ingest.shapes import classify
from tests.ingest.helpers import TODAY


@pytest.mark.parametrize("headers, shape", [
    (["Date", "Rep", "Activity type"], "activities"),
    (["Rep", "Status", "Amount"], "deals"),
    (["Month", "Rep", "Calls", "Demos", "Won deals", "Revenue"], "summary"),
    (["Rep", "Team", "Target"], "roster"),
    (["sales_agent", "manager", "regional_office"], "roster"),
    (["Colour", "Size"], None),
])
def test_classify(headers, shape):
    assert classify(recognise(headers)) == shape


ROLE_SETS = ["rep", "date", "activity_type", "status", "stage", "won", "amount", "period", "revenue", "team",
             "manager", "region", "target", "closed", "created", "deal_id"]


@pytest.mark.parametrize("seed", range(40))
def test_a_table_is_unused_exactly_when_every_shape_lacks_a_role(seed):
    import random

    from metrics.ingest import missing_roles
    from metrics.ingest.recognition import ColumnMatch, Recognition

    chooser = random.Random(seed)
    roles = chooser.sample(ROLE_SETS, chooser.randint(0, 6))
    recognition = Recognition(roles={r: ColumnMatch(r, r, 1.0) for r in roles},
                              activity_columns={"Calls": "call"} if chooser.random() < 0.3 else {})
    lacking = missing_roles(recognition)
    assert (classify(recognition) is None) == all(lacking.values()), (roles, lacking)
    if classify(recognition) is not None:
        assert lacking[classify(recognition)] == []


def test_missing_roles_are_named():
    dataset = load([Upload("people.csv", b"Selger,Favourite colour\nKari,red\n")], today=TODAY)
    [error] = dataset.errors
    assert "Missing for a deals table: status, stage, won with amount or converted flag. Missing for a roster: team" in error.message
    assert "template" in error.message and "Data page" in error.message

"""The user's column choices, and the mapping file that saves them."""

import pytest

from metrics.errors import InputError
from metrics.ingest import Upload, load
from tests.ingest.helpers import TODAY


def test_column_choices_apply_to_the_named_table_and_to_next_weeks_export():
    text = "Dato;Selger;Ansvarlig;Aktivitet\n05.01.2026;Ola;Kari;Samtale\n"
    auto = load([Upload("uke1.csv", text.encode())], today=TODAY)
    assert auto.activities["rep"].tolist() == ["Ola"]
    mapping = {"columns": {"uke1.csv": {"rep": "Ansvarlig"}}}
    assert load([Upload("uke1.csv", text.encode())], mapping, today=TODAY).activities["rep"].tolist() == ["Kari"]
    # The same CRM's export a week later has a new name: the choice still fits its columns.
    assert load([Upload("uke2.csv", text.encode())], mapping, today=TODAY).activities["rep"].tolist() == ["Kari"]
    other = "Dato;Selger;Aktivitet\n05.01.2026;Ola;Samtale\n"
    assert load([Upload("x.csv", other.encode())], mapping, today=TODAY).activities["rep"].tolist() == ["Ola"]


def test_picking_columns_makes_an_unrecognised_file_usable():
    text = "Når,Hvem,Hva\n2026-01-05,Kari,Call\n"
    dataset = load([Upload("odd.csv", text.encode())], today=TODAY)
    [unused] = dataset.unused
    assert unused.shape is None and "date" in str(unused.message) and dataset.errors
    mapping = {"columns": {"odd.csv": {"date": "Når", "rep": "Hvem", "activity_type": "Hva"}}}
    chosen = load([Upload("odd.csv", text.encode())], mapping, today=TODAY)
    assert not chosen.errors and len(chosen.activities) == 1


@pytest.mark.parametrize(
    "raw, words",
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "should hold an object"),
        (b'{"columns": {"a.csv": {"favourite": "X"}}}', "'favourite'"),
        (b'{"statuses": {"Kontrakt": "maybe"}}', "won, lost or open"),
        (b'{"activity_types": {"Kaffe": "coffee"}}', "'coffee'"),
    ],
)
def test_a_bad_mapping_file_says_what_is_wrong(raw, words):
    from metrics.ingest import validate_mapping

    with pytest.raises(InputError) as caught:
        validate_mapping(raw)
    assert words in str(caught.value.message)


def test_mapping_file_round_trip():
    from metrics.ingest import mapping_json, validate_mapping

    mapping = {
        "columns": {"book.xlsx › Log": {"rep": "Selger", "team": None}},
        "statuses": {"Signert": "won"},
        "activity_types": {"Kaffeprat": "follow_up", "Note": None},
    }
    assert validate_mapping(mapping_json(mapping).encode()) == mapping


LOG_OR_DEALS = "Date,Rep,Type,Status,Amount\n2026-01-05,Kari,Call,Won,100\n2026-01-06,Ola,Demo,Lost,50\n"


def test_the_shape_a_table_is_read_as_can_be_switched_to_its_alternative():
    auto = load([Upload("x.csv", LOG_OR_DEALS.encode())], today=TODAY)
    [table] = auto.tables
    assert (table.shape, table.alternative, len(auto.outcomes), len(auto.activities)) == ("deals", "activities", 2, 0)
    switched = load([Upload("x.csv", LOG_OR_DEALS.encode())], {"shapes": {"x.csv": "activities"}}, today=TODAY)
    [table] = switched.tables
    assert (table.shape, table.shape_by_user, table.alternative) == ("activities", True, "deals")
    assert (len(switched.activities), len(switched.outcomes)) == (2, 0)
    assert str(table.reason) == "Read as an activity log: your choice."


def test_a_shape_the_table_lacks_the_columns_for_is_not_forced_on_it():
    dataset = load(
        [Upload("x.csv", b"Rep,Status,Amount\nKari,Won,10\n")], {"shapes": {"x.csv": "activities"}}, today=TODAY
    )
    [error] = dataset.errors
    assert str(error.message).startswith(
        "It can't be read as the kind of table chosen for it on the Data page: it has no date and activity type."
    )


def test_a_saved_shape_round_trips_and_a_wrong_one_is_refused():
    from metrics.ingest import mapping_json, validate_mapping

    mapping = {"columns": {}, "statuses": {}, "activity_types": {}, "shapes": {"book.xlsx › Log": "activities"}}
    assert validate_mapping(mapping_json(mapping).encode()) == mapping
    with pytest.raises(InputError, match="'ledger' .* is not a kind of table"):
        validate_mapping({"shapes": {"x.csv": "ledger"}})

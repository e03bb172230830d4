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
    assert unused.shape is None and "date" in unused.message and dataset.errors
    mapping = {"columns": {"odd.csv": {"date": "Når", "rep": "Hvem", "activity_type": "Hva"}}}
    chosen = load([Upload("odd.csv", text.encode())], mapping, today=TODAY)
    assert not chosen.errors and len(chosen.activities) == 1


@pytest.mark.parametrize("raw, words", [
    (b"{not json", "not valid JSON"),
    (b"[1, 2]", "should hold an object"),
    (b'{"columns": {"a.csv": {"favourite": "X"}}}', "'favourite'"),
    (b'{"statuses": {"Kontrakt": "maybe"}}', "won, lost or open"),
    (b'{"activity_types": {"Kaffe": "coffee"}}', "'coffee'"),
])
def test_a_bad_mapping_file_says_what_is_wrong(raw, words):
    from metrics.ingest import validate_mapping

    with pytest.raises(InputError) as caught:
        validate_mapping(raw)
    assert words in caught.value.message


def test_mapping_file_round_trip():
    from metrics.ingest import mapping_json, validate_mapping

    mapping = {"columns": {"book.xlsx › Log": {"rep": "Selger", "team": None}}, "statuses": {"Signert": "won"},
               "activity_types": {"Kaffeprat": "follow_up", "Note": None}}
    assert validate_mapping(mapping_json(mapping).encode()) == mapping

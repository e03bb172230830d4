"""Activity logs."""
import pytest

from metrics.ingest import Upload, load
from tests.ingest.helpers import ACTIVITY_CSV, TODAY, csv_bytes


def test_activity_log_rows_and_reasons():
    dataset = load([Upload("log.csv", csv_bytes(ACTIVITY_CSV))], today=TODAY)
    assert dataset.errors == []
    assert dataset.activities[["rep", "activity_type", "deal_id"]].astype(object).where(
        dataset.activities[["rep", "activity_type", "deal_id"]].notna(), None).values.tolist() == [
        ["Kari", "Call", "D1"], ["Kari", "Demo", "D1"], ["Ola", "Email", None]]
    reasons = dataset.problems.groupby("reason")["row"].apply(list).to_dict()
    assert reasons == {"no date": [5], "no rep": [6], "total row, not data": [7],
                       "date in the future (planned, not done)": [8]}
    assert (dataset.rows_read, dataset.rows_used, dataset.rows_dropped) == (7, 3, 4)


@pytest.mark.parametrize("raw, key", [("Ringt", "call"), ("Call", "call"), ("Phone call", "call"), ("CALL", "call"),
                                      ("Telefonsamtale", "call"), ("E-post", "email"), ("INCOMING_EMAIL", "email"),
                                      ("Produktdemo", "demo"), ("Oppfølging", "follow_up")])
def test_activity_texts_are_named_in_the_scenarios_words(raw, key):
    from metrics.filters import scope
    from metrics.scenarios import SCENARIOS

    dataset = load([Upload("log.csv", f"Date,Rep,Activity type\n2026-01-05,Kari,{raw}\n".encode())], today=TODAY)
    assert scope(dataset, SCENARIOS["startup"]).activities["activity_type"].tolist() == [key]

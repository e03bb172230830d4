"""What a reader says while it reads: a few fixed phrases with their numbers apart, and nothing else from a worker."""

import pytest

from metrics import sandbox
from metrics.ingest import Upload, preflight, read, xlsx
from metrics.ingest.progress import Step, step_from
from tests.fixtures.make_fixtures import workbook

LOG = [["Date", "Rep", "Activity type"], *[[f"2026-01-{day:02d}", "Kari", "Call"] for day in range(1, 8)]]
CSV = ("Date;Rep;Activity type\n" + "".join(f"0{day}.01.2026;Kari;Call\n" for day in range(1, 6))).encode()


def steps_of(name: str, content: bytes) -> list[Step]:
    said: list[Step] = []
    raw = read(Upload(name, content), progress=said.append)
    assert raw.error is None
    return said


def test_a_workbook_says_it_is_checked_then_each_long_sheet_read(monkeypatch):
    monkeypatch.setattr(preflight, "CHECKED_EVERY_ROWS", 4)  # the log's 8 rows: checked at 4 and 8
    monkeypatch.setattr(xlsx, "SPOKEN_ROWS", 5)  # the log is long, the notes sheet is not
    content = workbook({"Log": LOG, "Notes": [["Exported by the CRM"]]})
    assert steps_of("log.xlsx", content) == [
        "checking the workbook",
        "8 rows checked",
        "reading sheet 'Log'",
        "7 rows read",
    ]


def test_a_short_sheet_is_read_without_a_word():
    assert steps_of("log.xlsx", workbook({"Log": LOG})) == ["checking the workbook"]


def test_a_csv_says_it_is_read_and_how_many_rows():
    assert steps_of("log.csv", CSV) == ["reading the file", "5 rows read"]


def test_a_step_keeps_its_phrase_and_values_apart_from_its_english():
    step = Step("{rows:count} rows read", rows=412_000)
    assert (step, step.message, step.values) == ("412,000 rows read", "{rows:count} rows read", {"rows": 412_000})


def test_a_step_is_said_in_the_users_language():
    from i18n import language

    assert language("nb").render(Step("{rows:count} rows read", rows=412_000).said) == "412\u00a0000 rader lest"


@pytest.mark.parametrize(
    "sent",
    [
        ["{rows:count} rows read", {"rows": 7}],
        ["reading sheet '{sheet}'", {"sheet": "Aktiviteter 2026"}],
    ],
)
def test_a_readers_step_sent_by_a_worker_is_rebuilt(sent):
    step = step_from(sent)
    assert (step.message, step.values) == tuple(sent)


@pytest.mark.parametrize(
    "sent",
    [
        ["{rows:count} rows deleted", {"rows": 7}],  # not a reader's phrase
        ["{rows:count} rows read", {"rows": 7, "extra": 1}],  # values the phrase doesn't have
        ["{rows:count} rows read", {}],
        ["{rows:count} rows read", {"rows": "{0.__class__}"}],  # only numbers for numbers... or short names
        ["reading sheet '{sheet}'", {"sheet": "x" * 257}],
        ["{rows:count} rows read", {"rows": True}],
        ["{rows:count} rows read", [7]],
        "checking the workbook",
    ],
)
def test_anything_else_from_a_worker_is_no_step(sent):
    assert step_from(sent) is None


def test_the_sandbox_passes_a_readers_steps_on_as_steps():
    said: list[Step] = []
    raw = sandbox.read(Upload("log.csv", CSV), progress=said.append)
    assert raw.error is None
    assert said == ["reading the file", "5 rows read"] and all(isinstance(step, Step) for step in said)
    assert said[1].values == {"rows": 5}

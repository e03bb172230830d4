"""AppTest of the Data page's table sections: which kind of table each file was read as and why, the one-click
switch to the close alternative, what the reader noticed, and a table none of whose rows could be used."""

from tests.conftest import app_test
from tests.screen import visible

DATA = "views/data.py"
LOG_OR_DEALS = (
    "Date,Rep,Type,Status,Amount\n"
    + "".join(
        f"2026-01-{day:02d},{rep},Call,{status},100\n"
        for day in range(1, 11)
        for rep, status in (("Kari", "Won"), ("Ola", "Lost"))
    )
).encode()
PLANNED_TASKS = (
    "ActivityDate,OwnerId,Type,Status\n" + "".join(f"2026-01-{day:02d},U1,Call,Not Started\n" for day in range(1, 6))
).encode()


def texts(elements) -> list[str]:
    return [visible(e.value) for e in elements]


def test_each_table_says_what_it_was_read_as_and_why():
    at = app_test(("x.csv", LOG_OR_DEALS), page=DATA)
    assert "**Read as: Deals table**" in texts(at.markdown)
    assert "Read as a deals table: each row is a deal: 'Status' as status and 'Amount' as amount." in texts(at.caption)
    assert any(c.startswith("It could also be an activity log") for c in texts(at.caption))


def test_one_click_reads_the_table_as_its_alternative_and_back():
    at = app_test(("x.csv", LOG_OR_DEALS), page=DATA)
    switch = next(b for b in at.button if b.label == "Read it as an activity log instead")
    switch.click().run()
    assert not at.exception
    assert at.session_state["mapping"]["shapes"] == {"x.csv": "activities"}
    view = at.session_state["_view"]
    assert (len(view.dataset.activities), len(view.dataset.outcomes)) == (20, 0)
    assert "**Read as: Activity log**" in texts(at.markdown)
    back = next(b for b in at.button if b.label == "Read it as a deals table instead")
    back.click().run()
    assert at.session_state["mapping"]["shapes"] == {}
    assert len(at.session_state["_view"].dataset.outcomes) == 20


def test_reps_given_as_ids_are_shown_and_the_page_says_a_roster_would_name_them():
    deals = b"OwnerId,StageName,Amount,CloseDate\nU1,Closed Won,100,2026-01-05\nU2,Closed Lost,50,2026-01-06\n"
    at = app_test(("Opportunity.csv", deals), page=DATA)
    assert any(
        i.startswith("Its reps are user ids ('U1', 'U2'…), shown as they are. Upload your CRM's user export")
        for i in texts(at.info)
    )


def test_a_table_none_of_whose_rows_can_be_used_shows_its_error_and_the_rows_behind_it():
    at = app_test(("Task.csv", PLANNED_TASKS), ("x.csv", LOG_OR_DEALS), page=DATA)
    assert any(
        e.startswith("**Task.csv** — None of its 5 activities can be counted as effort") for e in texts(at.error)
    )
    assert any(
        m.startswith(":material/error: **Why it was left out:** None of its 5 activities") for m in texts(at.markdown)
    )
    assert "Task.csv — Activity log: 0 of 5 rows used" in [visible(e.label) for e in at.expander]
    problems = next(d.value for d in at.dataframe if "reason" in d.value.columns and "ActivityDate" in d.value.columns)
    assert problems["reason"].unique().tolist() == ["planned, not done (Status is 'Not Started')"]

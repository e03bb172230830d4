"""Which column plays which role."""

import pandas as pd
import pytest

from metrics.ingest.recognition import recognise


@pytest.mark.parametrize(
    "headers, expected",
    [
        # HubSpot deals
        (
            [
                "Deal Name",
                "Deal owner",
                "Deal Stage",
                "Amount",
                "Close Date",
                "Create Date",
                "Pipeline",
                "Number of Sales Activities",
            ],
            {
                "rep": "Deal owner",
                "stage": "Deal Stage",
                "amount": "Amount",
                "closed": "Close Date",
                "created": "Create Date",
                "activities_count": "Number of Sales Activities",
                "deal_id": "Deal Name",
            },
        ),
        # Salesforce opportunities
        (
            ["Opportunity Owner", "Stage", "Amount", "Close Date", "Won", "Closed"],
            {
                "rep": "Opportunity Owner",
                "stage": "Stage",
                "amount": "Amount",
                "closed": "Close Date",
                "won": "Won",
                "closed_flag": "Closed",
            },
        ),
        # Salesforce activities
        (
            ["Assigned", "Task Subtype", "Call Result", "Date"],
            {"rep": "Assigned", "activity_type": "Task Subtype", "outcome": "Call Result", "date": "Date"},
        ),
        # Pipedrive, with a hyphen and with an en dash
        (
            ["Activity - Type", "Activity - Due date", "Activity - Done", "Activity - Assigned to user"],
            {
                "activity_type": "Activity - Type",
                "date": "Activity - Due date",
                "done": "Activity - Done",
                "rep": "Activity - Assigned to user",
            },
        ),
        (
            ["Deal – Status", "Deal – Value", "Deal – Owner"],
            {"status": "Deal – Status", "amount": "Deal – Value", "rep": "Deal – Owner"},
        ),
        # Norwegian
        (
            ["Dato", "Selger", "Avdeling", "Aktivitet"],
            {"date": "Dato", "rep": "Selger", "team": "Avdeling", "activity_type": "Aktivitet"},
        ),
        (
            ["Uke", "Selger", "Vunnet", "Omsetning", "Kundetilfredshet"],
            {
                "period": "Uke",
                "rep": "Selger",
                "won": "Vunnet",
                "revenue": "Omsetning",
                "satisfaction": "Kundetilfredshet",
            },
        ),
        # The real Maven CRM export
        (
            [
                "opportunity_id",
                "sales_agent",
                "product",
                "account",
                "deal_stage",
                "engage_date",
                "close_date",
                "close_value",
            ],
            {
                "deal_id": "opportunity_id",
                "rep": "sales_agent",
                "account": "account",
                "stage": "deal_stage",
                "created": "engage_date",
                "closed": "close_date",
                "amount": "close_value",
            },
        ),
    ],
)
def test_recognise_crm_headers(headers, expected):
    recognition = recognise(headers)
    assert {role: match.column for role, match in recognition.roles.items()} == expected


def test_norwegian_activity_count_columns_are_recognised():
    recognition = recognise(["Måned", "Selger", "Samtaler", "E-poster", "Møter", "Demoer", "Tilbud", "Avtaler vunnet"])
    # Which activity each column is depends on the scenario, so the scenario's vocabulary names it later.
    assert set(recognition.activity_columns) == {"Samtaler", "E-poster", "Møter", "Demoer", "Tilbud"}
    assert recognition.column("won") == "Avtaler vunnet"


def test_unrecognised_columns_are_listed():
    assert recognise(["Rep", "Favourite colour"]).unrecognised == ["Favourite colour"]


def test_override_wins_and_none_removes_a_role():
    recognition = recognise(["Owner", "Salesperson", "Date"], {"rep": "Salesperson", "date": None})
    assert recognition.column("rep") == "Salesperson"
    assert recognition.column("date") is None


@pytest.mark.parametrize(
    "headers, expected",
    [
        # A two-row header combined by the reader: the group does not hide the field.
        (
            ["Deal - Owner", "Deal - Amount", "Deal - Stage"],
            {"rep": "Deal - Owner", "amount": "Deal - Amount", "stage": "Deal - Stage"},
        ),
        (
            ["Selger", "Resultater - Vunnet", "Resultater - Omsetning", "Måned"],
            {"rep": "Selger", "won": "Resultater - Vunnet", "revenue": "Resultater - Omsetning", "period": "Måned"},
        ),
        # Pipedrive with an em dash, and its own activity id and due time
        (
            ["Activity — ID", "Activity — Due date", "Activity — Due time", "Activity — Type", "Activity — User"],
            {
                "record_id": "Activity — ID",
                "date": "Activity — Due date",
                "time": "Activity — Due time",
                "activity_type": "Activity — Type",
                "rep": "Activity — User",
            },
        ),
        # HubSpot activities export
        (
            ["Activity date", "Activity type", "Activity assigned to", "Associated Deal", "Call outcome"],
            {
                "date": "Activity date",
                "activity_type": "Activity type",
                "rep": "Activity assigned to",
                "deal_id": "Associated Deal",
                "outcome": "Call outcome",
            },
        ),
        (["Uke", "År", "Selger", "Inntekt"], {"period": "Uke", "year": "År", "rep": "Selger", "revenue": "Inntekt"}),
    ],
)
def test_recognise_grouped_and_crm_headers(headers, expected):
    assert {role: m.column for role, m in recognise(headers).roles.items()} == expected


def test_confidence_says_how_sure_the_match_is():
    roles = recognise(["Selger", "Lead - Value", "Resultater - Vunnet", "Total revenue"]).roles
    assert (
        roles["rep"].confidence,
        roles["amount"].confidence,
        roles["won"].confidence,
        roles["revenue"].confidence,
    ) == (1.0, 0.9, 0.8, 0.6)
    assert not any(m.by_user for m in roles.values())
    assert recognise(["Selger", "Navn"], {"rep": "Navn"}).roles["rep"].by_user


@pytest.mark.parametrize(
    "header, activity",
    [
        ("Activities - Calls", "call"),
        ("Antall samtaler", "call"),
        ("Number of demos", "demo"),
        ("E-poster", "email"),
        ("Aktiviteter › Møter", "meeting"),
        ("Colour", None),
    ],
)
def test_activity_count_columns_under_a_group_or_a_count_word(header, activity):
    from metrics.ingest.recognition import activity_type_of_header

    assert activity_type_of_header(header) == activity


@pytest.mark.parametrize(
    "header, text",
    [
        ("Aktiviteter - Samtaler", "Samtaler"),
        ("Antall samtaler", "samtaler"),
        ("Demoer", "Demoer"),
        ("Kaffeprat", "Kaffeprat"),
    ],
)
def test_activity_text_of_a_count_header(header, text):
    from metrics.ingest.recognition import activity_text_of_header

    assert activity_text_of_header(header) == text


# ------------------------------------------------------------------------- API-name and code-style headers


@pytest.mark.parametrize(
    "header, label",
    [
        ("StageName", "stage name"),
        ("OwnerId", "owner id"),
        ("IsWon", "is won"),
        ("Owner.Name", "owner name"),
        ("Owner.External_Id__c", "owner external id"),
        ("hubspot_owner_id", "hubspot owner id"),
        ("Type__c", "type"),
        ("CreatedById", "created by id"),
        ("URLName", "url name"),
        ("Deal Stage", "deal stage"),
    ],
)
def test_api_names_are_split_into_words(header, label):
    from metrics.ingest.recognition import header_label

    assert header_label(header) == label


@pytest.mark.parametrize(
    "headers, expected",
    [
        # Salesforce Data Loader: API names, the rep an id
        (
            ["Id", "StageName", "CloseDate", "IsWon", "IsClosed", "CreatedDate", "OwnerId", "Amount"],
            {
                "record_id": "Id",
                "stage": "StageName",
                "closed": "CloseDate",
                "won": "IsWon",
                "closed_flag": "IsClosed",
                "created": "CreatedDate",
                "rep": "OwnerId",
                "amount": "Amount",
            },
        ),
        # Salesforce relations and custom fields
        (
            ["Owner.Name", "OwnerId", "What.External_Id__c", "ActivityDate", "TaskSubtype"],
            {
                "rep": "Owner.Name",
                "rep_id": "OwnerId",
                "deal_id": "What.External_Id__c",
                "date": "ActivityDate",
                "activity_type": "TaskSubtype",
            },
        ),
        (
            ["Owner.External_Id__c", "StageName", "Amount"],
            {"rep": "Owner.External_Id__c", "stage": "StageName", "amount": "Amount"},
        ),
        # HubSpot properties
        (
            ["hs_object_id", "dealstage", "closedate", "createdate", "hubspot_owner_id", "amount"],
            {
                "record_id": "hs_object_id",
                "stage": "dealstage",
                "closed": "closedate",
                "created": "createdate",
                "rep": "hubspot_owner_id",
                "amount": "amount",
            },
        ),
        # snake_case warehouse tables
        (
            ["rep_id", "deal_value", "actual_close_date", "expected_close_date", "created_at"],
            {
                "rep": "rep_id",
                "amount": "deal_value",
                "closed": "actual_close_date",
                "expected_close": "expected_close_date",
                "created": "created_at",
            },
        ),
    ],
)
def test_api_name_headers_are_recognised(headers, expected):
    assert {role: m.column for role, m in recognise(headers).roles.items()} == expected


@pytest.mark.parametrize(
    "header",
    [
        "sales_cycle_days",
        "close_date_pushed",
        "created_by_id",
        "Created By",
        "CreatedById",
        "Last Activity Date",
        "Deal - Next activity date",
        "Deal Type",
        "Expected Revenue",
        "AnnualRevenue",
        "Total Amount Currency",
        "HasOpenActivity",
        "Has_Budget__c",
        "LastModifiedById",
        "Lead Source",
        "User Type",
    ],
)
def test_a_header_that_only_contains_a_known_word_gets_no_role(header):
    assert recognise([header]).roles == {}


@pytest.mark.parametrize(
    "headers, role, column",
    [
        (["Total Amount Currency", "Total Amount"], "amount", "Total Amount"),  # the head of a header is its last word
        (["Total revenue"], "revenue", "Total revenue"),
        (["Amount (NOK)"], "amount", "Amount (NOK)"),  # a unit after the field
        (["Beløp NOK"], "amount", "Beløp NOK"),
        (["Total revenue (USD)"], "revenue", "Total revenue (USD)"),
        (["Deal - Total activities", "Deal - Done activities"], "activities_count", "Deal - Done activities"),
        (["Deal - Won time", "Deal - Deal closed on"], "closed", "Deal - Deal closed on"),  # won time: won deals only
        (["TaskSubtype", "Type__c"], "activity_type", "Type__c"),
    ],
)
def test_the_better_of_two_columns_takes_the_role(headers, role, column):
    assert recognise(headers).column(role) == column


def test_a_named_rep_beats_a_rep_id_and_the_id_is_kept_beside_it():
    recognition = recognise(["OwnerId", "Owner.Name"])
    assert (recognition.column("rep"), recognition.column("rep_id"), recognition.rep_is_id) == (
        "Owner.Name",
        "OwnerId",
        False,
    )
    assert recognise(["OwnerId"]).rep_is_id


# ------------------------------------------------------------------------------- values decide, per column


def frame_of(rows: dict[str, list]) -> pd.DataFrame:
    return pd.DataFrame({k: pd.Series(v, dtype="object") for k, v in rows.items()})


@pytest.mark.parametrize(
    "rows, role, column",
    [
        # a count column holds counts, not phone numbers
        (
            {"Rep": ["Kari", "Ola"], "Month": ["jan 2026", "feb 2026"], "Phone": ["(850) 644-4200", "555-214-7314"]},
            "activity column",
            None,
        ),
        (
            {"Rep": ["Kari", "Ola"], "Month": ["jan 2026", "feb 2026"], "Calls": ["12", "-2"]},
            "activity column",
            "Calls",
        ),
        # a date role needs dates
        ({"Rep": ["Kari"], "Close Date": ["True"], "Closed On": ["2026-01-05"]}, "closed", "Closed On"),
        ({"Rep": ["Kari"], "Close Date": ["True"]}, "closed", "Close Date"),  # nothing fits better: the header decides
        ({"Rep": ["Kari"], "Sales period": ["FY24 Q3"], "Won": ["1"]}, "period", None),  # partial: values decide
        ({"Rep": ["Kari"], "Close Date": ["20210105"]}, "closed", "Close Date"),
        # a rep is not a column of 1s and blanks; then the next column that fits is the rep
        ({"User": ["1", None, "1"], "Owner": ["Kari", "Ola", "Per"]}, "rep", "Owner"),
        # an amount needs numbers
        ({"Rep": ["Kari"], "Value": ["high"], "Amount": ["100"]}, "amount", "Amount"),
        # a wholly blank column gets only a role that says what the table is
        ({"Rep": ["Kari"], "Department": [None], "Stage": [None]}, "team", None),
        ({"Rep": ["Kari"], "Department": [None], "Stage": [None]}, "stage", "Stage"),
    ],
)
def test_a_column_whose_values_do_not_fit_a_role_is_not_given_it(rows, role, column):
    frame = frame_of(rows)
    recognition = recognise(list(frame.columns), frame=frame)
    found = list(recognition.activity_columns)[:1] if role == "activity column" else [recognition.column(role)]
    assert (found[0] if found else None) == column


@pytest.mark.parametrize(
    "statuses, role",
    [
        (["Completed", "Not Started", "In Progress"], "done"),  # a task's status says whether it was done
        (["COMPLETED", "NOT_STARTED", "WAITING"], "done"),  # HubSpot's task status
        (["Won", "Lost", "Open"], "status"),  # a deal's status
        (["Open", "In Progress"], "status"),  # no word only a task uses: it stays a status
    ],
)
def test_a_status_column_of_task_statuses_is_the_done_flag(statuses, role):
    frame = frame_of(
        {
            "Date": ["2026-01-05"] * len(statuses),
            "Rep": ["Kari"] * len(statuses),
            "Type": ["Call"] * len(statuses),
            "Status": statuses,
        }
    )
    assert recognise(list(frame.columns), frame=frame).column(role) == "Status"


def test_blanks_in_the_chosen_column_have_the_other_fitting_columns_as_fallbacks():
    frame = frame_of(
        {
            "Type": [None, "Call"],
            "TaskSubtype": ["Task", "Task"],
            "OwnerId": ["a", "b"],
            "ActivityDate": ["2026-01-05", "2026-01-06"],
        }
    )
    assert recognise(list(frame.columns), frame=frame).fallbacks == {"activity_type": ["TaskSubtype"]}

"""Which column plays which role."""
import pytest

from metrics.ingest.recognition import recognise


@pytest.mark.parametrize("headers, expected", [
    # HubSpot deals
    (["Deal Name", "Deal owner", "Deal Stage", "Amount", "Close Date", "Create Date", "Pipeline",
      "Number of Sales Activities"],
     {"rep": "Deal owner", "stage": "Deal Stage", "amount": "Amount", "closed": "Close Date",
      "created": "Create Date", "activities_count": "Number of Sales Activities", "deal_id": "Deal Name"}),
    # Salesforce opportunities
    (["Opportunity Owner", "Stage", "Amount", "Close Date", "Won", "Closed"],
     {"rep": "Opportunity Owner", "stage": "Stage", "amount": "Amount", "closed": "Close Date", "won": "Won",
      "closed_flag": "Closed"}),
    # Salesforce activities
    (["Assigned", "Task Subtype", "Call Result", "Date"],
     {"rep": "Assigned", "activity_type": "Task Subtype", "outcome": "Call Result", "date": "Date"}),
    # Pipedrive, with a hyphen and with an en dash
    (["Activity - Type", "Activity - Due date", "Activity - Done", "Activity - Assigned to user"],
     {"activity_type": "Activity - Type", "date": "Activity - Due date", "done": "Activity - Done",
      "rep": "Activity - Assigned to user"}),
    (["Deal – Status", "Deal – Value", "Deal – Owner"],
     {"status": "Deal – Status", "amount": "Deal – Value", "rep": "Deal – Owner"}),
    # Norwegian
    (["Dato", "Selger", "Avdeling", "Aktivitet"],
     {"date": "Dato", "rep": "Selger", "team": "Avdeling", "activity_type": "Aktivitet"}),
    (["Uke", "Selger", "Vunnet", "Omsetning", "Kundetilfredshet"],
     {"period": "Uke", "rep": "Selger", "won": "Vunnet", "revenue": "Omsetning", "satisfaction": "Kundetilfredshet"}),
    # The real Maven CRM export
    (["opportunity_id", "sales_agent", "product", "account", "deal_stage", "engage_date", "close_date",
      "close_value"],
     {"deal_id": "opportunity_id", "rep": "sales_agent", "account": "account", "stage": "deal_stage",
      "created": "engage_date", "closed": "close_date", "amount": "close_value"}),
])
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


@pytest.mark.parametrize("headers, expected", [
    # A two-row header combined by the reader: the group does not hide the field.
    (["Deal - Owner", "Deal - Amount", "Deal - Stage"], {"rep": "Deal - Owner", "amount": "Deal - Amount",
                                                         "stage": "Deal - Stage"}),
    (["Selger", "Resultater - Vunnet", "Resultater - Omsetning", "Måned"],
     {"rep": "Selger", "won": "Resultater - Vunnet", "revenue": "Resultater - Omsetning", "period": "Måned"}),
    # Pipedrive with an em dash, and its own activity id and due time
    (["Activity — ID", "Activity — Due date", "Activity — Due time", "Activity — Type", "Activity — User"],
     {"record_id": "Activity — ID", "date": "Activity — Due date", "time": "Activity — Due time",
      "activity_type": "Activity — Type", "rep": "Activity — User"}),
    # HubSpot activities export
    (["Activity date", "Activity type", "Activity assigned to", "Associated Deal", "Call outcome"],
     {"date": "Activity date", "activity_type": "Activity type", "rep": "Activity assigned to",
      "deal_id": "Associated Deal", "outcome": "Call outcome"}),
    (["Uke", "År", "Selger", "Inntekt"], {"period": "Uke", "year": "År", "rep": "Selger", "revenue": "Inntekt"}),
])
def test_recognise_grouped_and_crm_headers(headers, expected):
    assert {role: m.column for role, m in recognise(headers).roles.items()} == expected


def test_confidence_says_how_sure_the_match_is():
    roles = recognise(["Selger", "Lead - Value", "Resultater - Vunnet", "Total revenue"]).roles
    assert (roles["rep"].confidence, roles["amount"].confidence, roles["won"].confidence,
            roles["revenue"].confidence) == (1.0, 0.9, 0.8, 0.6)
    assert not any(m.by_user for m in roles.values())
    assert recognise(["Selger", "Navn"], {"rep": "Navn"}).roles["rep"].by_user


@pytest.mark.parametrize("header, activity", [
    ("Activities - Calls", "call"), ("Antall samtaler", "call"), ("Number of demos", "demo"), ("E-poster", "email"),
    ("Aktiviteter › Møter", "meeting"), ("Colour", None),
])
def test_activity_count_columns_under_a_group_or_a_count_word(header, activity):
    from metrics.ingest.recognition import activity_type_of_header

    assert activity_type_of_header(header) == activity


@pytest.mark.parametrize("header, text", [("Aktiviteter - Samtaler", "Samtaler"), ("Antall samtaler", "samtaler"),
                                          ("Demoer", "Demoer"), ("Kaffeprat", "Kaffeprat")])
def test_activity_text_of_a_count_header(header, text):
    from metrics.ingest.recognition import activity_text_of_header

    assert activity_text_of_header(header) == text

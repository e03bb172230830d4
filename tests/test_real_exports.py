"""Issue 8: real CRM exports, taken byte for byte from public repositories, load right with no mapping.

Where each file comes from, what it is and the licence it is published under are in tests/real_exports/README.md
(each repository's licence text is in tests/real_exports/licenses/).

Every expected number is worked out here from the raw file with plain pandas and the export's own meaning (which
stage is won, which task is done, which user an id names), never with the app's code.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from metrics.diagnostics import rep_table
from metrics.filters import scope
from metrics.ingest import Upload, classify, load, missing_roles, recognise
from metrics.scenarios import SCENARIOS

STARTUP = SCENARIOS["startup"]
# Planned tasks and future close dates are judged against a fixed day, so the numbers never drift with the clock.
TODAY = pd.Timestamp("2026-12-01")
EXPORTS = Path(__file__).parent / "real_exports"

TCRM_OPPORTUNITY, TCRM_USER, TCRM_EVENT = "sf_tcrm_opportunity.csv", "sf_tcrm_user.csv", "sf_tcrm_event.csv"
TCRM_TASK, TCRM_LEAD = "sf_tcrm_task.csv", "sf_tcrm_lead.csv"
WORKSHOP_OPPORTUNITY, WORKSHOP_TASK = "sf_workshop_opportunity.csv", "sf_workshop_task.csv"
GENAI_OPPORTUNITY, GENAI_LEAD = "sf_genai_opportunity.csv", "sf_genai_lead.csv"
POWERBI_LEAD, POWERBI_OPPORTUNITY = "sf_powerbi_lead.csv", "sf_powerbi_opportunity.csv"
WAREHOUSE = "warehouse_opportunities.csv"

# The bytes each file had in its repository (the README gives repository, path and commit).
SHA256 = {
    TCRM_OPPORTUNITY: "1ba33066feb4ef33be2f30d1aec7959847af10b644ed27b8c826137800e2a877",
    TCRM_USER: "3c3b8ea3951b5d5d146cf94ef7e2c3319e295ce59a38a66f9ade38ecd0b15ea7",
    TCRM_EVENT: "5e675b9b7595b5a8ecf1d7a2cab89a0fd1e8f5e670b5605c04a6c74f0e1fd7d4",
    TCRM_TASK: "5e4a87386e85497f9ccf78167626cca003fc6f01d0cd89112b4187d498d78e98",
    TCRM_LEAD: "2e81a73cfc095a169951933a6d10796d69a1f812061039249778a728377ea55a",
    WORKSHOP_OPPORTUNITY: "b401cab27e61bedd42caca18235483c92062de206336b7396ad478710cfb2684",
    WORKSHOP_TASK: "ccaa105f8a660c0d0aa7d4d03dbccc9922ebce59b073ebb592e8e407f46be225",
    GENAI_OPPORTUNITY: "716c43b47c09b8d7611ca23469bfb9987749b7a1fce8db4daf2b9970009b140c",
    GENAI_LEAD: "749fd783fd5d8785c5911727ea509363dc6abbf2f480b51652181e4aceb573d7",
    POWERBI_LEAD: "884c8a3b425aa7a14adc188abaa1fc106c3166a083c209679c31bb3644811921",
    POWERBI_OPPORTUNITY: "cc1a4167eb0907e82c20a2db09ef1f5656ed35888acf486d97fa146269d4b23e",
    WAREHOUSE: "8faf6ed6d8fdd632f1413200e02b4f71aa09d010d71afa1af67bea868369a52c",
}
# Salesforce lead statuses that end a lead without a customer. Issue 8 names Disqualified and Unqualified;
# "Closed - Not Converted" is Salesforce's default picklist value for the same. Any other status is an open lead
# (a status the app does not know is counted as open and said so on the Data page).
LEAD_LOST = {"Disqualified", "Unqualified", "Closed - Not Converted"}


def path_of(name: str) -> Path:
    return EXPORTS / name


def raw(name: str) -> pd.DataFrame:
    """The file as plain text cells, the way a person opening it would see them."""
    return pd.read_csv(path_of(name), dtype=str, keep_default_na=False, encoding="utf-8-sig")


def loaded(*names: str):
    return load([Upload(name, path_of(name).read_bytes()) for name in names], today=TODAY)


def report_of(dataset, source: str):
    return next(t for t in [*dataset.tables, *dataset.unused] if t.source == source)


def money(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.replace("", np.nan)).fillna(0.0)


def expected(
    rep: pd.Series,
    won: pd.Series,
    lost: pd.Series,
    amount: pd.Series | float = 0.0,
    activities: pd.Series | None = None,
) -> pd.DataFrame:
    """Per rep: activities, won, revenue and conversion, from one row per deal.

    Effort is the rep's deals unless an activity count is given; conversion is then won ÷ activities, else
    won ÷ decided deals.
    """
    deals = pd.DataFrame(
        {
            "rep": rep,
            "won": won.astype(int),
            "lost": lost.astype(int),
            "revenue": pd.Series(amount, index=rep.index).where(won, 0.0),
        }
    )
    per_rep = deals.groupby("rep").agg(
        deals=("won", "size"), won=("won", "sum"), lost=("lost", "sum"), revenue=("revenue", "sum")
    )
    if activities is None:
        per_rep["activities"], trials = per_rep["deals"], per_rep["won"] + per_rep["lost"]
    else:
        per_rep = per_rep.reindex(per_rep.index.union(activities.index), fill_value=0)
        per_rep["activities"] = activities.reindex(per_rep.index, fill_value=0)
        trials = per_rep["activities"]
    per_rep["conversion"] = (per_rep["won"] / trials.where(trials > 0)).astype(float)
    return per_rep[["activities", "won", "revenue", "conversion"]]


def assert_reps_match(dataset, want: pd.DataFrame) -> None:
    got = rep_table(scope(dataset, STARTUP), STARTUP.thresholds).set_index("rep")
    assert sorted(got.index) == sorted(want.index)
    got = got.loc[want.index]
    assert got["activities"].tolist() == want["activities"].tolist()
    assert got["won"].tolist() == want["won"].tolist()
    assert got["revenue"].to_numpy(dtype=float) == pytest.approx(want["revenue"].to_numpy(dtype=float))
    assert got["conversion"].to_numpy(dtype=float) == pytest.approx(
        want["conversion"].to_numpy(dtype=float), nan_ok=True
    )


def stage_outcomes(frame: pd.DataFrame, owner: str, stage: str, amount: str, **kwargs) -> pd.DataFrame:
    return expected(
        frame[owner], frame[stage].eq("Closed Won"), frame[stage].eq("Closed Lost"), money(frame[amount]), **kwargs
    )


def lead_outcomes(leads: pd.DataFrame) -> pd.DataFrame:
    """A converted lead is won, a disqualified one lost; a lead carries no deal amount (AnnualRevenue is the
    company's turnover, not money won)."""
    converted = leads["IsConverted"].str.lower().isin({"1", "true"})
    return expected(leads["OwnerId"], converted, ~converted & leads["Status"].isin(LEAD_LOST))


def completed(tasks: pd.DataFrame) -> pd.Series:
    return tasks[tasks["Status"].eq("Completed")].groupby("OwnerId").size()


# ------------------------------------------------------------------------------------ the files are untouched


@pytest.mark.parametrize("name", sorted(SHA256))
def test_the_file_is_byte_for_byte_the_one_in_its_repository(name):
    assert hashlib.sha256(path_of(name).read_bytes()).hexdigest() == SHA256[name]


# ----------------------------------------------------------------------------- each table is read as its shape


@pytest.mark.parametrize(
    "names, source, shape, rows_used",
    [
        pytest.param((TCRM_OPPORTUNITY, TCRM_USER), TCRM_OPPORTUNITY, "deals", 4831),
        pytest.param((TCRM_OPPORTUNITY, TCRM_USER), TCRM_USER, "roster", 4),
        pytest.param((TCRM_EVENT,), TCRM_EVENT, "activities", 2182),
        # 505 of the 2,303 tasks are Not Started, In Progress, Open or Waiting: planned, not done.
        pytest.param((TCRM_TASK,), TCRM_TASK, "activities", 1798),
        pytest.param((TCRM_LEAD,), TCRM_LEAD, "deals", 294),
        pytest.param((WORKSHOP_OPPORTUNITY,), WORKSHOP_OPPORTUNITY, "deals", 50),
        # Every one of its 75 tasks is Not Started.
        pytest.param((WORKSHOP_TASK,), WORKSHOP_TASK, "activities", 0),
        pytest.param((GENAI_OPPORTUNITY,), GENAI_OPPORTUNITY, "deals", 58),
        pytest.param((GENAI_LEAD,), GENAI_LEAD, "deals", 14),
        pytest.param((POWERBI_LEAD,), POWERBI_LEAD, "deals", 22),
        ((WAREHOUSE,), WAREHOUSE, "deals", 6000),
    ],
    ids=[
        "tcrm-opportunity",
        "tcrm-user",
        "tcrm-event",
        "tcrm-task",
        "tcrm-lead",
        "workshop-opportunity",
        "workshop-task",
        "genai-opportunity",
        "genai-lead",
        "powerbi-lead",
        "warehouse",
    ],
)
def test_each_table_is_read_as_its_shape_and_keeps_its_rows(names, source, shape, rows_used):
    table = report_of(loaded(*names), source)
    assert (table.shape, table.rows_used) == (shape, rows_used)


# ------------------------------------------------------------------------ per-rep won, revenue and conversion


def test_salesforce_opportunities_keyed_by_owner_id_are_named_from_the_user_export():
    opportunities, users = raw(TCRM_OPPORTUNITY), raw(TCRM_USER)
    named = opportunities.assign(OwnerId=opportunities["OwnerId"].map(users.set_index("Id")["Name"]))
    assert_reps_match(loaded(TCRM_OPPORTUNITY, TCRM_USER), stage_outcomes(named, "OwnerId", "StageName", "Amount"))


def test_salesforce_events_are_each_named_reps_effort_beside_their_opportunities():
    opportunities, users, events = raw(TCRM_OPPORTUNITY), raw(TCRM_USER), raw(TCRM_EVENT)
    name_of = users.set_index("Id")["Name"]
    # An event is done once its day has passed; every event in this export lies before TODAY.
    done = events[pd.to_datetime(events["ActivityDate"]) <= TODAY]
    named = opportunities.assign(OwnerId=opportunities["OwnerId"].map(name_of))
    want = stage_outcomes(
        named, "OwnerId", "StageName", "Amount", activities=done.groupby(done["OwnerId"].map(name_of)).size()
    )
    assert_reps_match(loaded(TCRM_OPPORTUNITY, TCRM_USER, TCRM_EVENT), want)


def test_salesforce_tasks_count_only_the_completed_ones_for_each_owner_id():
    no_deals = pd.Series([], dtype=str)
    want = expected(no_deals, no_deals.astype(bool), no_deals.astype(bool), activities=completed(raw(TCRM_TASK)))
    assert_reps_match(loaded(TCRM_TASK), want)


def test_a_task_export_of_planned_tasks_only_is_an_error_not_an_empty_success():
    assert set(raw(WORKSHOP_TASK)["Status"]) == {"Not Started"}
    dataset = loaded(WORKSHOP_TASK)
    left_out = dataset.problems[dataset.problems["source"] == WORKSHOP_TASK]
    assert (len(left_out), left_out["reason"].str.contains("planned").all()) == (75, True)
    assert [error.file for error in dataset.errors] == [WORKSHOP_TASK]


@pytest.mark.parametrize("name", [TCRM_LEAD, GENAI_LEAD, POWERBI_LEAD])
def test_salesforce_leads_are_won_when_converted_and_lost_when_disqualified(name):
    assert_reps_match(loaded(name), lead_outcomes(raw(name)))


def test_salesforce_opportunities_without_a_user_export_are_counted_by_owner_id():
    opportunities = raw(WORKSHOP_OPPORTUNITY)
    assert_reps_match(loaded(WORKSHOP_OPPORTUNITY), stage_outcomes(opportunities, "OwnerId", "StageName", "Amount"))


def test_salesforce_opportunities_whose_names_repeat_are_all_counted():
    opportunities = raw(GENAI_OPPORTUNITY)
    assert not opportunities["Name"].is_unique  # the premise: two deals share a name, their Ids differ
    assert_reps_match(loaded(GENAI_OPPORTUNITY), stage_outcomes(opportunities, "OwnerId", "StageName", "Amount"))


def test_a_snake_case_warehouse_extract_gives_each_owner_their_wins():
    opportunities = raw(WAREHOUSE)
    assert_reps_match(loaded(WAREHOUSE), stage_outcomes(opportunities, "owner", "stage", "amount"))


def test_an_opportunity_export_without_an_owner_says_only_the_rep_is_missing():
    dataset = loaded(POWERBI_OPPORTUNITY)
    assert [error.file for error in dataset.errors] == [POWERBI_OPPORTUNITY]
    assert missing_roles(report_of(dataset, POWERBI_OPPORTUNITY).recognition)["deals"] == ["rep"]


# ------------------------------------------------------------------ default export columns, header only

# Lightning's standard "Opportunities" report, as exported with its default columns; the labels are those of
# Salesforce's Opportunity field reference (developer.salesforce.com, "salesforce_field_reference_Opportunity").
SALESFORCE_REPORT = [
    "Opportunity Owner",
    "Account Name",
    "Opportunity Name",
    "Stage",
    "Fiscal Period",
    "Amount",
    "Probability (%)",
    "Age",
    "Close Date",
    "Created Date",
    "Next Step",
    "Lead Source",
    "Type",
]
# A company's own opportunity report (UiPath FS GTM), quoted in a public repository's Salesforce CSV adapter test:
# the amount sits after its currency column, and Fiscal Period and Type come along.
SALESFORCE_COMPANY_REPORT = [
    "Territory Region",
    "Opportunity Owner",
    "Account Name",
    "Opportunity Name",
    "Stage",
    "Forecast Category",
    "Total Amount Currency",
    "Total Amount",
    "Billed iARR Currency",
    "Billed iARR",
    "Billed iARR Best-Case Incremental Currency",
    "Billed iARR Best-Case Incremental",
    "ARR to Renew Currency",
    "ARR to Renew",
    "Billed Downsell iARR Currency",
    "Billed Downsell iARR",
    "Fiscal Period",
    "Close Date",
    "Opportunity Next Steps",
    "Type",
]
# Pipedrive's deals export ("Deal - " before every field), in the order public Pipedrive-sync code maps it,
# field by field, to the API keys (id, title, user_id, value, stage_id, status, add_time, won_time, ...).
PIPEDRIVE_DEALS = [
    "Deal - ID",
    "Deal - Title",
    "Deal - Creator",
    "Deal - Owner",
    "Deal - Value",
    "Deal - Currency of Value",
    "Deal - Weighted value",
    "Deal - Currency of Weighted value",
    "Deal - Probability",
    "Deal - Organization",
    "Deal - Organization ID",
    "Deal - Pipeline",
    "Deal - Contact person",
    "Deal - Contact person ID",
    "Deal - Stage",
    "Deal - Label",
    "Deal - Status",
    "Deal - Deal created",
    "Deal - Update time",
    "Deal - Last stage change",
    "Deal - Next activity date",
    "Deal - Last activity date",
    "Deal - Won time",
    "Deal - Last email received",
    "Deal - Last email sent",
    "Deal - Lost time",
    "Deal - Deal closed on",
    "Deal - Lost reason",
    "Deal - Visible to",
    "Deal - Total activities",
    "Deal - Done activities",
    "Deal - Activities to do",
    "Deal - Email messages count",
    "Deal - Expected close date",
    "Deal - Product quantity",
    "Deal - Product amount",
    "Deal - Product name",
]
# HubSpot's deals index exported with the columns of its default view (knowledge.hubspot.com, "HubSpot's default
# deal properties"): the export adds Record ID first.
HUBSPOT_DEALS = ["Record ID", "Deal Name", "Deal Stage", "Close Date", "Deal owner", "Amount"]
# The same export with more of the default properties ticked.
HUBSPOT_DEALS_MORE = [
    "Record ID",
    "Deal Name",
    "Deal Stage",
    "Close Date",
    "Deal owner",
    "Amount",
    "Pipeline",
    "Create Date",
    "Deal Type",
    "Last Activity Date",
    "Last Modified Date",
    "Forecast category",
]
# HubSpot deals by property name, as its API and warehouse syncs give them (developers.hubspot.com, CRM deals).
HUBSPOT_PROPERTIES = [
    "hs_object_id",
    "dealname",
    "dealstage",
    "closedate",
    "hubspot_owner_id",
    "amount",
    "pipeline",
    "createdate",
]
# Zoho CRM's Deals module export, its standard fields as Zoho's API names them (Owner, Deal_Name, Closing_Date,
# Stage, Expected_Revenue, Lead_Conversion_Time, ...; zoho.com developer guide, Deals response) under their labels.
ZOHO_DEALS = [
    "Record Id",
    "Deal Owner",
    "Deal Name",
    "Amount",
    "Closing Date",
    "Account Name",
    "Stage",
    "Type",
    "Probability (%)",
    "Next Step",
    "Expected Revenue",
    "Lead Source",
    "Campaign Source",
    "Contact Name",
    "Created By",
    "Modified By",
    "Created Time",
    "Modified Time",
    "Last Activity Time",
    "Description",
    "Lead Conversion Time",
    "Sales Cycle Duration",
    "Overall Sales Duration",
]

DEFAULT_HEADERS = [
    pytest.param(SALESFORCE_REPORT, id="salesforce-report"),
    pytest.param(SALESFORCE_COMPANY_REPORT, id="salesforce-company-report"),
    pytest.param(PIPEDRIVE_DEALS, id="pipedrive"),
    pytest.param(HUBSPOT_DEALS, id="hubspot"),
    pytest.param(HUBSPOT_DEALS_MORE, id="hubspot-more"),
    pytest.param(HUBSPOT_PROPERTIES, id="hubspot-properties"),
    pytest.param(ZOHO_DEALS, id="zoho"),
]


@pytest.mark.parametrize("headers", DEFAULT_HEADERS)
def test_default_deal_export_columns_classify_as_a_deals_table(headers):
    assert classify(recognise(headers)) == "deals"


@pytest.mark.parametrize(
    "headers, want",
    [
        pytest.param(
            SALESFORCE_REPORT,
            {"rep": "Opportunity Owner", "stage": "Stage", "amount": "Amount"},
            id="salesforce-report",
        ),
        pytest.param(
            SALESFORCE_COMPANY_REPORT,
            {"rep": "Opportunity Owner", "stage": "Stage", "amount": "Total Amount"},
            id="salesforce-company-report",
        ),
        pytest.param(
            PIPEDRIVE_DEALS,
            {"rep": "Deal - Owner", "status": "Deal - Status", "amount": "Deal - Value"},
            id="pipedrive",
        ),
        pytest.param(HUBSPOT_DEALS, {"rep": "Deal owner", "stage": "Deal Stage", "amount": "Amount"}, id="hubspot"),
        pytest.param(
            HUBSPOT_PROPERTIES,
            {"rep": "hubspot_owner_id", "stage": "dealstage", "amount": "amount"},
            id="hubspot-properties",
        ),
        pytest.param(ZOHO_DEALS, {"rep": "Deal Owner", "stage": "Stage", "amount": "Amount"}, id="zoho"),
    ],
)
def test_default_deal_export_columns_give_the_rep_the_outcome_and_the_amount(headers, want):
    recognition = recognise(headers)
    assert {role: recognition.column(role) for role in want} == want

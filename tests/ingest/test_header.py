"""Finding the header: a header of API names is never passed over for a data row."""

import pytest

from metrics.ingest.header import detect_header, is_api_header


@pytest.mark.parametrize(
    "cells, api",
    [
        (["Id", "IsDeleted", "AccountId", "Name", "StageName"], True),  # Salesforce Data Loader
        (["opportunity_id", "sales_agent", "deal_stage"], True),  # a warehouse table
        (["Date", "Rep", "Activity type"], False),  # labels
        (["006Nq00000BGi8PIAT", "Closed Won", "2024-07-29", "35000"], False),  # a data row
    ],
)
def test_a_row_of_api_names(cells, api):
    assert is_api_header(cells) is api


def test_a_data_row_with_known_words_is_never_taken_for_a_header_of_api_names():
    # None of these custom API names is a known column; the data row below says 'Closed Won', 'Sales', 'Call'.
    rows = [
        ["Acct__c", "Stage_Value__c", "Rep_Code__c", "Mgr__c", "Close__c", "Note__c"],
        ["A1", "Closed Won", "Sales rep", "Call", "Amount", "Owner"],
        ["A2", "Open", "Kari", "Email", "10", "Ola"],
    ]
    assert detect_header(rows).row == 0

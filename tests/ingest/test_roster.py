"""Rosters and user tables: reps given as ids are named through them, and take their teams from them."""

import pytest

from metrics.ingest import Upload, load
from tests.ingest.helpers import TODAY

DEALS_BY_ID = (
    "OwnerId,StageName,Amount,CloseDate\nU1,Closed Won,100,2026-01-05\nU2,Closed Lost,50,2026-01-06\n"
    "U1,Closed Won,30,2026-01-07\n"
)


@pytest.mark.parametrize(
    "name, roster, team",
    [
        # Salesforce's user export: Id and Name, the team in its role
        (
            "User.csv",
            "Id,Username,Name,UserRole.Name\nU1,kari@x.no,Kari Nordmann,Mid\nU2,ola@x.no,Ola Hansen,SMB\n",
            {"Kari Nordmann": "Mid", "Ola Hansen": "SMB"},
        ),
        # an id with first and last name
        (
            "users.csv",
            "Id,FirstName,LastName\nU1,Kari,Nordmann\nU2,Ola,Hansen\n",
            {"Kari Nordmann": None, "Ola Hansen": None},
        ),
        # a reps sheet keyed by rep_id
        (
            "reps.csv",
            "rep_id,full_name,team\nU1,Kari Nordmann,Mid\nU2,Ola Hansen,SMB\n",
            {"Kari Nordmann": "Mid", "Ola Hansen": "SMB"},
        ),
        # a Norwegian employee list
        (
            "ansatte.csv",
            "Ansatt ID;Navn;Avdeling\nU1;Kari Nordmann;Mid\nU2;Ola Hansen;SMB\n",
            {"Kari Nordmann": "Mid", "Ola Hansen": "SMB"},
        ),
    ],
)
def test_rep_ids_are_named_through_a_roster_or_user_table_with_their_teams(name, roster, team):
    dataset = load([Upload("Opportunity.csv", DEALS_BY_ID.encode()), Upload(name, roster.encode())], today=TODAY)
    per_rep = dataset.outcomes.groupby("rep")[["won", "revenue"]].sum()
    assert per_rep.to_dict("index") == {
        "Kari Nordmann": {"won": 2, "revenue": 130.0},
        "Ola Hansen": {"won": 0, "revenue": 0.0},
    }
    teams = dataset.outcomes.drop_duplicates("rep").set_index("rep")["team"]
    assert teams.astype(object).where(teams.notna(), None).to_dict() == team
    assert dataset.rep_names.values.tolist() == [["U1", "Kari Nordmann"], ["U2", "Ola Hansen"]]
    deals = next(t for t in dataset.tables if t.source == "Opportunity.csv")
    assert [str(note) for note in deals.notes] == [f"Its reps are user ids, named from {name}."]


def test_without_a_roster_the_ids_are_shown_and_the_data_page_says_a_roster_would_name_them():
    dataset = load([Upload("Opportunity.csv", DEALS_BY_ID.encode())], today=TODAY)
    assert sorted(dataset.outcomes["rep"].unique()) == ["U1", "U2"]
    [note] = map(str, dataset.tables[0].notes)
    assert note.startswith(
        "Its reps are user ids ('U1', 'U2'…), shown as they are. Upload your CRM's user export or a roster beside it"
    )


def test_ids_the_roster_does_not_list_are_shown_and_counted():
    users = "Id,Name\nU1,Kari Nordmann\n"
    dataset = load([Upload("Opportunity.csv", DEALS_BY_ID.encode()), Upload("User.csv", users.encode())], today=TODAY)
    assert sorted(dataset.outcomes["rep"].unique()) == ["Kari Nordmann", "U2"]
    assert [str(note) for note in dataset.tables[0].notes] == [
        "1 of its 2 rep ids are named from User.csv; the other 1 ('U2'…) are not in it and are shown as ids."
    ]


def test_a_table_with_both_the_owner_id_and_name_names_the_ids_of_another():
    tasks = "OwnerId,ActivityDate,Type\nU1,2026-01-05,Call\nU2,2026-01-05,Email\n"
    opportunities = (
        "OwnerId,Owner.Name,StageName,Amount,CloseDate\nU1,Kari Nordmann,Closed Won,10,2026-01-05\n"
        "U2,Ola Hansen,Closed Lost,10,2026-01-05\n"
    )
    dataset = load([Upload("Task.csv", tasks.encode()), Upload("Opportunity.csv", opportunities.encode())], today=TODAY)
    assert dataset.activities["rep"].tolist() == ["Kari Nordmann", "Ola Hansen"]


@pytest.mark.parametrize("spellings", [("Mid", "MID "), ("Mid market", "mid  Market"), ("SMB", " smb")])
def test_teams_that_differ_only_by_case_or_spacing_are_one_team(spellings):
    log = "Date,Rep,Team,Activity type\n" + "".join(
        f"2026-01-0{day},{rep},{team},Call\n"
        for day, (rep, team) in enumerate(
            [("Kari", spellings[0]), ("Kari", spellings[0]), ("Ola", spellings[1])], start=1
        )
    )
    dataset = load([Upload("log.csv", log.encode())], today=TODAY)
    assert dataset.activities["team"].unique().tolist() == [" ".join(spellings[0].split())]


def test_a_roster_team_and_a_log_team_spelled_differently_are_one_team():
    roster = "Rep,Team\nKari,Mid\n"
    log = "Date,Rep,Team,Activity type\n2026-01-05,Ola,MID ,Call\n2026-01-05,Kari,mid,Call\n"
    dataset = load([Upload("roster.csv", roster.encode()), Upload("log.csv", log.encode())], today=TODAY)
    assert set(dataset.activities["team"]) == {"Mid"}
    assert dataset.roster["team"].tolist() == ["Mid"]

"""Small inputs the ingest tests share."""

import pandas as pd

from metrics.ingest import reason_message
from tests.fixtures.make_fixtures import workbook

TODAY = pd.Timestamp("2026-06-30")


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    return workbook(sheets)


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


ACTIVITY_CSV = """Date,Rep,Team,Activity type,Deal ID
2026-01-05,Kari,North,Call,D1
2026-01-06,Kari,North,Demo,D1
2026-01-07,Ola,South,Email,
,Ola,South,Call,
2026-01-08,,South,Call,
Total,,,,
2027-01-01,Ola,South,Call,
"""


def english_reasons(problems: pd.DataFrame) -> pd.Series:
    """Each problem's reason in plain English, its values filled in: "unparseable count in 'Calls' (counted as 0)"."""
    return pd.Series(
        [str(reason_message(r, d)) for r, d in zip(problems["reason"], problems["detail"])],
        index=problems.index,
        dtype="str",
    )


def problems_of(dataset) -> dict[tuple[str, str], list[int]]:
    problems = dataset.problems.assign(reason=english_reasons(dataset.problems))
    return {key: sorted(rows["row"].tolist()) for key, rows in problems.groupby(["reason", "action"])}

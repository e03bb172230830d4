"""Activity logs of any length, as Excel writes them (.xlsx with shared strings) and as a CRM exports them
(.csv), for the benchmark.

The workbook's XML is written directly: openpyxl's writer takes minutes at a million rows. It is written the
way Excel writes a sheet without formulas: every text in the shared-strings table (`t="s"`), numbers and
dates as values (dates as serial numbers with a date style), each row with `spans` and Excel's
`x14ac:dyDescent`, `docProps/app.xml` naming Microsoft Excel, and no calcChain (Excel writes one only for a
workbook with formulas; a workbook without formulas gives the reader nothing to distrust).

The log: one row per activity, every rep with their own volume and win rate, so that some are busy and
don't convert; each deal's status and amount repeated on its activities, as a CRM's activity export
carries them.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HEADER = ("Date", "Rep", "Team", "Activity type", "Deal ID", "Deal status", "Amount", "Duration (min)")
ACTIVITY_TYPES = ("Call", "Email", "Meeting", "Demo", "Follow-up")
TYPE_SHARES = (0.35, 0.3, 0.15, 0.1, 0.1)
FIRST_NAMES = (
    "Kari",
    "Ola",
    "Aisha",
    "Lars",
    "Ingvild",
    "Per",
    "Maria",
    "Jonas",
    "Sofie",
    "Emil",
    "Nora",
    "Anders",
    "Ida",
    "Henrik",
    "Thea",
    "Magnus",
    "Sara",
    "Erik",
    "Maja",
    "Jakob",
)
LAST_NAMES = (
    "Nordmann",
    "Hansen",
    "Khan",
    "Johansen",
    "Dahl",
    "Olsen",
    "Berg",
    "Larsen",
    "Haugen",
    "Solberg",
    "Bakke",
    "Moen",
    "Lie",
    "Strand",
    "Eide",
    "Lund",
    "Aas",
    "Vik",
    "Holm",
    "Brekke",
)
ACTIVITIES_PER_DEAL = 8
FIRST_DAY = dt.date(2025, 1, 1)
DAYS = 540  # to late June 2026: every date before the machine's today
EXCEL_EPOCH = dt.date(1899, 12, 30)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"


@dataclass
class ActivityLog:
    """The log's columns: text columns as codes into their `*_names`, numbers as numbers."""

    day: np.ndarray  # days after FIRST_DAY
    rep: np.ndarray
    team_of_rep: np.ndarray
    activity_type: np.ndarray
    deal: np.ndarray
    status: np.ndarray  # 0 won, 1 lost, 2 open
    amount: np.ndarray
    minutes: np.ndarray
    rep_names: list[str]
    team_names: list[str]

    def __len__(self) -> int:
        return len(self.day)


STATUS_NAMES = ("Won", "Lost", "Open")


def activity_log(rows: int, seed: int = 9) -> ActivityLog:
    """A log of `rows` activities by about one rep per thousand (20 at least, 1,000 at most)."""
    random = np.random.default_rng(seed)
    reps = int(np.clip(rows // 1000, 20, 1000))
    teams = max(2, reps // 20)
    rep_names = [
        f"{FIRST_NAMES[i % 20]} {LAST_NAMES[(i // 20) % 20]}" + (f" {i // 400 + 1}" if i >= 400 else "")
        for i in range(reps)
    ]
    team_names = [f"Team {chr(65 + i % 26)}{i // 26 or ''}" for i in range(teams)]
    volume = random.lognormal(0.0, 0.45, reps)
    win_rate = np.clip(random.normal(0.3, 0.06, reps), 0.05, 0.6)
    busy = random.choice(reps, max(2, reps // 25), replace=False)  # busy, and winning at a third of the rate
    volume[busy] *= 2.0
    win_rate[busy] /= 3.0
    deals = max(1, rows // ACTIVITIES_PER_DEAL)
    deal_rep = random.choice(reps, deals, p=volume / volume.sum())
    outcome = random.random(deals)
    deal_status = np.where(outcome < win_rate[deal_rep], 0, np.where(outcome < 0.85, 1, 2))
    deal_amount = np.round(random.lognormal(9.5, 0.6, deals), -2)
    deal_start = random.integers(0, DAYS - 40, deals)
    deal = random.integers(0, deals, rows)
    day = deal_start[deal] + random.integers(0, 40, rows)
    order = np.argsort(day, kind="stable")
    deal, day = deal[order], day[order]
    return ActivityLog(
        day=day,
        rep=deal_rep[deal],
        team_of_rep=np.arange(reps) % teams,
        activity_type=random.choice(len(ACTIVITY_TYPES), rows, p=TYPE_SHARES),
        deal=deal,
        status=deal_status[deal],
        amount=deal_amount[deal],
        minutes=random.integers(2, 60, rows),
        rep_names=rep_names,
        team_names=team_names,
    )


def _deal_name(number: int) -> str:
    return f"D-{number:07d}"


# ------------------------------------------------------------------------------------------------ csv


def csv_bytes(log: ActivityLog) -> bytes:
    dates = [(FIRST_DAY + dt.timedelta(days=int(d))).isoformat() for d in range(DAYS)]
    teams = [log.team_names[t] for t in log.team_of_rep]
    lines = [",".join(HEADER)]
    lines += [
        f"{dates[d]},{log.rep_names[r]},{teams[r]},{ACTIVITY_TYPES[k]},D-{deal:07d},{STATUS_NAMES[s]},{a:.0f},{m}"
        for d, r, k, deal, s, a, m in zip(
            log.day.tolist(),
            log.rep.tolist(),
            log.activity_type.tolist(),
            log.deal.tolist(),
            log.status.tolist(),
            log.amount.tolist(),
            log.minutes.tolist(),
        )
    ]
    return ("\n".join(lines) + "\n").encode()


# ----------------------------------------------------------------------------------------------- xlsx


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _sheet_xml(log: ActivityLog) -> tuple[bytes, list[str]]:
    """The worksheet and the shared strings its cells point into, in the order Excel saves them: by first
    appearance, row by row (so the first rows' texts come first)."""
    texts = [*HEADER, *log.rep_names, *log.team_names, *ACTIVITY_TYPES, *STATUS_NAMES]
    deals, deal_codes = np.unique(log.deal, return_inverse=True)
    texts += [_deal_name(int(d)) for d in deals]
    bases = np.cumsum([0, len(HEADER), len(log.rep_names), len(log.team_names), len(ACTIVITY_TYPES), len(STATUS_NAMES)])
    # Each row's texts in column order: rep, team, activity type, deal, status.
    cells = np.column_stack(
        [
            bases[1] + log.rep,
            bases[2] + log.team_of_rep[log.rep],
            bases[3] + log.activity_type,
            bases[5] + deal_codes,
            bases[4] + log.status,
        ]
    ).ravel()
    used, first = np.unique(np.concatenate([np.arange(len(HEADER)), cells]), return_index=True)
    order = used[np.argsort(first, kind="stable")]
    position = np.empty(len(texts), dtype=np.int64)
    position[order] = np.arange(len(order))
    strings = [texts[i] for i in order]
    rep, team, kind, deal, status = position[cells].reshape(-1, 5).T
    width = len(HEADER)
    last = chr(64 + width)
    header = (
        f'<row r="1" spans="1:{width}" x14ac:dyDescent="0.25">'
        + "".join(f'<c r="{chr(65 + i)}1" t="s"><v>{i}</v></c>' for i in range(width))
        + "</row>"
    )
    serial = (FIRST_DAY - EXCEL_EPOCH).days
    template = (
        f'<row r="%d" spans="1:{width}" x14ac:dyDescent="0.25"><c r="A%d" s="1"><v>%d</v></c>'
        '<c r="B%d" t="s"><v>%d</v></c><c r="C%d" t="s"><v>%d</v></c><c r="D%d" t="s"><v>%d</v></c>'
        '<c r="E%d" t="s"><v>%d</v></c><c r="F%d" t="s"><v>%d</v></c><c r="G%d"><v>%d</v></c>'
        '<c r="H%d"><v>%d</v></c></row>'
    )
    rows = [
        template % (n, n, serial + d, n, r, n, t, n, k, n, c, n, s, n, a, n, m)
        for n, d, r, t, k, c, s, a, m in zip(
            range(2, len(log) + 2),
            log.day.tolist(),
            rep.tolist(),
            team.tolist(),
            kind.tolist(),
            deal.tolist(),
            status.tolist(),
            log.amount.tolist(),
            log.minutes.tolist(),
        )
    ]
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet xmlns="{MAIN}" '
        f'xmlns:r="{RELATIONSHIPS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'mc:Ignorable="x14ac xr xr2 xr3" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" '
        'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" '
        'xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2" '
        'xmlns:xr3="http://schemas.microsoft.com/office/spreadsheetml/2016/revision3" '
        'xr:uid="{00000000-0001-0000-0000-000000000000}">'
        f'<dimension ref="A1:{last}{len(log) + 1}"/><sheetViews><sheetView tabSelected="1" workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/><cols><col min="1" max="1" width="11" '
        'customWidth="1"/></cols><sheetData>' + header + "".join(rows) + '</sheetData><pageMargins left="0.7" '
        'right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
    )
    return xml.encode(), strings


def _shared_strings_xml(strings: list[str], references: int) -> bytes:
    items = "".join(f"<si><t>{_escape(s)}</t></si>" for s in strings)
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<sst xmlns="{MAIN}" count="{references}" '
        f'uniqueCount="{len(strings)}">{items}</sst>'
    ).encode()


STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<styleSheet xmlns="{MAIN}">'
    '<fonts count="1"><font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/>'
    '<scheme val="minor"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/>'
    '<top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" '
    'fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" '
    'borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" '
    'applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" '
    'builtinId="0"/></cellStyles></styleSheet>'
).encode()
APP = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Properties xmlns="http://schemas.openxmlformats'
    b'.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
    b'2006/docPropsVTypes"><Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>'
    b"false</ScaleCrop><Company></Company><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
    b"<HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0300</AppVersion></Properties>"
)


def xlsx_bytes(log: ActivityLog, sheet: str = "Activities") -> bytes:
    sheet_xml, strings = _sheet_xml(log)
    parts = {
        "[Content_Types].xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Types xmlns="{PACKAGE}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName='
            '"/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'sharedStrings+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxml'
            'formats-officedocument.extended-properties+xml"/></Types>'
        ).encode(),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Relationships xmlns="{PACKAGE}/'
            f'relationships"><Relationship Id="rId2" Type="{RELATIONSHIPS}/extended-properties" Target="docProps/'
            f'app.xml"/><Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ).encode(),
        "docProps/app.xml": APP,
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<workbook xmlns="{MAIN}" xmlns:r="'
            f'{RELATIONSHIPS}"><fileVersion appName="xl" lastEdited="7" lowestEdited="7" rupBuild="27328"/>'
            '<workbookPr defaultThemeVersion="202300"/><bookViews><workbookView xWindow="0" yWindow="0" '
            f'windowWidth="28800" windowHeight="12300"/></bookViews><sheets><sheet name="{_escape(sheet)}" '
            'sheetId="1" r:id="rId1"/></sheets><calcPr calcId="191029"/></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Relationships xmlns="{PACKAGE}/'
            f'relationships"><Relationship Id="rId3" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId4" Type="{RELATIONSHIPS}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ).encode(),
        "xl/worksheets/sheet1.xml": sheet_xml,
        "xl/styles.xml": STYLES,
        "xl/sharedStrings.xml": _shared_strings_xml(strings, len(HEADER) + 5 * len(log)),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, data in parts.items():
            archive.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def write_logs(folder: Path, sizes: list[int]) -> dict[int, dict[str, Path]]:
    """Each size's log as folder/activities_<rows>.xlsx and .csv: {rows: {"xlsx": path, "csv": path}}."""
    files = {}
    for rows in sizes:
        log = activity_log(rows)
        files[rows] = {}
        for kind, make in (("xlsx", xlsx_bytes), ("csv", csv_bytes)):
            path = folder / f"activities_{rows}.{kind}"
            path.write_bytes(make(log))
            files[rows][kind] = path
    return files

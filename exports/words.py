"""What a report says, whatever it is printed on: its titles, its header lines, the KPI cards and the
sentences, in the report's language.

Everything here is read from the Analysis alone, so an export of an anonymised analysis can name nobody
the analysis doesn't: the data sources are the dataset's own tables (which the anonymiser renames), never
a path the caller holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from i18n import N_, Language
from metrics.analysis import Analysis, Comparison
from metrics.diagnostics import STATUS_FLAGGED, STATUS_NO_DEALS, STATUS_OK, STATUS_THIN
from metrics.findings import Finding
from metrics.report import FORMULA_PREFIXES

TITLE = N_("Sales activity vs performance")
# How each headline number reads: the kind views.tables gives a column of that name.
KPI_KINDS = {
    "activities": "count",
    "won": "count",
    "revenue": "money",
    "conversion": "rate",
    "avg_deal_size": "money",
    "satisfaction": "decimal",
}
STATUS_TITLES = {
    STATUS_FLAGGED: N_("Flagged"),
    STATUS_OK: N_("Not flagged"),
    STATUS_THIN: N_("Not enough data"),
    STATUS_NO_DEALS: N_("Own no deals"),
}


def finding_text(finding: Finding, language: Language, currency: str | None = None) -> str:
    """A finding as a sentence in `language`: its Message when the engine gives one, else its text."""
    message = getattr(finding, "message", None)
    if message is not None:
        return language.render(message, currency)
    return finding.text


def sentence(said, language: Language, currency: str | None = None) -> str:
    """An engine sentence (a metrics.text.Message, or plain text until it becomes one) in `language`."""
    return language.render(said, currency)


def neutralised(text: str) -> str:
    """The text with a quote in front when a spreadsheet would run it as a formula (metrics.report)."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


@dataclass(frozen=True)
class Words:
    """The scenario's words for one analysis in one language: what its effort and results are called."""

    analysis: Analysis
    language: Language

    @property
    def scenario(self) -> str:
        return self.language.gettext(self.analysis.scenario.label)

    @property
    def effort(self) -> str:
        if self.analysis.basis == "deals":
            return self.language.gettext("Deals engaged")
        return (
            self.language.gettext("Weighted activities")
            if self.analysis.weighted
            else self.language.gettext("Activities")
        )

    @property
    def won(self) -> str:
        return self.language.gettext(self.analysis.scenario.won_label)

    @property
    def revenue(self) -> str:
        return self.language.gettext(self.analysis.scenario.revenue_label)

    @property
    def satisfaction(self) -> str:
        return self.language.gettext(self.analysis.scenario.satisfaction_label)

    @property
    def trials(self) -> str:
        """The flag's volume: decided deals for deals-only data, which is not the deals a rep engaged."""
        return self.language.gettext("Decided deals") if self.analysis.basis == "deals" else self.effort

    def kpi_title(self, kpi: str) -> str:
        return {
            "activities": self.effort,
            "won": self.won,
            "revenue": self.revenue,
            "conversion": self.language.gettext("Conversion"),
            "avg_deal_size": self.language.gettext("Average deal size"),
            "satisfaction": self.satisfaction,
        }[kpi]

    @property
    def rep_titles(self) -> dict[str, str]:
        """The per-rep table's titles that are the scenario's words rather than the engine column's."""
        return {
            "effort": self.effort,
            "activities": self.language.gettext("Activities"),
            "won": self.won,
            "revenue": self.revenue,
            "trials": self.trials,
            "satisfaction": self.satisfaction,
            "expected_won": self.language.gettext("Expected {won}").format(won=self.won.lower()),
            "expected_revenue": self.language.gettext("Expected {revenue}").format(revenue=self.revenue.lower()),
            "status": self.language.gettext("Status"),
        }


def sources(analysis: Analysis) -> list[str]:
    """The files the analysis was read from, each once, from the dataset's own tables."""
    return list(dict.fromkeys(table.source.split(" › ")[0] for table in analysis.dataset.tables))


def dates(analysis: Analysis) -> tuple[dt.date, dt.date] | None:
    """The dates the analysis covers: the chosen range, else the data's first and last day."""
    chosen = analysis.filters
    if chosen.start is not None and chosen.end is not None:
        return chosen.start, chosen.end
    return analysis.bounds


def header_lines(analysis: Analysis, language: Language, anonymised: bool = False) -> list[tuple[str, str]]:
    """(label, value) pairs that say what a report is about: scenario, data, dates, rows, filters."""
    words = Words(analysis, language)
    lines = [(language.gettext("Scenario"), words.scenario)]
    if anonymised:
        lines.append(
            (
                language.gettext("Source"),
                language.gettext("Anonymised: names are replaced by pseudonyms (Rep A, Rep B, …)"),
            )
        )
    else:
        lines.append((language.gettext("Source"), ", ".join(sources(analysis)) or "–"))
    covered = dates(analysis)
    if covered:
        lines.append((language.gettext("Dates"), language.date_range(*covered)))
    dataset = analysis.dataset
    rows = language.gettext("{used} of {read}").format(
        used=language.number(dataset.rows_used), read=language.number(dataset.rows_read)
    )
    lines.append((language.gettext("Rows used"), rows))
    chosen = analysis.filters
    if chosen.teams:
        lines.append((language.gettext("Teams"), ", ".join(chosen.teams)))
    if chosen.reps:
        lines.append((language.gettext("Reps"), ", ".join(chosen.reps)))
    lines.append((language.gettext("Made"), language.date(dt.date.today())))
    return lines


def comparison(analysis: Analysis) -> Comparison | None:
    """The comparison the Overview opens on: one with an earlier period, so the cards show their changes."""
    return analysis.comparison(analysis.default_comparison)


def kpi_rows(analysis: Analysis) -> pd.DataFrame:
    """The headline numbers (metrics.kpis.KPI_COLUMNS) as the cards show them: satisfaction only where
    the data has it."""
    compared = comparison(analysis)
    if compared is None:
        return pd.DataFrame(columns=["kpi", "value", "previous", "change", "year_ago", "change_year"])
    kpis = compared.kpis
    return kpis[~((kpis["kpi"] == "satisfaction") & kpis["value"].isna())].reset_index(drop=True)


def comparison_line(analysis: Analysis, language: Language) -> str | None:
    """'1 Sep 2026–30 Sep 2026 against the period before, 1 Aug 2026–31 Aug 2026.', or the period alone."""
    compared = comparison(analysis)
    if compared is None:
        return None
    now, before = compared.now, compared.before
    if before is None:
        return language.date_range(now.start, now.end)
    return language.gettext("{now} against the period before, {before}.").format(
        now=language.date_range(now.start, now.end), before=language.date_range(before.start, before.end)
    )


def status_counts(analysis: Analysis, language: Language) -> list[tuple[str, int]]:
    """How many reps have each status, in the Overview's words (reps who own no deals only when there are)."""
    counts = analysis.reps()["status"].value_counts()
    shown = [STATUS_FLAGGED, STATUS_OK, STATUS_THIN] + ([STATUS_NO_DEALS] if counts.get(STATUS_NO_DEALS) else [])
    return [(language.gettext(STATUS_TITLES[status]), int(counts.get(status, 0))) for status in shown]


def change_text(change, language: Language) -> str:
    """A change as the cards write it: '+12.3%', or a dash where there is none."""
    return language.signed_percent(change) or "–"


def kpi_value_text(kpi: str, value, language: Language, currency: str | None = None) -> str:
    """A headline number as a card writes it."""
    kind = KPI_KINDS.get(kpi, "count")
    if kind == "money":
        return language.compact(value, currency)
    if kind == "rate":
        return language.percent(value)
    if kind == "decimal":
        return language.number(value, 2)
    return language.count(value)


def nothing_stands_out(language: Language) -> str:
    """What the findings say when there are none."""
    return language.gettext(
        "Nothing stands out: no rep, period or activity type differs from the team by more "
        "than chance explains at the chosen confidence."
    )


def flag_promise(analysis: Analysis, language: Language, currency: str | None = None) -> str:
    """What a flag means and guarantees, as the Overview says it above the flagged reps."""
    return (
        language.gettext(
            "Above the team's median effort and converting below the rest of the team by more than "
            "chance explains, judged across all reps at once."
        )
        + " "
        + sentence(analysis.flag_rule.guarantee(), language, currency)
    )

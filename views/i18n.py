"""Screen text in English and Norwegian (bokmål). English is the key; a missing translation shows English."""
from __future__ import annotations

import streamlit as st

LANGUAGES = {"en": "English", "nb": "Norsk"}

NORWEGIAN = {
    "Overview": "Oversikt",
    "Activity vs performance": "Aktivitet mot resultat",
    "Conversion": "Konvertering",
    "Trends": "Utvikling",
    "Reps": "Selgere",
    "Data": "Data",
    "Upload spreadsheets": "Last opp regneark",
    "Excel (.xlsx) or CSV: activity logs, deals, rep × period sheets, rosters. Several at once is fine.":
        "Excel (.xlsx) eller CSV: aktivitetslogger, avtaler, selger × periode-ark, teamlister. Flere filer går fint.",
    "Scenario": "Scenario",
    "Date range": "Periode",
    "Teams": "Team",
    "Reps filter": "Selgere",
    "All teams": "Alle team",
    "All reps": "Alle selgere",
    "Language": "Språk",
    "Thresholds": "Terskler",
    "Minimum volume to judge a rep": "Minste volum for å vurdere en selger",
    "Confidence of the flag": "Sikkerhet for flagg",
    "Activity rise that counts": "Økning i aktivitet som teller",
    "Showing sample data for the {scenario} scenario. Upload your own files in the sidebar.":
        "Viser eksempeldata for scenarioet {scenario}. Last opp egne filer i sidemenyen.",
    "sample data ({scenario})": "eksempeldata ({scenario})",
    "Source": "Kilde",
    "Activities": "Aktiviteter",
    "Deals engaged": "Avtaler i arbeid",
    "Won": "Vunnet",
    "Revenue": "Omsetning",
    "Average deal size": "Snittavtale",
    "Satisfaction": "Tilfredshet",
    "vs previous period": "mot forrige periode",
    "Flagged reps": "Flaggede selgere",
    "Findings": "Funn",
    "Compare": "Sammenlign",
    "The chosen dates": "Valgt periode",
    "The last full month": "Siste hele måned",
    "The last full quarter": "Siste hele kvartal",
    "See the chart": "Se grafen",
    "Headline numbers": "Nøkkeltall",
    "Teams": "Team",
    "Expected against actual": "Forventet mot faktisk",
    "What if": "Hva om",
    "Activity mix": "Aktivitetsmiks",
    "Where flagged reps leak": "Hvor flaggede selgere taper",
    "Lag": "Forsinkelse",
    "Busy, not converting": "Travle, men konverterer ikke",
    "Busy and converting": "Travle og konverterer",
    "Efficient": "Effektive",
    "Quiet": "Rolige",
    "not enough data": "for lite data",
    "flagged": "flagget",
    "ok": "ok",
    "Download table (CSV)": "Last ned tabell (CSV)",
    "Performance measure": "Resultatmål",
    "won deals": "vunne avtaler",
    "revenue": "omsetning",
    "Period": "Periode",
    "week": "uke",
    "month": "måned",
    "Rep": "Selger",
    "Team": "Team",
    "No data in this selection. Widen the date range or clear the team and rep filters.":
        "Ingen data i dette utvalget. Utvid perioden eller fjern team- og selgerfiltrene.",
}


def language() -> str:
    return st.session_state.get("language", "en")


def t(text: str, **values) -> str:
    translated = NORWEGIAN.get(text, text) if language() == "nb" else text
    return translated.format(**values) if values else translated

"""Pseudonyms for the people in a shared view, so that it can go to a board without a real name in it.

- Reps and managers get stable pseudonyms (Rep A … Rep Z, Rep AA …; Manager A …): one person has one
  pseudonym in every frame and in the view state. A manager who is also a rep keeps the rep's.
- Deal ids and table sources (file and sheet names) often carry a customer's or a person's name, so
  they become opaque labels (Deal 1, Table 1), the same for the same value everywhere.
- Every other text (teams, regions, activity types, the view state) has each person's full name, and
  each part of it, replaced wherever it stands as a word.
- What quotes the uploaded files' own words, which may name anyone, is dropped: the values of the quality
  report's reasons (the column names, the values they quote), and the reading warnings and notes (a count
  of the warnings stays).

Pseudonyms are dealt in a random order, so that 'Rep A' says nothing about a name's place in the alphabet.
This is pseudonymisation, not anonymity: someone who knows the team may still recognise the only rep in
a region, or the one with the largest deal.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from metrics.text import N_, Message

if TYPE_CHECKING:
    from metrics.sharing.view import SharedView

PEOPLE_COLUMNS = {"rep": "Rep", "manager": "Manager"}
# Short words in names that say nothing about who someone is, and would blank ordinary text if replaced.
PARTICLES = {
    "da",
    "das",
    "de",
    "del",
    "della",
    "der",
    "den",
    "di",
    "do",
    "dos",
    "du",
    "la",
    "le",
    "van",
    "von",
    "af",
    "av",
    "jr",
    "sr",
}
NAME_REMOVED = "(name removed)"
QUOTE_REMOVED = "…"
# Columns whose values come from the engine's own vocabulary ('won', 'dropped', a reason's template): a rep
# called Won Kim must not turn a status into a pseudonym.
VOCABULARY_COLUMNS = {"status", "action", "reason"}
# View-state strings written by code (page, performance measure, scenario keys) are left alone unless
# they are a name as a whole; other strings, and keys that hold data text, are scrubbed.
CODE_WORD = re.compile(r"[a-z_][a-z0-9_]*")


def letters(number: int) -> str:
    """A, B, … Z, AA, AB, …: the spreadsheet column name of a 0-based number."""
    name = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def _distinct(frames: list[pd.DataFrame], column: str) -> list[str]:
    values = [frame[column] for frame in frames if column in frame]
    if not values:
        return []
    found = pd.concat(values).dropna()
    return list(dict.fromkeys(str(value) for value in found))


def pseudonyms(view: SharedView, rng: random.Random | None = None) -> dict[str, str]:
    """Each rep's and manager's pseudonym, dealt in a random order: {'Kari Nordmann': 'Rep C', ...}."""
    rng = rng or random.SystemRandom()
    frames = [view.activities, view.outcomes, view.roster]
    dealt: dict[str, str] = {}
    for column, title in PEOPLE_COLUMNS.items():
        people = sorted(name for name in _distinct(frames, column) if name not in dealt)
        rng.shuffle(people)
        dealt.update({name: f"{title} {letters(number)}" for number, name in enumerate(people)})
    return dealt


def _labels(values: list[str], title: str) -> dict[str, str]:
    return {value: f"{title} {number}" for number, value in enumerate(values, start=1)}


def _has_letter(text: str) -> bool:
    return any(character.isalpha() for character in text)


class Scrubber:
    """Replaces people, deal ids and sources in values and in free text, the same way everywhere."""

    def __init__(self, people: dict[str, str], deals: dict[str, str], sources: dict[str, str]):
        self.people, self.deals, self.sources = people, deals, sources
        self.whole = {key.casefold(): label for key, label in {**people, **sources}.items()}
        in_text = {**self.whole}
        parts: dict[str, set[str]] = {}
        for name, label in people.items():
            for part in re.split(r"[\s,.;:()/\"]+", name):
                if len(part) >= 2 and _has_letter(part) and part.casefold() not in PARTICLES:
                    parts.setdefault(part.casefold(), set()).add(label)
        for part, labels in parts.items():
            in_text.setdefault(part, labels.pop() if len(labels) == 1 else NAME_REMOVED)
        # A name with no letter (a rep id such as 1042) is replaced only as a whole value: as a word it
        # would also match numbers and dates in ordinary text.
        self.in_text = {key: label for key, label in in_text.items() if _has_letter(key)}
        words = sorted(self.in_text, key=len, reverse=True)
        self.pattern = (
            re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)", re.IGNORECASE) if words else None
        )

    def text(self, value: str) -> str:
        whole = self.whole.get(value.casefold())
        if whole is not None:
            return whole
        if self.pattern is None:
            return value
        return self.pattern.sub(lambda match: self.in_text[match.group(0).casefold()], value)

    @staticmethod
    def detail(value: str) -> str:
        """A reason's values (JSON text) with every text among them removed: the user's column names and cells
        ("unparseable count in '…'"); numbers, such as a year, stay."""
        if not value:
            return value
        values = json.loads(value)
        return json.dumps(
            {name: QUOTE_REMOVED if isinstance(item, str) else item for name, item in values.items()},
            ensure_ascii=False,
            sort_keys=True,
        )

    def column(self, values: pd.Series) -> pd.Series:
        """The column with every text replaced, in its own dtype: people and deals by their labels."""
        fixed = {"rep": self.people, "manager": self.people, "deal_id": self.deals, "source": self.sources}
        mapping = fixed.get(values.name)
        distinct = [value for value in values.dropna().unique() if isinstance(value, str)]
        if not distinct:
            return values
        scrub = self.detail if values.name == "detail" else self.text
        replaced = {
            value: mapping[value] if mapping is not None and value in mapping else scrub(value) for value in distinct
        }
        return values.map(lambda value: replaced.get(value, value) if isinstance(value, str) else value).astype(
            values.dtype
        )

    def frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        texts = [
            c
            for c in frame.columns
            if c not in VOCABULARY_COLUMNS and (pd.api.types.is_string_dtype(frame[c]) or frame[c].dtype == object)
        ]
        return frame.assign(**{column: self.column(frame[column]) for column in texts})

    def word(self, value: str) -> str:
        """A view-state string: a name as a whole is replaced, a code word kept, any other text scrubbed."""
        if CODE_WORD.fullmatch(value) and value.casefold() not in self.whole:
            return value
        return self.text(value)

    def state(self, value: Any) -> Any:
        """A JSON value with its strings, keys included, replaced as `word` says."""
        if isinstance(value, str):
            return self.word(value)
        if isinstance(value, list):
            return [self.state(item) for item in value]
        if isinstance(value, dict):
            return {self.word(key): self.state(item) for key, item in value.items()}
        return value


def withheld(warnings: int) -> Message:
    """What stands for the reading warnings in an anonymised view: they quote the files, so they stay behind."""
    if warnings == 1:
        return Message(
            N_(
                "1 reading warning about the uploaded files is left out of this anonymised view, as it "
                "quotes the files' own words. The numbers may be affected: the person who shared it can see "
                "the warning."
            )
        )
    return Message(
        N_(
            "{warnings:count} reading warnings about the uploaded files are left out of this anonymised "
            "view, as they quote the files' own words. The numbers may be affected: the person who shared "
            "it can see the warnings."
        ),
        {"warnings": warnings},
    )


def anonymise(view: SharedView, rng: random.Random | None = None) -> tuple[SharedView, dict[str, str]]:
    """The view with no real name in it, and the pseudonyms it used (for the sharer's eyes only, never stored)."""
    people = pseudonyms(view, rng)
    frames = [view.activities, view.outcomes, view.roster, view.problems]
    deals = _labels(_distinct(frames, "deal_id"), "Deal")
    sources = _labels(
        list(dict.fromkeys([*(table.source for table in view.tables), *_distinct(frames, "source")])), "Table"
    )
    scrub = Scrubber(people, deals, sources)
    anonymised = replace(
        view,
        activities=scrub.frame(view.activities),
        outcomes=scrub.frame(view.outcomes),
        roster=scrub.frame(view.roster),
        problems=scrub.frame(view.problems),
        tables=[replace(table, source=sources[table.source]) for table in view.tables],
        warnings=[withheld(len(view.warnings))] if view.warnings else [],
        notes=[],
        view_state=scrub.state(view.view_state),
        anonymised=True,
    )
    return anonymised, people

"""Is a record written for the child who may one day read it? A reading-age estimate and the
jargon in it, with plainer words."""

from __future__ import annotations

import re
from dataclasses import dataclass

import textstat

# Words a child should not have to decode, and what to say instead.
JARGON: dict[str, str] = {
    "LAC": "a child in care (or just your name)",
    "looked after": "in care",
    "S47": "an enquiry to check you were safe",
    "section 47": "an enquiry to check you were safe",
    "contact": "family time",
    "CP": "a plan to keep you safe",
    "child protection": "keeping you safe",
    "CIN": "help for your family",
    "placement": "your home",
    "respite": "short breaks",
    "LADO": "the person who checks how adults who work with children behave",
    "strategy discussion": "a meeting to plan how to help",
    "core group": "the group of people helping your family",
    "presenting": "seemed",
    "disclosed": "told me",
    "disclosure": "what you told me",
    "engagement": "working with us",
    "threshold": "the level of help needed",
}

_PATTERNS = [
    (term, re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])", 0 if term.isupper() else re.I))
    for term in JARGON
]


@dataclass(frozen=True)
class Jargon:
    term: str
    instead: str
    count: int


@dataclass(frozen=True)
class Readability:
    words: int
    reading_age: int | None  # years; None when there is too little text to say
    jargon: list[Jargon]

    def as_json(self) -> dict[str, object]:
        return {
            "words": self.words,
            "reading_age": self.reading_age,
            "message": self.message,
            "jargon": [
                {"term": j.term, "instead": j.instead, "count": j.count} for j in self.jargon
            ],
        }

    @property
    def message(self) -> str:
        if self.reading_age is None:
            return "Write a few sentences to see a reading-age estimate."
        return f"A reader of about {self.reading_age} could read this."


MIN_WORDS = 10


def assess(text: str) -> Readability:
    text = text[:50_000]
    words = textstat.lexicon_count(text)
    reading_age: int | None = None
    if words >= MIN_WORDS:
        # Flesch-Kincaid grade is a US school grade: a reader of about grade + 5 years.
        grade = textstat.flesch_kincaid_grade(text)
        reading_age = max(5, min(21, round(grade + 5)))
    found = []
    for term, pattern in _PATTERNS:
        count = len(pattern.findall(text))
        if count:
            found.append(Jargon(term=term, instead=JARGON[term], count=count))
    return Readability(words=words, reading_age=reading_age, jargon=found)

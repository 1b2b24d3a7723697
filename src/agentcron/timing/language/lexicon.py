"""Tokens and the closed word lists the grammar is written against.

Tokens keep their place in the original text, so the command can be rebuilt from
whatever the timing clauses did not consume. Every regex here is anchored and
free of nested repetition, and runs on one token at a time: the cost of a
sentence grows linearly with its length, whatever it contains.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    WORD = "word"
    PUNCT = "punct"
    QUOTED = "quoted"


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    norm: str  # lowercase, typographic quotes folded, trailing dots dropped
    start: int
    end: int
    kind: Kind
    space_before: bool


_TOKEN = re.compile(r'"[^"]{0,2000}"|[(),;!?]|[^\s(),;!?"]+|"')
_FOLD = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)


def fold(text: str) -> str:
    """Typographic quotes and dashes as their ASCII twins; lengths are unchanged."""
    return text.translate(_FOLD)


def tokenize(text: str) -> list[Token]:
    """Words, punctuation and quoted stretches; the sentence's final dot is punctuation."""
    tokens: list[Token] = []
    for found in _TOKEN.finditer(text):
        raw, start = found.group(), found.start()
        space = start > 0 and text[start - 1].isspace()
        if raw.startswith('"') and len(raw) > 1:
            tokens.append(Token(raw, raw, start, found.end(), Kind.QUOTED, space))
        elif len(raw) == 1 and raw in "(),;!?":
            tokens.append(Token(raw, raw, start, found.end(), Kind.PUNCT, space))
        else:
            tokens.append(Token(raw, _norm(raw), start, found.end(), Kind.WORD, space))
    tokens = [piece for token in tokens for piece in _split_zulu(token)]
    tokens = [piece for token in tokens for piece in _split_iso(token)]
    last = tokens[-1] if tokens else None
    if (
        last
        and last.kind is Kind.WORD
        and last.text.endswith(".")
        and not MERIDIEM_END.search(last.norm)
    ):
        tokens.pop()
        cut = last.end - 1
        if cut > last.start:
            word = last.text[:-1]
            tokens.append(Token(word, _norm(word), last.start, cut, Kind.WORD, last.space_before))
        alone = last.space_before and cut == last.start
        tokens.append(Token(".", ".", cut, last.end, Kind.PUNCT, alone))
    return tokens


_ZULU = re.compile(r"([0-9]{1,2}:[0-9]{2}|[0-9]{4})[zZ]")


def _split_zulu(token: Token) -> list[Token]:
    """ "09:00Z", "0900Z" are a time and a zone: two tokens, so each clause finds its own."""
    found = _ZULU.fullmatch(token.text) if token.kind is Kind.WORD else None
    if found is None:
        return [token]
    cut = token.start + len(found.group(1))
    return [
        Token(found.group(1), found.group(1), token.start, cut, Kind.WORD, token.space_before),
        Token("Z", "z", cut, token.end, Kind.WORD, False),
    ]


_ISO_INSTANT = re.compile(
    r"([0-9]{4}-[0-9]{1,2}-[0-9]{1,2})[tT]([0-9]{1,2}:[0-9]{2})(?::00(?:\.0+)?)?([zZ]|[+-][0-9]{2}:?[0-9]{2})?"
)


def _split_iso(token: Token) -> list[Token]:
    """ "2026-12-24T09:00:00+02:00" is a date, a time and a zone: one token each, so each
    clause finds its own (a fixed offset is then refused for what it is)."""
    found = _ISO_INSTANT.fullmatch(token.text) if token.kind is Kind.WORD else None
    if found is None:
        return [token]
    pieces = []
    for group in (1, 2, 3):
        if found.group(group) is None:
            continue
        start, end = token.start + found.start(group), token.start + found.end(group)
        text = found.group(group)
        pieces.append(
            Token(
                text,
                _norm(text),
                start,
                end,
                Kind.WORD,
                token.space_before if group == 1 else False,
            )
        )
    return pieces


def _norm(word: str) -> str:
    """Lowercase, accents dropped ("São Paulo" matches Sao_Paulo), a trailing dot dropped."""
    low = word.lower()
    if not low.isascii():
        low = "".join(c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c))
    return low if MERIDIEM_END.search(low) else low.rstrip(".")


MERIDIEM = re.compile(r"[ap]\.?m\.?")
MERIDIEM_END = re.compile(r"(?:^|[0-9])[ap]\.m\.$")

WEEKDAY_NAMES = {
    "monday": 1,
    "tuesday": 2,
    "wednesday": 3,
    "thursday": 4,
    "friday": 5,
    "saturday": 6,
    "sunday": 0,
}
WEEKDAY_ABBREVIATIONS = {
    "mon": 1,
    "tue": 2,
    "tues": 2,
    "wed": 3,
    "thu": 4,
    "thur": 4,
    "thurs": 4,
    "fri": 5,
    "sat": 6,
    "sun": 0,
}
MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
}
ORDINAL_WORDS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "fifteenth": 15,
    "twentieth": 20,
    "thirtieth": 30,
}
UNITS = {
    "s": "seconds",
    "sec": "seconds",
    "secs": "seconds",
    "second": "seconds",
    "seconds": "seconds",
    "m": "minutes",
    "mn": "minutes",
    "min": "minutes",
    "mins": "minutes",
    "minute": "minutes",
    "minutes": "minutes",
    "h": "hours",
    "hr": "hours",
    "hrs": "hours",
    "hour": "hours",
    "hours": "hours",
    "d": "days",
    "day": "days",
    "days": "days",
    "w": "weeks",
    "wk": "weeks",
    "wks": "weeks",
    "week": "weeks",
    "weeks": "weeks",
    "month": "months",
    "months": "months",
    "yr": "years",
    "yrs": "years",
    "year": "years",
    "years": "years",
}
PERIODS = {
    "morning": "morning",
    "mornings": "morning",
    "afternoon": "afternoon",
    "afternoons": "afternoon",
    "evening": "evening",
    "evenings": "evening",
    "night": "night",
    "nights": "night",
}

NUMBER = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,2})?")
ORDINAL = re.compile(r"([0-9]{1,2})(?:st|nd|rd|th)")
NUMBER_WITH_UNIT = re.compile(r"([0-9]{1,3}(?:\.[0-9]{1,2})?)([a-z]{1,7})")
ISO_DATE = re.compile(r"([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})")  # also 2026/12/20


def weekday(norm: str) -> tuple[int, bool, bool] | None:
    """(cron day number, is an abbreviation, is plural) for a day-of-week word."""
    if norm in WEEKDAY_NAMES:
        return WEEKDAY_NAMES[norm], False, False
    if norm.endswith("s") and norm[:-1] in WEEKDAY_NAMES:
        return WEEKDAY_NAMES[norm[:-1]], False, True
    if norm in WEEKDAY_ABBREVIATIONS:
        return WEEKDAY_ABBREVIATIONS[norm], True, False
    return None


def number(norm: str, *, words: bool = True) -> float | None:
    if NUMBER.fullmatch(norm):
        return float(norm)
    if words and norm in NUMBER_WORDS:
        return float(NUMBER_WORDS[norm])
    return None


def ordinal(norm: str) -> int | None:
    found = ORDINAL.fullmatch(norm)
    if found:
        return int(found.group(1))
    return ORDINAL_WORDS.get(norm)

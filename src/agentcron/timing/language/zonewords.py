"""Time zones in words: "5pm PT", "at 9am EST", "Berlin time", "in Asia/Tokyo", "(UTC)".

Every zone word becomes an IANA zone that follows its place's daylight-saving
rules: "PT", "PST" and "PDT" all mean Pacific time, America/Los_Angeles, which is
PST in winter and PDT in summer; "EST" means Eastern time as "ET" does. People
write the standard-time name all year, and a schedule that jumped an hour in
March would be wrong in the one way this product must never be. "GMT", "UTC" and
"Z" are UTC; "BST" is UK time. The reading goes into the zone's `note`, so the
person sees "PT read as Pacific time, America/Los_Angeles (follows daylight saving)".

Where a word stands decides whether it is a zone (checked in `match_zone`):
- an IANA name ("Europe/Berlin", "America/New_York") is one anywhere;
- "<place> time" ("Berlin time", "Pacific time", "UK time", "local time"), a
  multi-letter abbreviation ("PST", "CEST") and a bare "UTC"/"GMT" right after a
  timing clause, after "in", in parentheses or as the sentence's last word;
- a two-letter abbreviation ("PT", "ET", "CT", "MT"), "Z", a bare region word
  ("5pm Pacific") and a city ("at 9am in Paris", "at 9am London") only right
  after a timing clause: elsewhere they are ordinary words ("the CT scan",
  "the weather in Paris").
Abbreviations that name different zones in different places ("IST": India,
Ireland or Israel) are read from the caller's own zone when it keeps the same
clock as one of them, and refused otherwise.
"""

from __future__ import annotations

import functools
import re
import zoneinfo
from datetime import UTC, datetime

from agentcron.timing.language.facts import Unsupported, Zone
from agentcron.timing.language.lexicon import Kind
from agentcron.timing.language.words import Match, Words
from agentcron.timing.language.zonenames import (
    ABBREVIATIONS,
    AMBIGUOUS,
    BARE_REGIONS,
    CITIES,
    NOT_CITIES,
    PLACES,
    REGIONS,
    WEAK_ABBREVIATIONS,
)

ZONE_EXAMPLE = "every weekday at 9am in Europe/Berlin"

_LOCAL = frozenset({"local", "my", "our", "your"})
_REGION_PREFIXES = frozenset(
    {
        "africa",
        "america",
        "antarctica",
        "arctic",
        "asia",
        "atlantic",
        "australia",
        "brazil",
        "canada",
        "chile",
        "etc",
        "europe",
        "indian",
        "mexico",
        "pacific",
        "us",
    }
)
_FIXED_OFFSET = re.compile(r"(?:utc|gmt)([+-])([0-9]{1,2})(?::?([0-9]{2}))?")
_BARE_OFFSET = re.compile(r"([+-])([0-9]{2})(?::?([0-9]{2}))?")  # "+02:00" after a time
_MAX_PLACE_WORDS = 3
_ARTICLES = frozenset({"the", "a", "an", "my", "our", "your", "their", "this", "that"})


@functools.cache
def _iana() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones()}


@functools.cache
def _iana_cities() -> dict[tuple[str, ...], str]:
    """ "berlin" -> Europe/Berlin, ("new", "york") -> America/New_York; aliases resolve alike."""
    found: dict[tuple[str, ...], str] = {}
    for name in sorted(zoneinfo.available_timezones(), key=lambda n: (n.count("/"), n)):
        region, _, city = name.rpartition("/")
        if not region or region.split("/")[0].lower() not in _REGION_PREFIXES:
            continue
        if region.lower() in ("antarctica", "etc", "us", "canada", "brazil", "chile", "mexico"):
            continue
        key = tuple(city.lower().replace("_", " ").split())
        if key and key[0] not in NOT_CITIES:
            found[key] = name
    return {**found, **CITIES}


def _daylight(name: str, year: int) -> bool:
    zone = zoneinfo.ZoneInfo(name)
    offsets = {datetime(year, month, 1, tzinfo=zone).utcoffset() for month in (1, 7)}
    return len(offsets) > 1


def same_clock(first: str, second: str, year: int) -> bool:
    """Whether two zones show the same time all year (this year and next), month by month."""
    try:
        one, other = zoneinfo.ZoneInfo(first), zoneinfo.ZoneInfo(second)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    for month in range(24):
        instant = datetime(year + month // 12, month % 12 + 1, 15, tzinfo=UTC)
        if instant.astimezone(one).utcoffset() != instant.astimezone(other).utcoffset():
            return False
    return True


def note(said: str, name: str, label: str | None, year: int) -> str:
    """ "PT" read as Pacific time, America/Los_Angeles (follows daylight saving)."""
    reading = f"{label}, {name}" if label and label != name else name
    rule = "follows daylight saving" if _daylight(name, year) else "no daylight saving"
    return f'"{said}" read as {reading} ({rule})'


def match_zone(w: Words, i: int) -> Match | None:
    """A zone word starting at token i, where it stands as a zone (see the module's rules)."""
    after_clause = w.after(i) is not None
    j = w.skip(i, "in", "tz", "timezone")
    led = j > i
    if led and w.at(i) == "in" and w.at(j) == "the":  # "in the Berlin timezone"
        j += 1
    paren = w.at(j) == "("
    j = w.skip(j, "(")
    word = w.at(j)
    if "/" in word:
        return _iana_name(w, i, j, paren)
    if _FIXED_OFFSET.fullmatch(word) or (after_clause and _BARE_OFFSET.fullmatch(word)):
        return _fixed_offset(w, i, j, paren)
    found = _zone_word(w, j)
    if found is None:
        return None
    end, name, label, strength = found
    end = _close(w, end, paren)
    # "Berlin time 9am every day": a strong zone word right before a time stands too
    # ("check the UK time at 9" keeps its object: not after an article, not before "at")
    before_time = w.at(end)[:1].isdigit() and w.at(i - 1) not in _ARTICLES
    placed = after_clause or (
        (led or paren or w.is_last(end - 1) or before_time) and strength == "strong"
    )
    if not placed:
        return None
    said = w.text(i if led and label == "" else j, found[0])
    if isinstance(name, Unsupported):
        return end, name
    if label is None:
        return end, Zone(name)
    return end, Zone(name, note(said, name, label or None, w.now.year))


def _iana_name(w: Words, i: int, j: int, paren: bool) -> Match | None:
    word = w.at(j)
    name = _iana().get(word)
    if name is None and w.at(j + 1).isalpha():  # "America/New York", "America/Los Angeles"
        joined = _iana().get(f"{word}_{w.at(j + 1)}")
        if joined is not None:
            end = _close(w, j + 2, paren)
            return _zone_suffix(w, end) or end, Zone(joined)
    if name is None:
        if word.split("/")[0] in _REGION_PREFIXES:
            return _close(w, j + 1, paren), Unsupported(
                f'"{w.tokens[j].text}" is not a time zone I know', ZONE_EXAMPLE
            )
        return None
    end = _close(w, j + 1, paren)
    return _zone_suffix(w, end) or end, Zone(name)


def _fixed_offset(w: Words, i: int, j: int, paren: bool) -> Match:
    found = _FIXED_OFFSET.fullmatch(w.at(j)) or _BARE_OFFSET.fullmatch(w.at(j))
    assert found is not None
    sign, hours, minutes = found.group(1), int(found.group(2)), int(found.group(3) or 0)
    if hours == 0 and minutes == 0:
        return _close(w, j + 1, paren), Zone("UTC")
    if minutes == 0 and hours <= (14 if sign == "+" else 12):
        # Etc/GMT names count the other way: UTC+2 is Etc/GMT-2
        name = f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"
        return _close(w, j + 1, paren), Zone(name, fixed=w.tokens[j].text)
    return _close(w, j + 1, paren), Unsupported(
        f'"{w.tokens[j].text}": name the zone instead of a fixed offset, so daylight saving '
        "is followed",
        ZONE_EXAMPLE,
    )


def _close(w: Words, j: int, paren: bool) -> int:
    return w.skip(j, ")") if paren else j


def _time_word(w: Words, j: int) -> int | None:
    """Past "time", "standard time", "daylight time", "summer time", "time zone"."""
    k = w.skip(j, "standard", "daylight", "summer")
    if w.at(k) != "time":
        return None
    k += 1
    if w.at(k) == "zone":
        return k + 1
    return k


def _zone_suffix(w: Words, j: int) -> int | None:
    """Past "time", "time zone" or "timezone" after a place."""
    return j + 1 if w.at(j) == "timezone" else _time_word(w, j)


def _zone_word(w: Words, j: int) -> tuple[int, str | Unsupported, str | None, str] | None:
    """(end, zone or why not, label, "strong" | "weak") for the zone word at j.

    The label names the reading for the note: None for no note (a plain "UTC"), ""
    for a place whose own name says it all ("Berlin time" read as Europe/Berlin)."""
    word = w.at(j)
    if w.tokens[j : j + 1] and w.tokens[j].kind is not Kind.WORD:
        return None
    if word in _LOCAL and (end := _time_word(w, j + 1)) is not None:
        return end, w.context, "your zone", "strong"
    if word in ABBREVIATIONS or word in AMBIGUOUS:
        end = w.skip(j + 1, "time")
        strength = "weak" if word in WEAK_ABBREVIATIONS else "strong"
        if word in AMBIGUOUS:
            return (end, *_ambiguous(w, j), strength)
        name, label = ABBREVIATIONS[word]
        return end, name, None if word == "utc" else label, strength
    for size in range(_MAX_PLACE_WORDS, 0, -1):
        key = tuple(w.at(j + k) for k in range(size))
        if not all(key):
            continue
        timed = _zone_suffix(w, j + size)
        if key in REGIONS:
            name, label = REGIONS[key]
            if timed is not None:
                return timed, name, label, "strong"
            if key in BARE_REGIONS or (key in PLACES and w.at(j - 1) == "in"):
                return j + size, name, label, "weak"
        city = _iana_cities().get(key)
        if city is not None:
            if timed is not None:
                return timed, city, "", "strong"
            return j + size, city, "", "weak"
    return None


def _ambiguous(w: Words, j: int) -> tuple[str | Unsupported, str | None]:
    word = w.at(j)
    candidates, default = AMBIGUOUS[word]
    for name, label in candidates:
        if same_clock(name, w.context, w.now.year):
            return name, label
    shown = w.tokens[j].text
    if default is None:
        places = [label.removesuffix(" time") for _, label in candidates]
        listed = ", ".join(places[:-1]) + " or " + places[-1]
        return Unsupported(
            f'"{shown}" could be {listed} time: name the zone', f"at 9am in {candidates[0][0]}"
        ), None
    label = dict(candidates)[default]
    return default, label

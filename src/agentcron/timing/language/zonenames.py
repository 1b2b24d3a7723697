"""The zone words people use, and the IANA zone each one means.

Abbreviations name a region's local time, not one half of its year: "PST" and
"PDT" are both America/Los_Angeles. Where one abbreviation names several zones
("IST"), the candidates are listed and the caller's zone chooses among them.
Region and country words become zones before "time"; city names that are not the
last part of an IANA name are listed here, the IANA ones are found in the tz
database itself.
"""

from __future__ import annotations

# abbreviation -> (zone, label); the label names the region's local time.
ABBREVIATIONS: dict[str, tuple[str, str]] = {
    "pt": ("America/Los_Angeles", "Pacific time"),
    "pst": ("America/Los_Angeles", "Pacific time"),
    "pdt": ("America/Los_Angeles", "Pacific time"),
    "mt": ("America/Denver", "Mountain time"),
    "mst": ("America/Denver", "Mountain time"),
    "mdt": ("America/Denver", "Mountain time"),
    "ct": ("America/Chicago", "Central time"),
    "cdt": ("America/Chicago", "Central time"),
    "et": ("America/New_York", "Eastern time"),
    "est": ("America/New_York", "Eastern time"),
    "edt": ("America/New_York", "Eastern time"),
    "akst": ("America/Anchorage", "Alaska time"),
    "akdt": ("America/Anchorage", "Alaska time"),
    "hst": ("Pacific/Honolulu", "Hawaii time"),
    "adt": ("America/Halifax", "Atlantic time"),
    "nst": ("America/St_Johns", "Newfoundland time"),
    "ndt": ("America/St_Johns", "Newfoundland time"),
    "utc": ("UTC", "UTC"),
    "gmt": ("UTC", "UTC"),
    "z": ("UTC", "UTC"),
    "zulu": ("UTC", "UTC"),
    "cet": ("Europe/Berlin", "Central European time"),
    "cest": ("Europe/Berlin", "Central European time"),
    "met": ("Europe/Berlin", "Central European time"),
    "mest": ("Europe/Berlin", "Central European time"),
    "eet": ("Europe/Athens", "Eastern European time"),
    "eest": ("Europe/Athens", "Eastern European time"),
    "wet": ("Europe/Lisbon", "Western European time"),
    "msk": ("Europe/Moscow", "Moscow time"),
    "pkt": ("Asia/Karachi", "Pakistan time"),
    "ict": ("Asia/Bangkok", "Indochina time"),
    "sgt": ("Asia/Singapore", "Singapore time"),
    "hkt": ("Asia/Hong_Kong", "Hong Kong time"),
    "pht": ("Asia/Manila", "Philippine time"),
    "jst": ("Asia/Tokyo", "Japan time"),
    "kst": ("Asia/Seoul", "Korea time"),
    "awst": ("Australia/Perth", "Australian Western time"),
    "acst": ("Australia/Adelaide", "Australian Central time"),
    "acdt": ("Australia/Adelaide", "Australian Central time"),
    "aest": ("Australia/Sydney", "Australian Eastern time"),
    "aedt": ("Australia/Sydney", "Australian Eastern time"),
    "aet": ("Australia/Sydney", "Australian Eastern time"),
    "nzst": ("Pacific/Auckland", "New Zealand time"),
    "nzdt": ("Pacific/Auckland", "New Zealand time"),
    "nzt": ("Pacific/Auckland", "New Zealand time"),
    "sast": ("Africa/Johannesburg", "South African time"),
    "brt": ("America/Sao_Paulo", "Brasilia time"),
    "art": ("America/Argentina/Buenos_Aires", "Argentina time"),
    "wib": ("Asia/Jakarta", "Western Indonesia time"),
    "wita": ("Asia/Makassar", "Central Indonesia time"),
    "myt": ("Asia/Kuala_Lumpur", "Malaysia time"),
    "npt": ("Asia/Kathmandu", "Nepal time"),
    "gst": ("Asia/Dubai", "Gulf time"),
}
# Abbreviations used for more than one zone: the candidates, and the reading taken when
# the caller's zone matches none of them (None: refuse and ask).
AMBIGUOUS: dict[str, tuple[tuple[tuple[str, str], ...], str | None]] = {
    "ist": (
        (
            ("Asia/Kolkata", "India time"),
            ("Europe/Dublin", "Irish time"),
            ("Asia/Jerusalem", "Israel time"),
        ),
        None,
    ),
    "cst": (
        (
            ("America/Chicago", "Central time"),
            ("Asia/Shanghai", "China time"),
            ("America/Havana", "Cuba time"),
        ),
        "America/Chicago",
    ),
    "bst": (
        (("Europe/London", "UK time"), ("Asia/Dhaka", "Bangladesh time")),
        "Europe/London",
    ),
    "ast": (
        (("America/Halifax", "Atlantic time"), ("Asia/Riyadh", "Arabia time")),
        None,
    ),
}
# Common words that happen to be abbreviations: zones only right after a time.
WEAK_ABBREVIATIONS = frozenset(
    {
        "pt",
        "mt",
        "ct",
        "et",
        "z",
        "zulu",
        "met",
        "wet",
        "ict",
        "nst",
        "ast",
        "sgt",
        "pkt",
        "art",
        "gst",
    }
)

# Region and country words, read as zones before "time" ("Pacific time", "UK time");
# the first four also right after a time ("5pm Pacific").
REGIONS: dict[tuple[str, ...], tuple[str, str]] = {
    ("pacific",): ("America/Los_Angeles", "Pacific time"),
    ("mountain",): ("America/Denver", "Mountain time"),
    ("central",): ("America/Chicago", "Central time"),
    ("eastern",): ("America/New_York", "Eastern time"),
    ("us", "pacific"): ("America/Los_Angeles", "Pacific time"),
    ("us", "mountain"): ("America/Denver", "Mountain time"),
    ("us", "central"): ("America/Chicago", "Central time"),
    ("us", "eastern"): ("America/New_York", "Eastern time"),
    ("atlantic",): ("America/Halifax", "Atlantic time"),
    ("alaska",): ("America/Anchorage", "Alaska time"),
    ("hawaii",): ("Pacific/Honolulu", "Hawaii time"),
    ("central", "european"): ("Europe/Berlin", "Central European time"),
    ("eastern", "european"): ("Europe/Athens", "Eastern European time"),
    ("western", "european"): ("Europe/Lisbon", "Western European time"),
    ("australian", "eastern"): ("Australia/Sydney", "Australian Eastern time"),
    ("australian", "central"): ("Australia/Adelaide", "Australian Central time"),
    ("australian", "western"): ("Australia/Perth", "Australian Western time"),
    ("uk",): ("Europe/London", "UK time"),
    ("british",): ("Europe/London", "UK time"),
    ("irish",): ("Europe/Dublin", "Irish time"),
    ("ireland",): ("Europe/Dublin", "Irish time"),
    ("india",): ("Asia/Kolkata", "India time"),
    ("indian",): ("Asia/Kolkata", "India time"),
    ("israel",): ("Asia/Jerusalem", "Israel time"),
    ("japan",): ("Asia/Tokyo", "Japan time"),
    ("japanese",): ("Asia/Tokyo", "Japan time"),
    ("korea",): ("Asia/Seoul", "Korea time"),
    ("korean",): ("Asia/Seoul", "Korea time"),
    ("china",): ("Asia/Shanghai", "China time"),
    ("chinese",): ("Asia/Shanghai", "China time"),
    ("germany",): ("Europe/Berlin", "German time"),
    ("german",): ("Europe/Berlin", "German time"),
    ("france",): ("Europe/Paris", "French time"),
    ("french",): ("Europe/Paris", "French time"),
    ("spain",): ("Europe/Madrid", "Spanish time"),
    ("spanish",): ("Europe/Madrid", "Spanish time"),
    ("italy",): ("Europe/Rome", "Italian time"),
    ("italian",): ("Europe/Rome", "Italian time"),
    ("dutch",): ("Europe/Amsterdam", "Dutch time"),
    ("swiss",): ("Europe/Zurich", "Swiss time"),
    ("new", "zealand"): ("Pacific/Auckland", "New Zealand time"),
    ("nz",): ("Pacific/Auckland", "New Zealand time"),
    ("netherlands",): ("Europe/Amsterdam", "Dutch time"),
    ("switzerland",): ("Europe/Zurich", "Swiss time"),
    ("austria",): ("Europe/Vienna", "Austrian time"),
    ("belgium",): ("Europe/Brussels", "Belgian time"),
    ("poland",): ("Europe/Warsaw", "Polish time"),
    ("sweden",): ("Europe/Stockholm", "Swedish time"),
    ("norway",): ("Europe/Oslo", "Norwegian time"),
    ("denmark",): ("Europe/Copenhagen", "Danish time"),
    ("finland",): ("Europe/Helsinki", "Finnish time"),
    ("greece",): ("Europe/Athens", "Greek time"),
    ("czechia",): ("Europe/Prague", "Czech time"),
    ("romania",): ("Europe/Bucharest", "Romanian time"),
    ("ukraine",): ("Europe/Kyiv", "Ukrainian time"),
    ("turkey",): ("Europe/Istanbul", "Turkish time"),
    ("egypt",): ("Africa/Cairo", "Egyptian time"),
    ("south", "africa"): ("Africa/Johannesburg", "South African time"),
    ("nigeria",): ("Africa/Lagos", "Nigerian time"),
    ("kenya",): ("Africa/Nairobi", "Kenyan time"),
    ("pakistan",): ("Asia/Karachi", "Pakistan time"),
    ("bangladesh",): ("Asia/Dhaka", "Bangladesh time"),
    ("thailand",): ("Asia/Bangkok", "Thai time"),
    ("vietnam",): ("Asia/Ho_Chi_Minh", "Vietnam time"),
    ("philippines",): ("Asia/Manila", "Philippine time"),
    ("taiwan",): ("Asia/Taipei", "Taiwan time"),
    ("uae",): ("Asia/Dubai", "UAE time"),
    ("argentina",): ("America/Argentina/Buenos_Aires", "Argentina time"),
    ("colombia",): ("America/Bogota", "Colombia time"),
    ("peru",): ("America/Lima", "Peru time"),
}
BARE_REGIONS = frozenset({("pacific",), ("mountain",), ("central",), ("eastern",)})
# Countries (not their adjectives: "at 9 in German" is a language) read as zones after
# "in" right behind a time: "every day at 9 in India".
PLACES = frozenset(
    key
    for key in REGIONS
    if key[-1]
    not in {
        "pacific",
        "mountain",
        "central",
        "eastern",
        "atlantic",
        "european",
        "western",
        "indian",
        "japanese",
        "korean",
        "chinese",
        "german",
        "french",
        "spanish",
        "italian",
        "dutch",
        "swiss",
        "british",
        "irish",
    }
)
# Cities people name that are not the last part of an IANA name.
CITIES: dict[tuple[str, ...], str] = {
    ("nyc",): "America/New_York",
    ("ny",): "America/New_York",
    ("new", "york", "city"): "America/New_York",
    ("washington",): "America/New_York",
    ("dc",): "America/New_York",
    ("boston",): "America/New_York",
    ("miami",): "America/New_York",
    ("atlanta",): "America/New_York",
    ("philadelphia",): "America/New_York",
    ("austin",): "America/Chicago",
    ("dallas",): "America/Chicago",
    ("houston",): "America/Chicago",
    ("san", "francisco"): "America/Los_Angeles",
    ("sf",): "America/Los_Angeles",
    ("la",): "America/Los_Angeles",
    ("seattle",): "America/Los_Angeles",
    ("silicon", "valley"): "America/Los_Angeles",
    ("montreal",): "America/Toronto",
    ("mumbai",): "Asia/Kolkata",
    ("delhi",): "Asia/Kolkata",
    ("new", "delhi"): "Asia/Kolkata",
    ("bangalore",): "Asia/Kolkata",
    ("bengaluru",): "Asia/Kolkata",
    ("hyderabad",): "Asia/Kolkata",
    ("chennai",): "Asia/Kolkata",
    ("beijing",): "Asia/Shanghai",
    ("shenzhen",): "Asia/Shanghai",
    ("osaka",): "Asia/Tokyo",
    ("munich",): "Europe/Berlin",
    ("frankfurt",): "Europe/Berlin",
    ("hamburg",): "Europe/Berlin",
    ("cologne",): "Europe/Berlin",
    ("barcelona",): "Europe/Madrid",
    ("milan",): "Europe/Rome",
    ("geneva",): "Europe/Zurich",
    ("tel", "aviv"): "Asia/Jerusalem",
    ("abu", "dhabi"): "Asia/Dubai",
}
# Last parts of IANA names that are also everyday words or names; never read as cities.
NOT_CITIES = frozenset(
    {"wake", "easter", "midway", "center", "knox", "marengo", "salem", "vevay", "winamac"}
)

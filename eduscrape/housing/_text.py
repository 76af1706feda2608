"""Contact, address and number helpers for :mod:`eduscrape.housing.extract`."""

from __future__ import annotations

import re
from functools import lru_cache

from eduscrape.housing._gated import Gated

_I = re.IGNORECASE


@lru_cache(maxsize=4096)
def number_value(text: str) -> int | None:
    """``"1,600.0"``, ``"1600"``, ``"$1,600.00"`` -> 1600 (price-parser does the parsing)."""
    from price_parser import Price

    amount = Price.fromstring(text, decimal_separator=".").amount
    if amount is None:
        return None
    return round(float(amount))


# -- street address -----------------------------------------------------------------

_SUFFIX = (
    r"(?:st|street|ave|avenue|av|rd|road|dr|drive|blvd|boulevard|ln|lane|ct|court|pl|place|way|"
    r"pkwy|parkway|cir|circle|ter|terrace|trl|trail|hwy|highway|pike|sq|square|row|loop|run|"
    r"trace|xing|crossing|plz|plaza|walk|path|pt|point|cv|cove|ridge|rdg|hl|hill|hls|"
    r"hollow|holw|bnd|bend|crk|creek|pass|park|grv|grove|landing|lndg|commons|mews|"
    r"aly|alley|expy|expressway|fwy|freeway|tpke|turnpike|cres|crescent|"
    r"gln|glen|knl|knoll|mdws?|meadows?|oval|spur|trce|crst|crest|ests?|estates|"
    r"sw|se|nw|ne|n|s|e|w)"
)
# Street types written before the name ("4512 Via Las Brisas", "210 Calle Cristobal").
_PREFIX_TYPE = r"(?:Via|Calle|(?:El\s+)?Camino|Caminito|Avenida|Paseo|Rue|Avenue\s+of\s+the)"
_STREET = re.compile(
    # "\d\d{0,5}", not "\d{1,6}": a leading digit class lets the engine skip to digits.
    r"(\d\d{0,5}[a-z]?)\s+"
    r"((?:[NSEW]\.?|North|South|East|West|NE|NW|SE|SW)\s+)?"
    r"(?:((?:\d{1,3}(?:st|nd|rd|th)|[A-Z][A-Za-z'.-]*)(?:[ \t]+[A-Z][A-Za-z'.-]*){0,3})[ \t]+"
    rf"(?i:{_SUFFIX})\b\.?"
    # "2401 NW 122nd": a numbered street needs no suffix.
    r"|(\d{1,3}(?:st|nd|rd|th|ST|ND|RD|TH))\b"
    rf"|((?i:{_PREFIX_TYPE})[ \t]+(?:(?:de|del|la|las|los|el)[ \t]+)*[A-Z][A-Za-z'.-]*"
    r"(?:[ \t]+(?:[A-Z][A-Za-z'.-]*|de|del|la|las|los|el))*)|(Broadway|BROADWAY)\b)",
)
# Street-like phrases that are not addresses ("2 Bedroom Way" never, "1 Car Garage").
_NOT_STREET = re.compile(
    r"^(?:bed|beds|bedrooms?|bath|baths|bathrooms?|br|ba|car|story|stories|level|month|year|"
    r"week|day|minute|mile|block|"
    r"unit|units|floor|person|people|pet|dog|cat|sq|square|acre|x|and|or|to|of|at|in|"
    r"on|the|a|an|min|hour|hr|full|half|great|large|huge|private)\b",
    _I,
)


_NOT_BEFORE_NUMBER = frozenset(
    "0123456789$#.,/:" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)


# Listing sites put the address in the page's URL ("/apartments/47-Notre-Dame-Street-Unit-2").
_URL_STREET = re.compile(
    rf"/(\d{{1,6}})-((?:[A-Za-z][A-Za-z'.]*-){{1,4}}?)(?i:{_SUFFIX})(?=[-/?#&.\s]|$)"
)


def street_candidates(text: str) -> list[str]:
    """Street addresses with a house number, in the text or in a URL's slug."""
    found: list[tuple[int, str]] = []
    for m in _STREET.finditer(text):
        s = m.start()
        if s and text[s - 1] in _NOT_BEFORE_NUMBER:
            continue
        if s > 1 and text[s - 1] == "-" and text[s - 2].isalpha():
            continue  # a highway ("I-395 Willow Run at Mark Center")
        name = m.group(3) or m.group(4) or m.group(5) or m.group(6)
        if _NOT_STREET.match(name):
            continue
        found.append((s, " ".join(m.group(0).split())))
    if "/" in text:
        for m in _URL_STREET.finditer(text):
            if not _NOT_STREET.match(m.group(2)):
                found.append((m.start(), m.group(0)[1:].replace("-", " ")))
        found.sort()
    return [street for _, street in found]


# -- postal code ----------------------------------------------------------------------

_STATES = (
    r"(?:AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|"
    r"NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|"
    # Every state's name, not only the dev cities' ("San Diego, California 92101").
    r"Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|"
    r"Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|"
    r"Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|"
    r"New\s+(?:Hampshire|Jersey|Mexico|York)|(?:North|South)\s+(?:Carolina|Dakota)|Ohio|"
    r"Oklahoma|Oregon|Pennsylvania|Rhode\s+Island|Tennessee|Texas|Utah|Vermont|"
    r"(?:West\s+)?Virginia|Washington|Wisconsin|Wyoming|District\s+of\s+Columbia|Calif|Penn)"
)
_ZIP = re.compile(r"\d\d\d\d\d(?![\d-]\d)")  # leading digit class: fast scan
_ZIP_BEFORE = re.compile(
    rf"(?:\b{_STATES}\.?,?|\b(?:zip(?:\s*code)?|postal\s+code)\s*:?)\s*$", re.IGNORECASE
)


def postal_candidates(text: str) -> list[str]:
    """5-digit ZIP codes after a state name or a "zip" label."""
    out = []
    for m in _ZIP.finditer(text):
        s = m.start()
        if s and text[s - 1].isalnum():
            continue
        if _ZIP_BEFORE.search(text, max(0, s - 24), s):
            out.append(m.group(0))
    return out


# -- phone --------------------------------------------------------------------------------

# (404) 555-0187, 404.555.0187, 404 555 0187, 4045550187 (a leading "1-" is dropped).
# It starts at the first digit (a "(" before it is checked in Python): a pattern led
# by a digit class is scanned fast, one led by an optional "(" is tried everywhere.
_PHONE_HINT = re.compile(r"\d\d\d\)?[ .-]{0,2}\d{3}[ .-]?\d{4}(?!\d)")
_PHONE_WORDS = re.compile(
    r"\b(?:(?:zero|one|two|three|four|five|six|seven|eight|nine|oh|\d)[\s.,-]*){10,11}", _I
)
_DIGIT_WORDS = {
    "zero": "0",
    "oh": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}


_DIGIT_WORD_KEYS = ("zero", "two", "three", "four", "five", "six", "seven", "eight", "nine")


@lru_cache(maxsize=4096)
def _e164(digits: str) -> str | None:
    """``"4045550187"`` -> ``"+14045550187"`` when phonenumbers says it is a valid US number."""
    import phonenumbers

    try:
        number = phonenumbers.parse(digits, "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_candidates(text: str) -> list[str]:
    """US phone numbers in E.164 (``+14045551234``); digits spelled out count too."""
    digit_runs = []
    for m in _PHONE_HINT.finditer(text):
        s = m.start()
        if s and text[s - 1] == "(":
            s -= 1
        if s and text[s - 1].isdigit():
            continue
        digits = re.sub(r"\D", "", m.group(0))
        if len(digits) == 10:
            digit_runs.append(digits)
    # Spelled-out numbers need several distinct digit words: check cheaply first.
    lower = text.lower()
    if sum(1 for w in _DIGIT_WORD_KEYS if w in lower) >= 3:
        for m in _PHONE_WORDS.finditer(lower):
            tokens = re.findall(r"[a-z]+|\d", m.group(0))
            if sum(t.isalpha() for t in tokens) < 3:
                continue  # plain digits are handled above
            digits = "".join(_DIGIT_WORDS.get(t, t) for t in tokens)
            if len(digits) == 11 and digits.startswith("1"):
                digits = digits[1:]
            if len(digits) == 10 and digits.isdigit():
                digit_runs.append(digits)
    out = []
    for digits in digit_runs:
        e164 = _e164(digits)
        if e164:
            out.append(e164)
    return out


# -- email ---------------------------------------------------------------------------------

# Gated scans "@", "at" and "(at)" one by one (each starts with a literal or a rare
# character class: fast); "at" must stand alone (checked below).
_AT = Gated(r"@|at\s+|[(\[{]\s*at\s*[)\]}]\s*")
_USER = re.compile(r"([\w.+-]+)\s*$")
_DOMAIN = re.compile(
    r"\s*([\w-]+(?:\.[\w-]+)*?)\s*(?:\.|\s+dot\s+|\s*[(\[{]\s*dot\s*[)\]}]\s*)\s*"
    r"(com|net|org|edu|gov|us|io|co|biz|info)\b",
    re.IGNORECASE,
)
_CAPS_AT = re.compile(
    r"(?<![\w.+-])([a-z0-9][a-z0-9._+-]*)AT([a-z0-9-]+(?:\.[a-z0-9-]+)*"
    r"\.(?:com|net|org|edu|gov|us|io|co|biz|info))\b"
)
_AT_WORDS = {
    "website",
    "site",
    "online",
    "available",
    "is",
    "are",
    "me",
    "us",
    "call",
    "text",
    "look",
    "located",
    "home",
    "rent",
}


def email_candidates(text: str) -> list[str]:
    """Emails, also obfuscated ("jane at gmail dot com", "jane(at)gmail(dot)com")."""
    out: list[str] = []
    lower = text.lower()
    if "@" not in text and not any(k in lower for k in _OBFUSCATION_KEYS):
        return out
    for m in _AT.finditer(lower):
        if m.group(0)[0] == "a" and (not m.start() or not text[m.start() - 1].isspace()):
            continue
        # The domain first: a match at one position, cheaper than the user's search.
        domain = _DOMAIN.match(text, m.end(), m.end() + 64)
        if domain is None:
            continue
        user = _USER.search(text, max(0, m.start() - 64), m.start())
        if user is None:
            continue
        name, host = user.group(1).lower().strip("."), domain.group(1).lower()
        if m.group(0) != "@" and (
            name in _AT_WORDS or host in _AT_WORDS or host.startswith("www.")
        ):
            continue
        if name:
            out.append(f"{name}@{host}.{domain.group(2).lower()}")
    # "prestonATkeenermanagement.com": an upper-case AT between lower-case words.
    if "AT" in text:
        for m in _CAPS_AT.finditer(text):
            out.append(f"{m.group(1).lower()}@{m.group(2).lower()}")
    return out


_OBFUSCATION_KEYS = ("dot", "(at)", "[at]", "{at}", ".com", ".net", ".org", ".edu")

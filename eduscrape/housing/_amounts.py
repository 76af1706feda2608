"""Money amounts of one text segment, each with its role, and rent plausibility.

Every amount gets a role from the words around it (:data:`ROLES`); rent is chosen
only among ``rent`` amounts, deposit among ``deposit`` amounts, and fees by kind
(:data:`FEE_KINDS`). An amount with no words about it at all is a rent only when
it is not part of a table-like list of large numbers (income limits per household
size) and no amount of the segment is named as rent (``stated``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from eduscrape.housing._gated import gated
from eduscrape.housing._text import number_value

ROLES = ("rent", "deposit", "fee", "income", "utility", "sale", "rate", "other")
FEE_KINDS = (
    "application",
    "admin",
    "holding",
    "pet",
    "pet_rent",
    "pet_deposit",
    "parking",
    "storage",
    "amenity",
    "move_in",
    "cleaning",
    "key",
    "late",
    "redecoration",
    "broker",
    "other",
)


@dataclass(frozen=True, slots=True)
class Amount:
    """A money amount at ``text[start:end]`` and what it is for."""

    start: int
    end: int
    value: int
    role: str
    # Fee or utility kind ("application", "water"); None for other roles.
    kind: str | None = None
    # For rents: named as rent by its context ("Rent: $900", "$900/month"), not bare.
    stated: bool = False


_DOLLAR = re.compile(r"\$\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d{1,2}|\.0)?(k\b)?")
# "1600/mo", "1,600 per month", "1600 dollars": found from the unit back.
_PER_MONTH = gated(
    r"/\s*mo\b|/\s*month|per\s+month|a\s+month|monthly|dollars|/mth",
    "/",
    "month",
    "dollar",
)
_PER_MONTH_BACK = re.compile(r"(?<![\w$.,])(\d{1,2},\d{3}|\d{3,5})(\.\d{1,2})?\s*$")
# "Rent = 766", "rent: 1,200", "Deposit: 250 (150 NREF)" (no currency sign).
_LABELLED = gated(
    r"\brent(?:\s+(?:fee|price|amount))?\s*(?:[:=]|is)\s*(\d{1,2},\d{3}|\d{3,5})(?:\.\d\d?)?\b"
    r"(?!\s*(?:sq|sf|ft|%))"
    r"|\bdeposit\s*(?:[:=]|is)\s*(\d{1,2},\d{3}|\d{2,5})(?:\.\d\d?)?\b"
    r"(?!\s*(?:sq|sf|ft|%|/|month|mo\b))",
    "rent",
    "deposit",
)
_AFTER_UNIT = re.compile(r"\s*(?:sq|sf|ft|square|acre|mile|lbs?\b|pounds)")


def _amount_spans(text: str) -> list[tuple[int, int, int, bool]]:
    """``(start, end, value, labelled_rent)`` of every money amount, in text order."""
    out: list[tuple[int, int, int, bool]] = []
    starts: set[int] = set()
    if "$" in text:
        for m in _DOLLAR.finditer(text):
            if m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] == "."):
                continue
            value = number_value(m.group(1) + (m.group(2) or ""))
            if value is not None:
                out.append((m.start(), m.end(), value * 1000 if m.group(3) else value, False))
                starts.add(m.start())
    for u in _PER_MONTH.finditer(text):
        b = _PER_MONTH_BACK.search(text, max(0, u.start() - 14), u.start())
        if b is not None and b.start() not in starts:
            value = number_value(b.group(1) + (b.group(2) or ""))
            if value is not None:
                out.append((b.start(), b.end(), value, False))
                starts.add(b.start())
    for m in _LABELLED.finditer(text):
        g = 1 if m.group(1) else 2
        if m.start(g) not in starts:
            value = number_value(m.group(g))
            if value is not None:
                out.append((m.start(g), m.end(), value, g == 1))
    out.sort()
    return out


# -- context words --------------------------------------------------------------------------

# Words before an amount, in its clause; the one closest to the amount decides its
# role. Group names are "<role>" or "<role>_<kind>".
_BEFORE = re.compile(
    r"(?P<fee>\bpets?\s+(?:security\s+)?deposit|(?:\bpets?|\bdogs?|\bcats?)\s+rent"
    r"|\brent\s+per\s+pet|\bmonthly\s+pet)"
    r"|(?P<deposit>deposit|dep[oó]sito|security|\bsd\b|\bdep\b)"
    r"|(?P<fee_>application|\bapp\b|applicant|admin|processing|holding|reservation|\bhold\b"
    r"|\bpets?\b|parking|garage|carport|storage|amenit|move[\s-]*in\s+(?:fee|cost)|cleaning"
    r"|\bkeys?\b|\bfobs?\b|\blate\b|redecorat|broker|\bfees?\b|\bcharge|tarifa)"
    r"|(?P<utility>utilit|water|trash|sewer|electric|\bgas\b|internet|cable|wi-?fi|\bagua\b)"
    # "income of 3x the rent ($3,600)": an income requirement, not a rent.
    r"|(?P<income>income|\bearn|salary|\bmake\b|\bami\b|household|median|annual|per\s+year"
    r"|\d(?:\.\d)?\s*(?:x|times)\s+(?:the\s+)?(?:monthly\s+)?rent"
    r"|\blimits?\b|\bpersons?\b|\bpeople\b|occupants?)"
    r"|(?P<sale>purchase|\bsale\b|\bsold\b|\bbuy|asking|mortgage|down\s+payment|\bworth"
    r"|\bvalue)"
    r"|(?P<rate>(?:nightly|daily|weekly)(?:\s+(?:fee|rate|price|rent))?|per\s+(?:night|day|week))"
    r"|(?P<rent>\brent(?:al)?\s+(?:fee|rate|price|amount|cost)"
    r"|\brent\b|\brents\b|\bprice|\bpriced|\brate\b|\blease\b|monthly"
    r"|/mo|\bmonth\b|\bpricing|alquiler)"
    r"|(?P<weak>starting|starts|\bfrom\b|\bonly\b|\bjust\b|\bfor\b|\bat\b)"
    r"|(?P<total>\btotal)"
    r"|(?P<other>credit|background|bonus|\boff\b|\bsave|discount|special|valued|reward|gift"
    r"|insurance|renters|refundable|\bper\s+person|\bmax|\bmin\b|minimum|up\s+to|exceed"
    r"|waive|rebate|concession|referral|\btax|budget|\bhoa\b|\bwas\b|regularly|originally"
    r"|move[\s-]*in\s+(?:for|special|with|only)"
    r"|reduced\s+from)"
)
# What a fee is for: the last of these words before the amount, else the first after.
_FEE_KIND = re.compile(
    r"(?P<pet_deposit>pets?\s+(?:security\s+)?deposit)"
    r"|(?P<pet_rent>(?:\bpets?|\bdogs?|\bcats?)\s+rent|rent\s+per\s+pet|monthly\s+pet)"
    r"|(?P<application>application|\bapp\b|applicant|solicitud)"
    r"|(?P<admin>admin|processing|lease\s+(?:initiation|prep))"
    r"|(?P<holding>holding|reservation|\bhold\b)"
    r"|(?P<pet>\bpets?\b|\bdogs?\b|\bcats?\b|mascota)"
    r"|(?P<parking>parking|garage|carport)"
    r"|(?P<storage>storage)"
    r"|(?P<amenity>amenit)"
    r"|(?P<move_in>move[\s-]*(?:in|out)\b)"
    r"|(?P<cleaning>cleaning)"
    r"|(?P<key>\bkeys?\b|\bfobs?\b)"
    r"|(?P<late>\blate\b)"
    r"|(?P<redecoration>redecorat)"
    r"|(?P<broker>broker)"
)
# Words right after an amount (up to the next amount or the end of the clause).
_AFTER_DEPOSIT = re.compile(
    r"^[ \t]*(?:\.\d+)?[ \t]*"
    # "$500-1 months rent deposit": a range up to a month's rent, then the word.
    r"(?:(?:-|to|or)[ \t]*(?:1|one)[ \t]*(?:full[ \t]+)?months?'?s?'?[ \t]+rent[ \t]*)?"
    r"(?:(?P<pet>pet[ \t]+)?(?:security(?:[ \t]*(?:deposit|dep\b))?|(?:refundable|sec\.?|damage)?"
    r"[ \t]*(?:deposit|dep\b)))"
)
_AFTER_KIND = re.compile(
    r"^[ \t]*(?:\.\d+)?[ \t]*(?:/[ \t]*)?(?!plus|\+)"
    # Words skipped on the way; "includes water" is not a water bill.
    r"(?:(?!includ|with\b|plus\b|and\b|w/)[\w'-]+[ \t]+){0,3}?"
    r"(?:(?P<fee>pet[ \t]+rent|(?:/|per)[ \t]*pet|application|app\b|applicant|admin|processing"
    r"|holding|reservation|pet|parking|garage|storage|amenity|broker|fee\b|fees\b"
    r"|non-?refundable|one[ \t-]*time)"
    r"|(?P<utility>utilities\b(?![ \t]+(?:are[ \t]+)?(?:included|incl|paid))|water|trash|sewer"
    r"|electric|gas\b|internet|agua)"
    r"|(?P<income>income|annually|annual|a[ \t]+year|per[ \t]+year|/[ \t]*(?:yr|year)|yearly)"
    r"|(?P<rate>(?:a|per|/)[ \t]*(?:week|wk|night|nt|day)\b|weekly|nightly|daily)"
    r"|(?P<sale>down[ \t]+payment|purchase|to[ \t]+own\b)"
    r"|(?P<other>off\b|of\b|credit|bonus|gift|discount|towards|toward|to[ \t]+move|moves?[ \t]+you"
    r"|move[\s-]*in[ \t]+special|rebate|savings|tax|cash\b|visa))"
)
_AFTER_MONTH = re.compile(
    r"^[ \t]*(?:\.\d+)?[ \t]*(?:(?:/|per|a|each)?[ \t]*mo(?:nth)?\b|monthly|/mth"
    r"|rent\b|alquiler|al\s+mes)"
)
# Text that ends the context of an amount: clause ends, list separators.
_CLAUSE_SPLIT = re.compile(r"[.!?\n;]|\s-\s|\s\|\s|\|")
_RESTATED = re.compile(r"[^\n$(]{0,12}\(\s*(?:or|about|approx\w*|~)?\s*")
_LETTER = re.compile(r"[a-z]")
_DIGIT = re.compile(r"\d")
_RANGE = re.compile(r"[ \t]*(?:-|–|to)[ \t]*")
_AFTER_END = re.compile(r"[.!?\n;,(|]|\s-\s|\$")
_RESPECTIVELY = gated(
    r"rent\s+and\s+(?:security\s+)?deposit\s+(?:are|is|of|:)?\s*\$?\s?([\d,]+(?:\.\d+)?)\s*"
    r"(?:and|&|/)\s*\$?\s?([\d,]+(?:\.\d+)?)\s*(?:,?\s*respectively)?"
    r"|deposit\s+and\s+rent\s+(?:are|is|of|:)?\s*\$?\s?([\d,]+(?:\.\d+)?)\s*(?:and|&|/)\s*\$?\s?"
    r"([\d,]+(?:\.\d+)?)",
    "deposit",
)
# "No deposit required", "no security deposit": a deposit of $0.
_NO_DEPOSIT = gated(r"\bno\s+(?:security\s+)?deposit\b(?!\s+(?:alternative|option))", "deposit")
_MONTH_RENT_DEPOSIT = gated(
    r"deposit[^.\n]{0,40}?\b(?:one|1|first)\s*(?:full\s+)?month'?s?'?\s*rent"
    r"|(?:one|1)\s*month'?s?'?\s*rent\s*(?:as\s+|for\s+|security\s+)*deposit"
    r"|deposit[^.\n]{0,20}?equal\s+to\s+(?:one\s+month'?s?'?\s+)?rent",
    "month",
    "equal",
)
# A line or heading about household income: its large amounts are income limits.
_INCOME_LINE = re.compile(
    r"income|\bami\b|household\s+size|median|\bpersons?\b|\bpeople\b|occupants?|family\s+of"
)
# Amounts this large are rents only when named so (and plausible, see plausible_rent).
_LARGE = 10000


def _fee_kind(before: str, after: str) -> str:
    kinds = [m.lastgroup for m in _FEE_KIND.finditer(before)]
    if not kinds:
        m = _FEE_KIND.search(after)
        kinds = [m.lastgroup] if m else []
    kind = kinds[-1] if kinds else "other"
    if kind == "pet" and "month" in after:
        return "pet_rent"  # "pet fee $25 per pet, per month"
    return kind or "other"


def _utility_kind(words: str) -> str:
    for kind in ("water", "trash", "sewer", "electric", "gas", "internet", "cable"):
        if kind in words:
            return kind
    return "utilities"


def _line_bounds(text: str, start: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    return line_start, len(text) if line_end < 0 else line_end


def _income_context(text: str, start: int) -> bool:
    """Whether the amount at ``start`` is on a line, or under a heading, about income."""
    line_start, line_end = _line_bounds(text, start)
    if _INCOME_LINE.search(text, line_start, line_end):
        return True
    # The lines above, up to a blank line (a table under an "Income Limits" heading).
    pos = line_start - 1
    for _ in range(8):
        if pos <= 0:
            return False
        prev_start = text.rfind("\n", 0, pos) + 1
        line = text[prev_start:pos]
        if not line.strip():
            return False
        if _INCOME_LINE.search(line):
            return True
        pos = prev_start - 1
    return False


def _large_list(spans: list[tuple[int, int, int, bool]], i: int) -> bool:
    """Whether amount ``i`` is one of three or more large amounts close together: a
    table of incomes or prices per household size, not one unit's rent."""
    close = [i]
    for step in (-1, 1):
        j = i
        while 0 <= j + step < len(spans):
            a, b = sorted((spans[j], spans[j + step]))
            if spans[j + step][2] < _LARGE or b[0] - a[1] > 40:
                break
            j += step
            close.append(j)
    return len(close) >= 3 and all(spans[k][2] >= _LARGE for k in close)


def amounts(text: str) -> list[Amount]:
    """Every money amount of one (lower-cased) text segment, with its role."""
    spans = _amount_spans(text)
    out: list[Amount] = []
    # Words right after an amount ("$1500 security") are its own, not the next one's.
    owned_until = 0
    for i, (start, end, value, labelled_rent) in enumerate(spans):
        after = text[end : end + 48]
        if _AFTER_UNIT.match(after):
            continue
        cut = _AFTER_END.search(after, 1)
        if cut is not None:
            after = after[: cut.start()]
        # An amount's context ends at the amount before it.
        prev_end = out[-1].end if out else 0
        before = text[max(0, start - 48, owned_until, prev_end) : start]
        pieces = _CLAUSE_SPLIT.split(before)
        before = pieces[-1]
        if len(pieces) > 1 and not _LETTER.search(before) and not _DIGIT.search(pieces[-2]):
            # "Application fee - $65", "Monthly rent:\n$1,200": a label, then the amount.
            before = f"{pieces[-2]} {before}"
        before = before[-32:]
        role, stated = None, labelled_rent
        for c in _BEFORE.finditer(before):
            group = c.lastgroup or ""
            # "Deposit: starting at $299": weak words keep an earlier role.
            if group == "weak":
                if role is None:
                    role = "rent"
                continue
            if role == "total":
                break  # "total due each month is $1546": rent plus fees
            role = group.rstrip("_")
            stated = role == "rent"
        after_deposit = _AFTER_DEPOSIT.match(after)
        after_kind = _AFTER_KIND.match(after) if after_deposit is None else None
        if after_deposit or after_kind:
            owned_until = end + len(after)
        if role is None and out and _RESTATED.fullmatch(text, out[-1].end, start):
            # "$36,000 per year ($3,000/month)": the same amount restated.
            role, stated = out[-1].role, out[-1].stated
        elif after_deposit:
            if after_deposit.group("pet"):
                role = "fee"
            elif role != "fee":
                role = "deposit"
        elif after_kind and role not in ("deposit", "fee"):
            role = after_kind.lastgroup
        elif role in (None, "rent") and _AFTER_MONTH.match(after):
            role, stated = "rent", True
        kind = None
        if role == "fee":
            kind = _fee_kind(before, after)
        elif role == "utility":
            kind = _utility_kind(before + " " + after)
        elif role == "rate":
            kind = "week" if "week" in before or "wk" in after or "week" in after else "night"
        elif role == "total":
            role = "other"
        # Income limits are yearly amounts; a smaller amount on such a line may be a rent.
        if role in (None, "rent", "other") and value >= 5000 and _income_context(text, start):
            role, kind = "income", None
        if role is None:
            role = "rent"
        if role == "rent" and value >= _LARGE and (not stated or _large_list(spans, i)):
            role = "other"
        out.append(Amount(start, end, value, role, kind, stated and role == "rent"))
    # "$1026 - $1785/month": a range's low end has the role of its high end.
    for i in range(len(out) - 2, -1, -1):
        low, high = out[i], out[i + 1]
        if _RANGE.fullmatch(text, low.end, high.start) and low.role in ("rent", high.role):
            stated = low.stated or high.stated
            out[i] = Amount(low.start, low.end, low.value, high.role, high.kind, stated)
            out[i + 1] = Amount(high.start, high.end, high.value, high.role, high.kind, stated)
    return out


def amount_candidates(text: str, found: list[Amount] | None = None) -> tuple[list[int], list[int]]:
    """Return (rent candidates, deposit candidates) of one text segment; ``found``
    is :func:`amounts` of it when already computed.

    Rents named as rent win over bare amounts of the same segment.
    """
    rents: list[int] = []
    deposits: list[int] = []
    for m in _RESPECTIVELY.finditer(text):
        a, b = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        r, d = number_value(a), number_value(b)
        if r:
            rents.append(r)
        if d:
            deposits.append(d)
    if rents or deposits:
        return rents, deposits
    if found is None:
        found = amounts(text)
    stated = [a.value for a in found if a.role == "rent" and a.stated and a.value >= 100]
    rents = stated or [a.value for a in found if a.role == "rent" and a.value >= 100]
    if not rents:
        # An ad priced by the week only (extended stay): Craigslist's price is the
        # weekly rate (all such ads in ads/dev, three cities).
        rents = [a.value for a in found if a.role == "rate" and a.kind == "week"]
    # "Security Deposit: $0" states a deposit; other small amounts are fees.
    deposits = [
        a.value for a in found if a.role == "deposit" and (50 <= a.value <= 50000 or a.value == 0)
    ]
    if not deposits and _NO_DEPOSIT.search(text):
        deposits.append(0)
    return rents, deposits


def fees_of(found: list[Amount]) -> dict[str, int]:
    """Fees by kind (the first amount of each kind) among :func:`amounts`."""
    fees: dict[str, int] = {}
    for a in found:
        if a.role == "fee" and a.kind is not None:
            fees.setdefault(a.kind, a.value)
    return fees


def deposit_is_a_month(text: str) -> bool:
    """Whether the deposit is stated as one month's rent ("deposit: one month's rent")."""
    return _MONTH_RENT_DEPOSIT.search(text) is not None


# Lowest plausible monthly rent by bedroom count (a room in a shared house rents
# for a few hundred dollars; a whole 2BR does not), and the highest.
_RENT_FLOOR = {0: 150, 1: 150, 2: 300, 3: 350}
_RENT_FLOOR_MORE = 400
_RENT_CEILING = 20000
# Lowest plausible rent per square foot of the unit ($/sqft/month).
_RENT_PER_SQFT = 0.15


def plausible_rent(value: int, bedrooms: int | None, size_sqft: int | None) -> bool:
    """Whether ``value`` can be the monthly rent of a unit of that size and bedroom count."""
    floor = _RENT_FLOOR.get(bedrooms or 0, _RENT_FLOOR_MORE)
    if not floor <= value <= _RENT_CEILING:
        return False
    return size_sqft is None or value >= _RENT_PER_SQFT * size_sqft

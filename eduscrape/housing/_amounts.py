"""Rent and deposit candidates of one text segment."""

from __future__ import annotations

import re

from eduscrape.housing._gated import gated
from eduscrape.housing._text import number_value

_DOLLAR = re.compile(r"\$\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d{1,2}|\.0)?(k\b)?")
# "1600/mo", "1,600 per month", "1600 dollars": found from the unit back.
_PER_MONTH = gated(
    r"/\s*mo\b|/\s*month|per\s+month|a\s+month|monthly|dollars|/mth",
    "/",
    "month",
    "dollar",
)
_PER_MONTH_BACK = re.compile(r"(?<![\w$.,])(\d{1,2},\d{3}|\d{3,5})(\.\d{1,2})?\s*$")


def _amount_spans(text: str) -> list[tuple[int, int, int]]:
    """``(start, end, value)`` of every money amount."""
    out = []
    if "$" in text:
        for m in _DOLLAR.finditer(text):
            if m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] == "."):
                continue
            value = number_value(m.group(1) + (m.group(2) or ""))
            if value is not None:
                out.append((m.start(), m.end(), value * 1000 if m.group(3) else value))
    for u in _PER_MONTH.finditer(text):
        b = _PER_MONTH_BACK.search(text, max(0, u.start() - 14), u.start())
        if b is not None and (not out or all(b.start() != o[0] for o in out)):
            value = number_value(b.group(1) + (b.group(2) or ""))
            if value is not None:
                out.append((b.start(), b.end(), value))
    out.sort()
    return out


# "Rent = 766", "rent: 1,200" (no currency sign).
_RENT_LABEL = gated(
    r"\brent(?:\s+(?:fee|price|amount))?\s*(?:[:=]|is)\s*(\d{1,2},\d{3}|\d{3,5})(?:\.\d\d?)?\b"
    r"(?!\s*(?:sq|sf|ft|%))",
    "rent",
)
# "Deposit: 250 (150 NREF)", "security deposit = 500" (no currency sign).
_DEPOSIT_LABEL = gated(
    r"\bdeposit\s*(?:[:=]|is)\s*(\d{1,2},\d{3}|\d{2,5})(?:\.\d\d?)?\b(?!\s*(?:sq|sf|ft|%|/|month|mo\b))",
    "deposit",
)
_RESPECTIVELY = gated(
    r"rent\s+and\s+(?:security\s+)?deposit\s+(?:are|is|of|:)?\s*\$?\s?([\d,]+(?:\.\d+)?)\s*"
    r"(?:and|&|/)\s*\$?\s?([\d,]+(?:\.\d+)?)\s*(?:,?\s*respectively)?"
    r"|deposit\s+and\s+rent\s+(?:are|is|of|:)?\s*\$?\s?([\d,]+(?:\.\d+)?)\s*(?:and|&|/)\s*\$?\s?"
    r"([\d,]+(?:\.\d+)?)",
    "deposit",
)
# Context words before an amount; the one closest to the amount decides its role.
_CTX_WORDS = re.compile(
    r"(?P<dep>deposit|security|\bsd\b|\bdep\b)"
    r"|(?P<rent>\brent(?:al)?\s+(?:fee|rate|price|amount|cost)|weekly\s+(?:fee|rate|price)|\brent\b|\brents\b|\bprice|\bpriced|\brate\b|\blease\b|monthly|weekly|per\s+week"
    r"|/mo|\bmonth\b)"
    r"|(?P<weak>starting|starts|\bfrom\b|\bonly\b|\bjust\b|\bfor\b|\bat\b)"
    r"|(?P<other>\bfees?\b|application|\bapp\b|admin|income|earn|salary|\bmake|\bpets?\b|utilit"
    r"|water|trash|sewer|electric|\bgas\b|internet|cable|credit|background|bonus|\boff\b|\bsave"
    r"|discount|special|valued|reward|gift|\blate\b|holding|parking|garage|storage|\bcharge"
    r"|insurance|renters|refundable|\bper\s+person|\bmax|\bmin\b|minimum|up\s+to|exceed"
    r"|waive|rebate|concession|referral|cleaning|\bkey\b|redecorat|move[\s-]*in\s+cost|total"
    r"|\btax|\bvalue|budget|\bmortgage|\bpurchase|\bsale\b|\bsold\b|\bworth)"
)
# Words right after an amount that make it a fee, a discount or a move-in total.
_AFTER_OTHER = re.compile(
    r"^[ \t]*(?:\.\d+)?[ \t]*(?:/[ \t]*)?(?!plus|\+)(?:[\w']+[ \t]+){0,2}?(?:application|app\b|admin|fee|"
    r"pet|non-?refundable|off\b|of\b|credit|income|holding|utilities\b(?!\s+(?:are\s+)?(?:included|incl|paid))|water|parking|garage|"
    r"storage|bonus|gift|discount|towards|toward|to\s+move|moves?\s+you|move[\s-]*in\s+special|"
    r"rebate|savings|tax)"
)
_AFTER_DEPOSIT = re.compile(
    r"^[ \t]*(?:\.\d+)?[ \t]*"
    # "$500-1 months rent deposit": a range up to a month's rent, then the word.
    r"(?:(?:-|to|or)[ \t]*(?:1|one)[ \t]*(?:full[ \t]+)?months?'?s?'?[ \t]+rent[ \t]*)?"
    r"(?:security(?:[ \t]*(?:deposit|dep\b))?|(?:refundable|sec\.?|damage)?[ \t]*(?:deposit|dep\b))"
)
# "No deposit required", "no security deposit": a deposit of $0.
_NO_DEPOSIT = gated(r"\bno\s+(?:security\s+)?deposit\b(?!\s+(?:alternative|option))", "deposit")
_AFTER_UNIT = re.compile(r"\s*(?:sq|sf|ft|square|acre|mile|lbs?\b|pounds)")
_MONTH_RENT_DEPOSIT = gated(
    r"deposit[^.\n]{0,40}?\b(?:one|1|first)\s*(?:full\s+)?month'?s?'?\s*rent"
    r"|(?:one|1)\s*month'?s?'?\s*rent\s*(?:as\s+|for\s+|security\s+)*deposit"
    r"|deposit[^.\n]{0,20}?equal\s+to\s+(?:one\s+month'?s?'?\s+)?rent",
    "month",
    "equal",
)


_CLAUSE_SPLIT = re.compile(r"[.!?\n]|\s-\s|\s\|\s")


def _amount_value(text: str) -> int | None:
    return number_value(text)


def amount_candidates(text: str) -> tuple[list[int], list[int]]:
    """Return (rent candidates, deposit candidates) of one text segment."""
    rents: list[int] = []
    deposits: list[int] = []
    for m in _RESPECTIVELY.finditer(text):
        a, b = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        r, d = _amount_value(a), _amount_value(b)
        if r:
            rents.append(r)
        if d:
            deposits.append(d)
    if rents or deposits:
        return rents, deposits
    for m in _RENT_LABEL.finditer(text):
        value = _amount_value(m.group(1))
        if value is not None and 100 <= value <= 50000:
            rents.append(value)
    for m in _DEPOSIT_LABEL.finditer(text):
        value = _amount_value(m.group(1))
        if value is not None and 50 <= value <= 50000:
            deposits.append(value)
    # Words right after an amount ("$1500 security") are its own, not the next one's.
    owned_until = 0
    for start, end, value in _amount_spans(text):
        before = text[max(0, start - 40, owned_until) : start]
        # Only the clause that leads to the amount counts as its context.
        before = _CLAUSE_SPLIT.split(before)[-1][-28:]
        after = text[end : end + 40]
        if _AFTER_UNIT.match(after):
            continue
        role = None
        for c in _CTX_WORDS.finditer(before):
            # "Deposit: starting at $299": weak words keep an earlier role.
            if c.lastgroup != "weak" or role is None:
                role = "rent" if c.lastgroup == "weak" else c.lastgroup
        after_deposit = _AFTER_DEPOSIT.match(after)
        if after_deposit:
            role = "dep"
            owned_until = end + after_deposit.end()
        elif role != "dep" and _AFTER_OTHER.match(after):
            role = "other"
        if role == "dep":
            # "Security Deposit: $0" states a deposit; other small amounts are fees.
            if 50 <= value <= 50000 or value == 0:
                deposits.append(value)
        elif role != "other" and 100 <= value <= 50000:
            rents.append(value)
    if not deposits and _NO_DEPOSIT.search(text):
        deposits.append(0)
    return rents, deposits


def deposit_is_a_month(text: str) -> bool:
    """Whether the deposit is stated as one month's rent ("deposit: one month's rent")."""
    return _MONTH_RENT_DEPOSIT.search(text) is not None

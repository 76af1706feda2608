"""Type, laundry, parking, pets, smoking, furnished and amenities of one text segment."""

from __future__ import annotations

import re

from eduscrape.housing._gated import Gated, gated

# -- categorical fields -------------------------------------------------------------------

_TYPE = [
    ("assisted living", gated(r"\bassisted[\s-]+living\b", "assisted")),
    ("townhouse", gated(r"\btown\s*-?\s*(?:house|home)s?\b|\brow\s*house", "town", "row")),
    (
        "manufactured",
        gated(r"\bmobile\s+homes?\b|\bmanufactured\b|\btrailer\b", "mobile", "manuf", "trailer"),
    ),
    (
        "in-law",
        gated(
            r"\bin[\s-]*law\b|\bgranny\b|\badu\b|\bcarriage\s+house",
            "law",
            "granny",
            "adu",
            "carriage",
        ),
    ),
    ("cottage/cabin", gated(r"\bcottage\b|\bcabin\b", "cottage", "cabin")),
    ("condo", gated(r"\bcondo(?:minium)?s?\b", "condo")),
    ("duplex", gated(r"\bduplex\b|\btriplex\b|\bfourplex\b|\bquadplex\b", "plex")),
    ("loft", gated(r"\bloft\b(?!\s+(?:bed|area|space|style))", "loft")),
    (
        "apartment",
        gated(
            r"\bapartments?\b|\bapts?\b|\bapt\.|\bstudio\b|\bunits?\b",
            "apt",
            "apartment",
            "studio",
            "unit",
        ),
    ),
    (
        "house",
        gated(
            r"\bsingle[\s-]*family\b|\bhouse\b(?!\s*(?:rules|keeping))|\bhome\s+for\s+rent\b|"
            # One alternative per word: each starts with a literal (fast scan).
            + "|".join(
                rf"\b{word}\s+home\b"
                for word in (
                    "ranch",
                    "brick",
                    "story",
                    "bedroom",
                    "br",
                    "bed",
                    "family",
                    "rental",
                    "entire",
                    "whole",
                    r"cape\s+cod",
                    "colonial",
                    "bungalow",
                    "craftsman",
                    r"split[\s-]level",
                )
            ),
            "house",
            "home",
            "family",
        ),
    ),
    ("flat", gated(r"\bflat\b(?!\s+(?:fee|rate|screen|top|surface|roof))", "flat")),
    ("land", gated(r"\bland\s+(?:for\s+rent|lease)\b|\blot\s+for\s+rent\b", "land", "lot")),
]
# "apartment home(s)" and "apartment community" are the same thing as apartment.
_APT_HOME = gated(r"\bapartment\s+homes?\b", "apartment")

# After a bare "washer/dryer": words that make it hookups or a shared room.
_NOT_SHARED = (
    r"(?!\s*(?:hook|connect|coin|rental|in\s+(?:the\s+)?(?:basement|building|bldg)|on[\s-]*site))"
)

# In priority order: "washer/dryer hookups" also says "washer/dryer", a shared
# laundry room is often mentioned next to the unit's own hookups.
_LAUNDRY = [
    (
        "no laundry on site",
        gated(
            r"\bno\s+(?:on[\s-]*site\s+)?laundry\b|\bno\s+washer\b(?![^.\n]{0,15}(?:hook|connection))",
            "no",
        ),
    ),
    (
        "w/d in unit",
        gated(
            r"\bw\s*/\s*d\s+in[\s-]*(?:unit|suite|home)|\bin[\s-]*(?:unit|suite|home)\s+(?:laundry|"
            r"washer|w\s*/\s*d)|"
            + "|".join(
                rf"{machine}s?\s+(?:are\s+|is\s+)?(?:in[\s-]*(?:each\s+|the\s+|every\s+|your\s+)?"
                r"(?:unit|suite|home|apartment)|included|provided)"
                for machine in ("washer", "dryer", "laundry")
            )
            + r"|laundry\s*:\s*in[\s-]*unit|stackable(?![^.\n]{0,25}(?:hook|connection))",
            "unit",
            "suite",
            "home",
            "include",
            "provided",
            "stackable",
        ),
    ),
    (
        "w/d hookups",
        gated(
            r"hook[\s-]*ups?\b|hook[\s-]*up\s+for|connections?\s+for\s+(?:a\s+)?washer|"
            r"(?:washer|dryer)\s+connections?|room\s+for\s+(?:a\s+)?washer|"
            # Rented machines need connections in the unit.
            r"(?:washers?|dryers?|w\s*/\s*d)\s*(?:(?:/|and|&)\s*dryers?\s*)?rentals?\b",
            "hook",
            "connection",
            "room for",
            "rental",
        ),
    ),
    # A bare "washer/dryer" amenity: in unit, unless followed by hookups or a shared room.
    (
        "w/d in unit",
        gated(
            rf"full[\s-]*size\s+washer{_NOT_SHARED}|washer\s*(?:/|and|&|\+)\s*dryer\b{_NOT_SHARED}"
            rf"|\bw\s*/\s*d\b{_NOT_SHARED}",
            "washer",
            "w/d",
            "w / d",
            not_after=r"coin-operated |coin-op |coin operated |shared |common ",
        ),
    ),
    (
        "laundry in bldg",
        gated(
            r"laundry\s+(?:room\s+|facilit\w*\s+)?(?:in|inside)\s+(?:the\s+|each\s+|every\s+)?"
            r"(?:bldg|building)|(?:building|in-building|shared|common)\s+laundry|"
            r"(?:washer|dryer|laundry)s?\s+in\s+(?:the\s+)?building",
            "laundry",
            "building",
        ),
    ),
    (
        "laundry on site",
        gated(
            r"on[\s-]*site\s+laundry|laundr\w*\s+(?:on[\s-]*site|facilit|room|center|care)|"
            r"laundry\s+(?:is\s+)?available|coin[\s-]*(?:op(?:erated)?\s+)?(?:laundry|washer)|"
            r"laundry\s+in\s+(?:the\s+)?basement|w\s*/\s*d\s+coin",
            "laundr",
            "coin",
        ),
    ),
]


# "w/d hookups in select 3 bedrooms", "connections only in 2bedrooms": a feature of
# some of the community's units, not necessarily this one.
_LAUNDRY_HEDGE = re.compile(
    r"[^.\n*]{0,30}?(?:\bonly\s+(?:in|for|available)|\bin\s+select|\bselect\s+"
    r"(?:units|homes|apartments)|\bnot\s+available|\bin\s+some\b)"
)


# "no w/d in unit", "without hookups": a negated feature is not the unit's laundry.
_NEGATED = re.compile(r"\b(?:no|not|without|lacks?)(?:\s+[\w/-]+){0,2}\s+$")


def _laundry_found(rx: Gated, text: str) -> bool:
    for m in rx.finditer(text):
        if _LAUNDRY_HEDGE.match(text, m.end(), m.end() + 40):
            continue
        if m.start() and _NEGATED.search(text, max(0, m.start() - 24), m.start()):
            continue
        return True
    return False


def laundry_value(title: str, body: str) -> str | None:
    """The first pattern of :data:`_LAUNDRY` (priority order) found in title or body."""
    for value, rx in _LAUNDRY:
        if _laundry_found(rx, title) or _laundry_found(rx, body):
            return value
    return None


_PARKING = [
    ("valet parking", gated(r"\bvalet\b(?!\s+(?:trash|waste|garbage|dry|laundry))", "valet")),
    ("no parking", gated(r"\bno\s+parking\b", "no")),
    ("detached garage", gated(r"\bdetached\b[^.\n]{0,20}\bgarage", "detached")),
    ("attached garage", gated(r"\battached\b[^.\n]{0,20}\bgarage|\bgarage\s+attached", "attached")),
    ("carport", gated(r"\bcarports?\b|\bcovered\s+parking\b", "carport", "covered")),
    (
        "off-street parking",
        gated(
            r"\boff[\s-]*street\b|\bdriveway\b|\bparking\s+lot\b|\bassigned\s+parking\b|"
            r"\breserved\s+parking\b|\bparking\s+space|\bparking\s+spot|\bon[\s-]*site\s+parking|"
            r"\bsurface\s+parking|\bprivate\s+parking|\bparking\s+included|\bfree\s+parking",
            "off",
            "driveway",
            "parking",
        ),
    ),
    (
        "street parking",
        gated(r"(?<!off-)(?<!off )(?<!off)street\s+parking\b|\bon[\s-]*street\b", "street"),
    ),
    (
        "attached garage",
        gated(
            r"\b(?:\d|one|two|three)[\s-]*car\s+garage\b|\bgarage\s+parking|\bprivate\s+garage",
            "garage",
        ),
    ),
]


def _categorical(text: str, table: list[tuple[str, Gated]]) -> list[str]:
    """Every value whose phrases occur, once per occurrence (ordered by position)."""
    hits: list[tuple[int, str]] = []
    for value, rx in table:
        hits.extend((m.start(), value) for m in rx.finditer(text))
    hits.sort()
    return [v for _, v in hits]


# "parking: street parking", "parking type: attached garage": the ad's own field line.
_PARKING_LINE = gated(r"\bparking(?:\s+type)?\s*::?[ \t]*([^\n]*)", "parking")
# "off-street or garage parking", "garage or off street": the tenant's choice, not one value.
_OR = re.compile(r"\s+(?:or|and/or)\s+")
# Before a parking kind: an option, a choice, extra cost, or a negation ("no garage
# parking" is not garage parking).
_PARKING_HEDGE = re.compile(
    r"\boptional\b|\bor\s+\w+\s*$|\bextra\s+\w*\s*$|\bif\s+so\b"
    r"|\b(?:no|not|without|lacks?)(?:\s+[\w-]+){0,2}\s+$"
)
_QUESTION = re.compile(r"[^.!?\n]{0,60}\?")


# Where the text starts to describe the community (its amenities, the building) or
# the unit itself: a parking kind in the community's part is what the community
# offers (often several kinds, at extra cost), not this unit's parking.
_COMMUNITY_PART = gated(
    r"\bcommunity\b[^.\n]{0,25}?(?:amenit|feature|offer|highlight|includ)"
    r"|\b(?:building|property|complex|resident)\b[^.\n]{0,20}?(?:amenit|feature|highlight)"
    r"|\bamenities\s+(?:include|such\s+as|like)\b|\bour\s+community\b",
    "community",
    "building",
    "property",
    "complex",
    "resident",
    "amenities",
)
_UNIT_PART = gated(
    r"\b(?:apartment|unit|home|interior|in[\s-]*home|suite|residence|key)\s+"
    r"(?:amenit|feature|highlight)|\bthis\s+(?:unit|home|apartment|house)\b",
    "apartment",
    "unit",
    "home",
    "interior",
    "suite",
    "residence",
    "key",
    "this",
)
# How far a part's heading reaches.
_PART_REACH = 1200


def _parts(text: str) -> list[tuple[int, bool]]:
    """``(start, is_community)`` of each community or unit part, in text order."""
    parts = [(m.start(), True) for m in _COMMUNITY_PART.finditer(text)]
    if parts:
        parts.extend((m.start(), False) for m in _UNIT_PART.finditer(text))
        parts.sort()
    return parts


def _in_community_part(parts: list[tuple[int, bool]], pos: int) -> bool:
    community = False
    for start, is_community in parts:
        if start > pos:
            break
        community = is_community and pos - start <= _PART_REACH
    return community


def parking_candidates(text: str) -> list[str]:
    """Parking values of one text segment (see :func:`_categorical`), with these rules:
    a "parking: X" field line decides alone (a list of several values there means
    several kinds on offer: none); two values joined by "or", plural garages, kinds
    offered as an option or asked about, and kinds named in the community's part of
    the text (its amenities) are dropped.
    """
    if "parking" in text:
        for m in _PARKING_LINE.finditer(text):
            line = m.group(1)[:80]
            values = set(_categorical(line, _PARKING))
            if len(values) > 1 or (values and "," in line):
                return []
            if values:
                return list(values)
    hits: list[tuple[int, int, str]] = []
    parts: list[tuple[int, bool]] | None = None
    for value, rx in _PARKING:
        for m in rx.finditer(text):
            if parts is None:
                parts = _parts(text)
            # "detached garages", "villas with attached garages", and what the
            # community's amenities list: what a community offers (often several
            # kinds, at extra rent), not this unit's parking. (Keeping a community's
            # single kind instead: F1 .890 vs .897 on ads/dev, twice the answers
            # from text that does not state the labelled kind.)
            plural = value.endswith("garage") and text.startswith("s", m.end())
            if plural or _in_community_part(parts, m.start()):
                continue
            # "optional underground parking", "garage or off street?", "no garage
            # parking": an option, a question or a negation, not the unit's parking.
            if _PARKING_HEDGE.search(text, max(0, m.start() - 30), m.start()):
                continue
            if not _QUESTION.match(text, m.end()):
                hits.append((m.start(), m.end(), value))
    if len(hits) < 2:
        return [v for _, _, v in hits]
    hits.sort()
    drop: set[int] = set()
    for i in range(len(hits) - 1):
        (_, end, a), (start, _, b) = hits[i], hits[i + 1]
        if a != b and 0 <= start - end < 30 and _OR.search(text, end, start):
            drop.update((i, i + 1))
    return [v for i, (_, _, v) in enumerate(hits) if i not in drop]


def type_candidates(text: str) -> list[str]:
    return _categorical(_APT_HOME.sub("apartment", text), _TYPE)


# -- booleans --------------------------------------------------------------------------------

_NO_PETS = gated(
    # "no pet deposit" is about the deposit, not the pets.
    r"\bno\s+pets?\b(?!\s+(?:deposit|fee|rent|charge))|"
    r"\bpets?\s+(?:are\s+)?not\s+(?:allowed|permitted|accepted)|"
    r"\bno\s+animals\b|\bnot\s+pet[\s-]*friendly|pet[\s-]*free\b",
    "no",
    "pet",
)
_PETS_OK = gated(
    r"\bpet[\s-]*friendly\b|\bpets?\s+(?:are\s+)?(?:welcome|allowed|ok|okay|accepted|considered|"
    r"negotiable)|\bpet\s+(?:fee|deposit|rent|policy|park)|\bpets\s+(?:up\s+to|under)\b|"
    r"\ballows?\s+pets\b|\bbring\s+your\s+(?:pet|furry)|\bpets?\s+(?:friendly|love)",
    "pet",
)
_NO_CATS = gated(r"\bno\s+cats?\b|\bcats?\s+(?:are\s+)?not\s+(?:allowed|permitted)", "cat")
_NO_DOGS = gated(
    r"\bno\s+(?:large\s+|big\s+)?dogs?\b|\bdogs?\s+(?:are\s+)?not\s+(?:allowed|permitted)", "dog"
)


# One kind named as allowed ("Pet: Cats Only", "accepts cats") beats a generic "no pets".
def _kind_allowed(kind: str) -> Gated:
    return gated(
        rf"\b{kind}s?\s+only\b|\baccepts?\s+{kind}s\b|"
        rf"\b{kind}s?\s+(?:are\s+)?(?:ok|okay|welcome|allowed|accepted|permitted)\b",
        kind,
    )


_CATS_OK = _kind_allowed("cat")
_DOGS_OK = _kind_allowed("dog")
_CATS_ONLY = gated(r"\bcats?\s+only\b", "only")
_DOGS_ONLY = gated(r"\bdogs?\s+only\b", "only")
_CATS = gated(r"\bcats?\b|\bkittens?\b|\bfeline", "cat", "kitten", "feline")
_DOGS = gated(r"\bdogs?\b|\bpupp(?:y|ies)\b|\bcanine", "dog", "pupp", "canine")
_NO_SMOKING = gated(
    r"\bno\s+smok\w*|\bnon[\s-]*smok\w*|\bsmoke[\s-]*free\b|\bnot?\b[^.\n]{0,25}\bsmok\w*|"
    r"\bsmoking\s+(?:is\s+)?(?:not|prohibited)",
    "smok",
)
_SMOKING_OK = gated(r"\bsmoking\s+(?:is\s+)?(?:allowed|ok|permitted|welcome)\b", "smoking")
_UNFURNISHED = gated(r"\bun[\s-]*furnished\b|\bnot\s+furnished\b", "furnished")
_FURNISHED = gated(
    r"(?<!un)(?<!un-)\bfurnished\b|\bfurniture\s+(?:is\s+)?included|\bfully\s+furnished"
    # "FURN STUDIO": the abbreviation, as a word.
    r"|\bfurn\b(?!-)",
    "furn",
)
# "furnished or unfurnished": the tenant's choice, neither a yes nor a no.
_FURNISHED_CHOICE = gated(
    r"\bfurnished\s+(?:or|/)\s*un[\s-]*furnished|\bun[\s-]*furnished\s+(?:or|/)\s*furnished",
    "furnished",
)
AMENITY_PATTERNS = {
    "pool": gated(r"\bpools?\b|swimming", "pool", "swimming"),
    "air_conditioning": gated(
        r"\bair[\s-]*condition\w*|\bcentral\s+air\b|\ba\s*/\s*c\b|\bhvac\b",
        "air",
        "a/c",
        "a / c",
        "hvac",
    ),
    "fireplace": gated(r"\bfire[\s-]*places?\b", "fire"),
    "dishwasher": gated(r"\bdish[\s-]*washers?\b", "dish"),
    "utilities_included": gated(
        r"\butilities\s+(?:are\s+)?(?:included|incl\b|paid)|\ball\s+utilities\b|"
        r"\bincludes?\s+(?:all\s+)?utilities",
        "utilities",
    ),
    "balcony": gated(r"\bbalcon(?:y|ies)\b|\bpatio\b", "balcon", "patio"),
    "gym": gated(r"\bgym\b|\bfitness\s+(?:center|room)", "gym", "fitness"),
}


def pets_allowed(text: str) -> tuple[bool | None, bool | None]:
    """(cats_ok, dogs_ok): a statement about one kind beats one about pets in general."""
    generic = False if _NO_PETS.search(text) else True if _PETS_OK.search(text) else None
    cats = _kind_ok(text, generic, _CATS_OK, _CATS, refused=_NO_CATS, other_only=_DOGS_ONLY)
    dogs = _kind_ok(text, generic, _DOGS_OK, _DOGS, refused=_NO_DOGS, other_only=_CATS_ONLY)
    return cats, dogs


def _kind_ok(
    text: str, generic: bool | None, allowed: Gated, named: Gated, refused: Gated, other_only: Gated
) -> bool | None:
    if refused.search(text) or other_only.search(text):  # "no cats", "dogs only"
        return False
    if allowed.search(text):  # "cats only", "accepts cats", even after "no pets"
        return True
    if generic is not None:  # "no pets", "pet friendly"
        return generic
    return True if named.search(text) else None  # a cat is mentioned


def _negated_first(text: str, negative: Gated, positive: Gated) -> bool | None:
    """False when the negative phrase occurs (it wins), True for the positive one, else None."""
    if negative.search(text):
        return False
    if positive.search(text):
        return True
    return None


def smoking_allowed(text: str) -> bool | None:
    """False for "no smoking", "non-smoking", "smoke-free"; True when allowed; else None."""
    return _negated_first(text, _NO_SMOKING, _SMOKING_OK)


def furnished(text: str) -> bool | None:
    """True for "furnished", False for "unfurnished"/"not furnished", else None;
    "furnished or unfurnished" is a choice and says neither."""
    if _FURNISHED_CHOICE.search(text):
        text = _FURNISHED_CHOICE.sub(" ", text)
    return _negated_first(text, _UNFURNISHED, _FURNISHED)


def amenities(text: str) -> dict[str, bool | None]:
    """Each amenity of :data:`AMENITY_PATTERNS`: True when named, else None."""
    return {name: True if rx.search(text) else None for name, rx in AMENITY_PATTERNS.items()}

"""Scoring of extracted housing fields against gold labels (``ads/dev/gold.jsonl``).

Conventions (the data set's README): integers exact, bathrooms exact as float,
ISO dates exact, type/laundry/parking case-insensitive after whitespace
normalisation, booleans exact, postal code as 5 digits, street addresses equal
when house number and first street-name token agree (leading directional
skipped, suffixes/ordinals normalised).

Per field:
- precision = correct / predictions on postings that have a gold value;
- recall = correct / postings whose text mentions the gold value;
- F1 = harmonic mean;
- precision_mentioned = precision on the postings whose text states the gold value
  (separates extraction errors from ads whose text disagrees with their label);
- wrong_unstated = wrong answers on postings whose text never states the gold value;
- answers_unstated = all answers (right or wrong) on such postings: answers the text
  does not back, right only when the guess happens to match the label.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from eduscrape.housing.extract import FIELDS

# Fields the data set labels from the pages' structured parts (the others, e.g.
# deposit and phone, have no site labels).
SCORED_FIELDS = tuple(
    f for f in FIELDS if f not in ("deposit", "fees", "built_year", "floors", "phone", "email")
)

_DIRECTIONS = {
    "n",
    "s",
    "e",
    "w",
    "ne",
    "nw",
    "se",
    "sw",
    "north",
    "south",
    "east",
    "west",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
}
_ORDINALS = {
    "first": "1",
    "second": "2",
    "third": "3",
    "fourth": "4",
    "fifth": "5",
    "sixth": "6",
    "seventh": "7",
    "eighth": "8",
    "ninth": "9",
    "tenth": "10",
}


def _address_key(value: str) -> tuple[str, str] | None:
    tokens = re.sub(r"[^\w\s]", " ", value.lower()).split()
    if len(tokens) < 2 or not tokens[0][0].isdigit():
        return None
    rest = tokens[1:]
    if len(rest) > 1 and rest[0] in _DIRECTIONS:
        rest = rest[1:]
    name = rest[0]
    name = _ORDINALS.get(name, name)
    name = re.sub(r"^(\d+)(?:st|nd|rd|th)$", r"\1", name)
    return tokens[0], name


def same_value(field: str, predicted: Any, gold: Any) -> bool:
    """Whether a predicted value equals the gold value under the data set's conventions."""
    if predicted is None or gold is None:
        return False
    if field in ("type", "laundry", "parking"):
        return " ".join(str(predicted).lower().split()) == " ".join(str(gold).lower().split())
    if field == "bathrooms":
        return float(predicted) == float(gold)
    if field == "street_address":
        a, b = _address_key(str(predicted)), _address_key(str(gold))
        return a is not None and a == b
    if field == "postal_code":
        return str(predicted)[:5] == str(gold)[:5]
    if isinstance(gold, bool) or isinstance(predicted, bool):
        return predicted is gold
    return predicted == gold


def load_gold(path: str | Path) -> list[dict[str, Any]]:
    """The rows of a JSON-lines gold file."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def join_labels(labels_path: str | Path, gold_path: str | Path) -> list[dict[str, Any]]:
    """Hand labels kept by posting id (``{"id", "labels"}``) joined with the postings'
    title, body and posting date from ``gold.jsonl``, for :func:`score_labelled`.

    The labels file holds no text of its own, so it can be kept with the tests
    while the postings stay in the data set.
    """
    postings = {row["id"]: row for row in load_gold(gold_path)}
    rows = []
    for entry in load_gold(labels_path):
        posting = postings.get(entry["id"])
        if posting is None:
            raise KeyError(f"{labels_path}: posting {entry['id']!r} is not in {gold_path}")
        rows.append(
            {
                "id": entry["id"],
                "title": posting["title"],
                "body": posting["body"],
                "posted": posting["posted"],
                "labels": entry["labels"],
            }
        )
    return rows


def _prf(correct: int, predicted: int, found: int, relevant: int) -> dict[str, float]:
    """Precision (correct of predicted), recall (found of relevant), F1; rounded."""
    p = correct / predicted if predicted else 0.0
    r = found / relevant if relevant else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f1, 3)}


def score(
    rows: Iterable[dict[str, Any]],
    predictions: dict[str, dict[str, Any]],
    fields: Iterable[str] = SCORED_FIELDS,
) -> dict[str, dict[str, float | int]]:
    """Per-field P/R/F1 of ``predictions`` (id -> fields) against gold ``rows``."""
    rows = list(rows)
    result: dict[str, dict[str, float | int]] = {}
    for field in fields:
        predicted = correct = mentioned = found = predicted_m = wrong_unstated = 0
        answers_unstated = 0
        for row in rows:
            gold = row["gold"].get(field)
            pred = predictions[row["id"]].get(field)
            ok = same_value(field, pred, gold)
            if gold is not None and pred is not None:
                predicted += 1
                correct += ok
                wrong_unstated += not ok and not row["mentioned"].get(field)
                answers_unstated += not row["mentioned"].get(field)
            if row["mentioned"].get(field):
                mentioned += 1
                found += ok
                predicted_m += pred is not None
        result[field] = {
            **_prf(correct, predicted, found, mentioned),
            "predicted": predicted,
            "mentioned": mentioned,
            # Precision where the text states the gold value (text and label agree).
            "precision_mentioned": round(found / predicted_m, 3) if predicted_m else 0.0,
            # Wrong answers on postings whose text never states the labelled value.
            "wrong_unstated": wrong_unstated,
            "answers_unstated": answers_unstated,
        }
    return result


def predict_all(
    rows: Iterable[dict[str, Any]],
    extract: Callable[..., dict[str, Any]],
) -> dict[str, dict[str, Any]]:
    """*extract*'s fields for each row (title, body, posting date), by row id."""
    return {row["id"]: extract(row["title"], row["body"], row["posted"]) for row in rows}


def score_labelled(
    rows: Iterable[dict[str, Any]], extract: Callable[..., dict[str, Any]]
) -> dict[str, dict[str, float | int]]:
    """P/R/F1 on hand-labelled ads (``{"title", "body", "labels"}``; ``null`` = not stated).

    A prediction where the label is ``null`` counts against precision.
    """
    rows = list(rows)
    fields = sorted({f for row in rows for f in row["labels"]})
    result: dict[str, dict[str, float | int]] = {}
    for field in fields:
        predicted = correct = labelled = 0
        for row in rows:
            if field not in row["labels"]:
                continue
            gold = row["labels"][field]
            pred = extract(row["title"], row["body"], row.get("posted", "2026-07-01")).get(field)
            predicted += pred is not None
            labelled += gold is not None
            correct += gold is not None and pred == gold
        result[field] = {**_prf(correct, predicted, correct, labelled), "labelled": labelled}
    return result


def macro_f1(scores: dict[str, dict[str, float | int]]) -> float:
    """Mean F1 over the fields of ``scores`` that some posting states (``mentioned``)."""
    f1s = [s["f1"] for s in scores.values() if s["mentioned"]]
    return round(sum(f1s) / len(f1s), 4) if f1s else 0.0


def leave_one_city_out(
    rows: Iterable[dict[str, Any]],
    predictions: dict[str, dict[str, Any]],
    fields: Iterable[str] = SCORED_FIELDS,
) -> dict[str, Any]:
    """Each city scored on its own, as an unseen city, next to the pooled scores.

    The rules have no fitted parameters, so a city's own score is its
    leave-one-city-out score (a learned component would be trained on the other
    cities first, see ``bench/learned_ads.py``). A field that no posting of a city
    states has no F1 there and is left out of that city's macro and field means.
    """
    rows = list(rows)
    fields = tuple(fields)
    cities = sorted({r["city"] for r in rows})
    per_city = {c: score([r for r in rows if r["city"] == c], predictions, fields) for c in cities}
    pooled = macro_f1(score(rows, predictions, fields))
    mean = round(sum(macro_f1(per_city[c]) for c in cities) / len(cities), 4) if cities else 0.0
    field_means = {}
    for f in fields:
        f1s = [per_city[c][f]["f1"] for c in cities if per_city[c][f]["mentioned"]]
        field_means[f] = round(sum(f1s) / len(f1s), 3) if f1s else None
    return {
        "macro_f1_pooled": pooled,
        "macro_f1_mean_over_cities": mean,
        "gap": round(pooled - mean, 4),
        "field_f1_mean_over_cities": field_means,
        "cities": {
            c: {
                "macro_f1": macro_f1(per_city[c]),
                "f1": {f: s["f1"] for f, s in per_city[c].items() if s["mentioned"]},
                "wrong_unstated": {f: s["wrong_unstated"] for f, s in per_city[c].items()},
            }
            for c in cities
        },
    }

"""Would a learned model beat the housing rules? A text-classifier baseline.

    pip install scikit-learn   # not a dependency of eduscrape
    python bench/learned_ads.py

For the categorical fields (laundry, parking, type) a TF-IDF (word 1-2 grams) +
logistic-regression classifier is trained on the gold labels of some cities and
scored on the others, three ways, against the rules of
:func:`eduscrape.housing.extract.extract_fields`:

- ``learned``: the classifier alone, answering when its top class has at least
  ``threshold`` probability;
- ``rules_then_learned``: the rules' answer, else the confident classifier's;
- ``veto``: the rules' answer unless the classifier gives it less than ``threshold``.

Splits: TUNE -> HELDOUT (as in ``bench_ads``), and leave-one-city-out (mean F1
over the six cities). Prints JSON. Not part of ``run_all`` (optional dependency).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from bench_ads import DATA, HELDOUT, TUNE

from eduscrape.housing.evaluation import load_gold, predict_all, score
from eduscrape.housing.extract import extract_fields

FIELDS = ("laundry", "parking", "type")
THRESHOLDS = (0.0, 0.5, 0.85)
VETO_THRESHOLDS = (0.05, 0.1, 0.2)


def _text(row: dict[str, Any]) -> str:
    return f"{row['title']}\n{row['body']}"


def _classifier(rows: list[dict[str, Any]], field: str) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    labelled = [r for r in rows if r["gold"][field] is not None]
    model = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
        LogisticRegression(max_iter=2000, C=5.0),
    )
    return model.fit([_text(r) for r in labelled], [r["gold"][field] for r in labelled])


def _answers(
    model: Any, rows: list[dict[str, Any]], rules: dict[str, dict[str, Any]], field: str
) -> dict[str, dict[tuple[str, float], Any]]:
    classes = list(model.classes_)
    out: dict[str, dict[tuple[str, float], Any]] = {}
    for row, probs in zip(rows, model.predict_proba([_text(r) for r in rows]), strict=True):
        top = max(range(len(classes)), key=probs.__getitem__)
        rule = rules[row["id"]][field]
        answers: dict[tuple[str, float], Any] = {("rules", 0.0): rule}
        for t in THRESHOLDS:
            learned = classes[top] if probs[top] >= t else None
            answers["learned", t] = learned
            answers["rules_then_learned", t] = rule if rule is not None else learned
        for t in VETO_THRESHOLDS:
            p_rule = probs[classes.index(rule)] if rule in classes else 0.0
            answers["veto", t] = rule if rule is None or p_rule >= t else None
        out[row["id"]] = answers
    return out


def _f1(rows: list[dict[str, Any]], answers: dict[str, Any], field: str, key: Any) -> float:
    predictions = {r["id"]: {field: answers[r["id"]][key]} for r in rows}
    return score(rows, predictions, [field])[field]["f1"]


def evaluate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    rules = predict_all(rows, extract_fields)
    cities = sorted({r["city"] for r in rows})
    result: dict[str, Any] = {}
    for field in FIELDS:
        splits = [(TUNE, HELDOUT)] + [
            (tuple(c for c in cities if c != city), (city,)) for city in cities
        ]
        per_split = []
        for train_cities, test_cities in splits:
            train = [r for r in rows if r["city"] in train_cities]
            test = [r for r in rows if r["city"] in test_cities]
            answers = _answers(_classifier(train, field), test, rules, field)
            keys = next(iter(answers.values())).keys()
            per_split.append({k: _f1(test, answers, field, k) for k in keys})
        held, loco = per_split[0], per_split[1:]
        result[field] = {
            f"{name}@{t:g}": {
                "f1_heldout": held[name, t],
                "f1_leave_one_city_out": round(sum(s[name, t] for s in loco) / len(loco), 3),
            }
            for name, t in held
        }
    return result


def main() -> int:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("bench/learned_ads.py needs scikit-learn: pip install scikit-learn", file=sys.stderr)
        return 2
    if not (DATA / "gold.jsonl").exists():
        print(json.dumps({"skipped": f"evaluation data not available: {DATA}"}))
        return 0
    rows = load_gold(DATA / "gold.jsonl")
    print(json.dumps({"ads": len(rows), "fields": evaluate(rows)}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

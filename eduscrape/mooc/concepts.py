"""Concepts of a video from its subtitles, and of a course from its videos.

English: candidate noun phrases (runs of words that are not stopwords, fillers,
verbs or -ly adverbs, cut at punctuation) scored YAKE-style on frequency,
spread over the transcript and cohesion, multi-word terms favoured, sub-phrases
folded into their longer term. Chinese: jieba TF-IDF with a stoplist.

    >>> extract_concepts(subtitles.text)          # [Concept(name, score), ...] best first
    >>> course_concepts([video1_concepts, ...])    # aggregated over a course
    >>> prerequisite_candidates(ordered_videos)    # RefD-scored pairs (stretch)
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby

from eduscrape.mooc._lexicon import (
    CHINESE_STOPWORDS,
    english_generic,
    english_modifiers,
    english_rejects,
)

__all__ = [
    "Concept",
    "course_concepts",
    "detect_language",
    "extract_concepts",
    "normalize_text",
    "prerequisite_candidates",
    "yake_baseline",
]


@dataclass(frozen=True)
class Concept:
    name: str
    score: float  # higher is better; comparable only within one video


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
# Kangxi radicals / CJK radicals supplement: PDF-extracted Chinese often has a
# radical glyph right before the real character ("⽤用" for "用").
_RADICAL = re.compile(r"[\u2e80-\u2fdf]")
# Speaker labels at the start of a cue ("MIN-MIN LIANG:", "PROFESSOR:").
_SPEAKER = re.compile(r"^\s*(?:[A-Z][A-Z.'\-]*\s?){1,4}:\s*")
# OCW's standard opening ("...under a Creative Commons license... ocw.mit.edu").
_BOILERPLATE = re.compile(
    r"creative commons|ocw\.mit\.edu|make a donation|additional materials from hundreds",
    re.I,
)


def normalize_text(text: str) -> str:
    """NFKC, with stray radical glyphs before their character removed."""
    if _RADICAL.search(text):
        out: list[str] = []
        for i, ch in enumerate(text):
            if _RADICAL.match(ch):
                nxt = text[i + 1 : i + 2]
                norm = unicodedata.normalize("NFKC", ch)
                if nxt and (nxt == norm or _RADICAL.match(nxt) or norm == ch):
                    continue  # duplicate glyph of the next character (or undecodable)
                out.append(norm)
            else:
                out.append(ch)
        text = "".join(out)
    return unicodedata.normalize("NFKC", text)


def detect_language(text: str) -> str:
    """``zh`` when CJK characters make up 30% of the letters, else ``en``."""
    sample = text[:5000]
    cjk = len(_CJK.findall(sample))
    latin = len(_LATIN.findall(sample))
    return "zh" if cjk and cjk >= 0.3 * (cjk + latin / 4) else "en"


def extract_concepts(
    cues: str | Sequence[str], *, k: int = 10, language: str | None = None
) -> list[Concept]:
    """The *k* most representative concepts of a transcript, best first."""
    if isinstance(cues, str):
        cues = [cues]
    cues = [normalize_text(c) for c in cues if c and c.strip()]
    if not cues:
        return []
    text = " ".join(cues)
    language = language or detect_language(text)
    if language.startswith("zh"):
        return _chinese(text, k)
    return _english(cues, k)


# -- English ------------------------------------------------------------------------

_SPLIT = re.compile(r"[.!?;:,()\[\]{}\"“”]|\s[-–—]+\s|--")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’\-]*[A-Za-z0-9]|[A-Za-z]")
_MODIFIERS = english_modifiers()
_GENERIC = english_generic()
_LY_NOUNS = frozenset(
    "family supply assembly anomaly monopoly italy july reply ally rally belly jelly fly".split()  # noqa: SIM905
)


@lru_cache(maxsize=1 << 17)  # transcripts repeat their words: normalise each once
def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "ics")):
        return word[:-1]
    return word


@lru_cache(maxsize=1 << 17)
def _content(word: str) -> bool:
    rejects = english_rejects()
    low = word.lower()
    if low in rejects or _singular(low) in rejects:
        return False
    if len(low) < 3 and not (word.isupper() and len(word) >= 2):
        return False
    if "'" in low:
        return False
    return not (low.endswith("ly") and low not in _LY_NOUNS) and not low.isdigit()


def _english(cues: Sequence[str], k: int) -> list[Concept]:
    phrase_count: Counter[str] = Counter()
    surface: dict[str, Counter[str]] = defaultdict(Counter)
    word_tf: Counter[str] = Counter()
    word_cues: dict[str, set[int]] = defaultdict(set)
    seen_lower: set[str] = set()  # words seen in lower case: not proper nouns
    raw: Counter[tuple[str, ...]] = Counter()
    n_cues = 0
    for ci, cue in enumerate(cues):
        if _BOILERPLATE.search(cue):
            continue
        n_cues += 1
        cue = _SPEAKER.sub("", cue.replace("’", "'"))
        for sentence in _SPLIT.split(cue):
            # "sieve of Eratosthenes": the words before an "of" wait for the next run.
            before_of: tuple[str, ...] = ()
            words = [w.rstrip("'").removesuffix("'s") for w in _WORD.findall(sentence)]
            for is_content, group in groupby(words, key=_content):
                if not is_content:
                    # Only a lone "of" between two runs bridges them.
                    before_of = before_of if _group_is_of(group) else ()
                    continue
                run = tuple(group)
                size = len(run)
                for i in range(size):
                    for n in range(1, min(3, size - i) + 1):
                        raw[run[i : i + n]] += 1
                    low = run[i].lower()
                    if low == run[i]:
                        seen_lower.add(low)
                    w = _singular(low)
                    word_tf[w] += 1
                    word_cues[w].add(ci)
                if before_of:
                    for m in range(1, min(2, size) + 1):
                        for j in range(1, len(before_of) + 1):
                            if j + m <= 3:
                                raw[(*before_of[-j:], "of", *run[:m])] += 1
                before_of = run[-2:]
    # Surface n-grams are counted first (cheap); terms are keyed once per distinct form.
    for words, count in raw.items():
        key = _term_key(words)
        if key:
            phrase_count[key] += count
            surface[key][" ".join(words)] += count
    if not phrase_count:
        return []
    n_cues = max(n_cues, 1)
    max_tf = max(word_tf.values())
    scores: dict[str, float] = {}
    for key, freq in phrase_count.items():
        words = [w for w in key.split() if w != "of"]
        n = len(words)
        if n > 1 and freq < 2:
            continue
        # Spread: a term used across the lecture beats one repeated in a passage.
        spread = sum(len(word_cues.get(_singular(w), ())) for w in words) / (n * n_cues)
        if n == 1:
            # Single words: frequent ones are often generic; damp them.
            score = freq * (0.5 + spread) * 0.6
        else:
            tf_min = min(word_tf.get(_singular(w), freq) for w in words)
            cohesion = freq / max(tf_min, 1)  # 1.0 when the words only occur together
            score = freq * (1 + math.log(n)) * (0.5 + cohesion) * (0.5 + spread) * 1.8
        # Very frequent single words of the lecture lift the phrases built on them.
        score *= 1 + 0.5 * sum(word_tf.get(_singular(w), 0) for w in words) / (n * max_tf)
        scores[key] = score
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    chosen: list[tuple[str, float]] = []
    for key, score in ranked:
        # Fold sub-phrases into longer chosen terms (and skip longer ones of a chosen term
        # unless they are nearly as strong).
        if any(_contains(c, key) for c, _ in chosen):
            continue
        if any(_contains(key, c) and score < 0.8 * s for c, s in chosen):
            continue
        chosen.append((key, score))
        if len(chosen) >= k:
            break
    return [Concept(_display(surface[key], seen_lower), round(score, 4)) for key, score in chosen]


def _key(name: str) -> str:
    """Aggregation key: case and a final plural do not make another concept."""
    words = name.lower().split()
    return " ".join([*words[:-1], _singular(words[-1])]) if words else ""


def _group_is_of(group: Iterable[str]) -> bool:
    """True when the non-content words between two runs are exactly one "of"."""
    words = list(group)
    return len(words) == 1 and words[0].lower() == "of"


def _term_key(words: tuple[str, ...]) -> str | None:
    """The term an n-gram counts for (lower case, last word singular), or None.

    A term ends in a noun and holds a specific word: "second law", "boiling point",
    but not "second", "point" or "simple" alone.
    """
    key_words = [w.lower() for w in words]
    content = [w for w in key_words if w != "of"]
    if key_words[-1] in _MODIFIERS or not any(
        w not in _MODIFIERS and _singular(w) not in _GENERIC for w in content
    ):
        return None
    return " ".join([*key_words[:-1], _singular(key_words[-1])])


def _contains(longer: str, shorter: str) -> bool:
    return longer != shorter and f" {shorter} " in f" {longer} "


def _display(forms: Counter[str], seen_lower: set[str]) -> str:
    """The most frequent surface form, lower-cased except names and acronyms."""
    form = forms.most_common(1)[0][0]
    return " ".join(
        w
        if (w.isupper() and len(w) > 1) or (w[:1].isupper() and w.lower() not in seen_lower)
        else w.lower()
        for w in form.split()
    )


# -- Chinese ------------------------------------------------------------------------

_jieba_ready = False


def _chinese(text: str, k: int) -> list[Concept]:
    global _jieba_ready
    import jieba
    import jieba.analyse
    import jieba.posseg

    if not _jieba_ready:
        jieba.setLogLevel(60)  # no "Building prefix dict" chatter in crawl logs
        jieba.initialize()
        _jieba_ready = True
    tags = jieba.posseg.dt.word_tag_tab  # dictionary POS tags: a cheap noun filter
    text = _BOILERPLATE.sub(" ", text)
    rejects = english_rejects()
    out: list[Concept] = []
    for word, weight in jieba.analyse.extract_tags(text, topK=k * 5, withWeight=True):
        word = word.strip()
        if (
            len(word) < 2
            or word in CHINESE_STOPWORDS
            or word.isdigit()
            or (word.isascii() and (word.lower() in rejects or len(word) < 3))
            or len(set(word)) == 1  # "人人", "哈哈": reduplication noise
            or not _chinese_noun(word, tags.get(word))
        ):
            continue
        out.append(Concept(word, round(float(weight), 4)))
        if len(out) >= k:
            break
    return out


_PRONOUN_START = "我你他她它这那"
_LONG_STOPWORDS = tuple(w for w in CHINESE_STOPWORDS if len(w) >= 2)


def _chinese_noun(word: str, tag: str | None) -> bool:
    if word.isascii():
        return True  # "Lingt", "MIT": names and terms kept in Latin script
    if word[0] in _PRONOUN_START and len(word) <= 2:
        return False  # "我会", "这些": pronoun compounds even where the dictionary says noun
    if len(word) >= 3 and any(stop in word for stop in _LONG_STOPWORDS):
        return False  # "觉得很有": a phrase around a stopword, even in the dictionary
    if tag is not None:
        return tag.startswith("n") or tag in ("vn", "nz", "eng", "j", "t")
    # Out-of-vocabulary: names and terms are usually 3+ characters; 2-character OOV
    # words are segmentation fragments ("人会"), and so are OOV words with a doubled
    # character (PDF artefacts: "联联到").
    return (
        len(word) >= 3
        and word[0] not in _PRONOUN_START + "就还也都不没"
        and not any(a == b for a, b in itertools.pairwise(word))
    )


# -- Baseline and aggregation ---------------------------------------------------------


def yake_baseline(cues: str | Sequence[str], *, k: int = 10, language: str = "en") -> list[str]:
    """Plain YAKE (n=3) top *k*, the reference the issue compares against."""
    import yake

    text = cues if isinstance(cues, str) else " ".join(cues)
    extractor = yake.KeywordExtractor(lan=language, n=3, top=k)
    return [kw for kw, _ in extractor.extract_keywords(normalize_text(text))]


def course_concepts(videos: Iterable[Sequence[Concept | str]], *, k: int = 30) -> list[Concept]:
    """Aggregate video concepts: a concept in many videos, ranked high, wins."""
    scores: dict[str, float] = defaultdict(float)
    names: dict[str, str] = {}
    for concepts in videos:
        for rank, concept in enumerate(concepts):
            name = concept.name if isinstance(concept, Concept) else str(concept)
            key = _key(name)
            names.setdefault(key, name)
            scores[key] += 1.0 / (1 + 0.25 * rank)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
    return [Concept(names[key], round(score, 4)) for key, score in ranked]


def prerequisite_candidates(
    videos: Sequence[tuple[str, Sequence[str]]],
    concepts: Iterable[str] | None = None,
    *,
    threshold: float = 0.5,
    limit: int = 20,
) -> list[tuple[str, str, float]]:
    """Prerequisite candidates ``(a, b, score)``: *a* is likely needed before *b*.

    *videos* are ``(transcript text, concept names)`` in course order; only
    *concepts* (default: all) are paired. RefD (Liang et al. 2015) with videos as
    pages: RefD(b, a) is how much more the videos about *b* mention *a* than the
    videos about *a* mention *b*. A pair is kept when RefD > *threshold* and *a*
    is taught first (course order).
    """
    wanted = {_key(c) for c in concepts} if concepts is not None else None
    texts = [f" {normalize_text(text).lower()} " for text, _ in videos]
    about: dict[str, list[int]] = defaultdict(list)
    surface: dict[str, str] = {}
    for i, (_, names) in enumerate(videos):
        for name in names:
            key = _key(name)
            if wanted is None or key in wanted:
                about[key].append(i)
                surface.setdefault(key, name)
    mentions = {c: {i for i, t in enumerate(texts) if c in t} for c in about}
    out: list[tuple[str, str, float]] = []
    for a in about:
        for b in about:
            if a == b or about[a][0] > about[b][0] or _contains(b, a) or _contains(a, b):
                continue
            b_refers_a = len(mentions[a] & set(about[b])) / len(about[b])
            a_refers_b = len(mentions[b] & set(about[a])) / len(about[a])
            if b_refers_a and b_refers_a - a_refers_b > threshold:
                out.append((surface[a], surface[b], round(b_refers_a - a_refers_b, 4)))
    out.sort(key=lambda t: (-t[2], t[0], t[1]))
    return out[:limit]

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
from typing import Any

from eduscrape.mooc._lexicon import (
    CHINESE_STOPWORDS,
    HEDGES_BEFORE_OF,
    english_generic,
    english_modifiers,
    english_rejects,
    spoken_math_pairs,
    spoken_symbols,
)

__all__ = [
    "Concept",
    "CourseContext",
    "course_concepts",
    "detect_language",
    "extract_concepts",
    "normalize_text",
    "prerequisite_candidates",
    "yake_baseline",
]


@dataclass(frozen=True)
class Concept:
    """A concept of a video and its score."""

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
    cues: str | Sequence[str],
    *,
    k: int = 10,
    language: str | None = None,
    course: CourseContext | None = None,
) -> list[Concept]:
    """The *k* most representative concepts of a transcript, best first.

    With *course* (:meth:`CourseContext.build` over the course's titles and, ideally,
    every transcript of the course), terms of the course's own structure are favoured
    and terms are scored against their spread over the course. Every concept is a
    verbatim span of the subtitles (cues joined by single spaces, NFKC-normalised).
    """
    if isinstance(cues, str):
        cues = [cues]
    if course is not None:
        cached = course._take(cues)
        if cached is not None:
            language, stats = cached
            if language.startswith("zh"):
                return _rank_chinese(stats, k, course)
            return _rank_english(stats, k, course)
    cues = [normalize_text(c) for c in cues if c and c.strip()]
    if not cues:
        return []
    language = language or detect_language(" ".join(cues[:200]))
    if language.startswith("zh"):
        return _rank_chinese(_chinese_candidates(" ".join(cues), k), k, course)
    titles = course.title_terms if course is not None else frozenset()
    return _rank_english(_english_stats(cues, titles), k, course)


class CourseContext:
    """What a course says about its concepts: its titles and its transcripts' term spread.

    ``CourseContext.build(transcripts, titles=[course, *sections, *video titles])``;
    then ``extract_concepts(transcript, course=context)`` per video. The statistics of a
    transcript given to :meth:`build` are kept and reused (once) by
    :func:`extract_concepts`, so a course costs one pass over its subtitles.
    Titles alone (no transcripts) give the vocabulary preference without the spread.
    Transcripts are added in course order (neighbouring videos share course concepts).
    """

    def __init__(self) -> None:
        self.videos: Counter[str] = Counter()  # videos per language ("en", "zh")
        self.df: Counter[str] = Counter()  # term key -> videos holding it
        self.first: dict[str, int] = {}  # term key -> first / last video holding it
        self.last: dict[str, int] = {}
        self.title_terms: frozenset[str] = frozenset()  # English term keys of the titles
        self.title_words: frozenset[str] = frozenset()  # their content words; Chinese words
        self._stats: dict[int, tuple[str, Any]] = {}

    @classmethod
    def build(
        cls,
        transcripts: Iterable[str | Sequence[str]] = (),
        *,
        titles: Iterable[str] = (),
        language: str | None = None,
        k: int = 10,
    ) -> CourseContext:
        context = cls()
        context.add_titles(titles)
        for cues in transcripts:
            context.add_transcript(cues, language=language, k=k)
        return context

    def add_titles(self, titles: Iterable[str]) -> None:
        terms, words = _english_title_terms(titles := [normalize_text(t) for t in titles if t])
        self.title_terms |= terms
        self.title_words |= words | _chinese_title_words(titles)

    def add_transcript(
        self, cues: str | Sequence[str], *, language: str | None = None, k: int = 10
    ) -> None:
        raw = [cues] if isinstance(cues, str) else cues
        cues = [normalize_text(c) for c in raw if c and c.strip()]
        if not cues:
            return
        language = language or detect_language(" ".join(cues[:200]))
        if language.startswith("zh"):
            stats: Any = _chinese_candidates(" ".join(cues), k)
            keys = {word for word, _ in stats}
            language = "zh"
        else:
            stats = _english_stats(cues, self.title_terms)
            stats.keys = frozenset()  # the rare terms are not needed any more: free them
            keys = set(stats.terms)  # the video's candidates: terms said twice, words
            language = "en"
        index = sum(self.videos.values())  # course order: the order transcripts are added
        self.videos[language] += 1
        self.df.update(keys)
        self.first.update(dict.fromkeys(keys - self.first.keys(), index))
        self.last.update(dict.fromkeys(keys, index))
        self._stats[_cues_key(raw)] = (language, stats)

    def _take(self, cues: str | Sequence[str]) -> tuple[str, Any] | None:
        return self._stats.pop(_cues_key([cues] if isinstance(cues, str) else cues), None)

    def weight(self, key: str, words: Sequence[str], language: str = "en", freq: int = 2) -> float:
        """How much the course favours a term: its titles' vocabulary, its spread."""
        weight = 1.0
        n = len(words)
        if key in self.title_terms or (language == "zh" and key in self.title_words):
            # Said once, a title term is usually a pointer to another lecture.
            weight *= 0.6 if freq < 2 else 2.5 if n > 1 else 1.6
        elif n > 1 and any(_singular(w) in self.title_words for w in words):
            weight *= 1.6  # built on a title word ("static friction"): as strong as it
        videos = self.videos[language]
        if videos >= 3:
            share = self.df.get(key, 0) / videos
            # In most videos of the course: background, not this video's concept.
            weight *= 1 - 0.75 * min(1.0, max(0.0, (share - 0.3) / 0.7))
            df = self.df.get(key, 0)
            if n > 1 and df >= 2 and share <= 0.5:
                # A phrase recurring in a few videos is a course term; in a few neighbouring
                # ones (a section's run), all the more.
                span = self.last[key] - self.first[key] + 1
                weight *= 1.25 if span <= 2 * df else 1.1
        return weight


def _cues_key(cues: Sequence[str]) -> int:
    return hash(tuple(cues))


# -- English ------------------------------------------------------------------------

_SPLIT = re.compile(r"[.!?;:,()\[\]{}\"“”]|\s[-–—]+\s|--")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’\-]*[A-Za-z0-9]|[A-Za-z]")
_MODIFIERS = english_modifiers()
_GENERIC = english_generic()
_SYMBOLS = spoken_symbols()
_MATH_PAIRS = spoken_math_pairs()
_LY_NOUNS = frozenset(
    "family supply assembly anomaly monopoly italy july reply ally rally belly jelly fly".split()  # noqa: SIM905
)
_CHUNK_WORDS = 30  # spread is measured over chunks of this many words


@lru_cache(maxsize=1 << 17)  # transcripts repeat their words: normalise each once
def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "ics")):
        return word[:-1]
    return word


@lru_cache(maxsize=1 << 17)
def _base(token: str) -> str:
    """A token without its possessive ("Kepler's" -> "Kepler"), curly quotes straightened.

    Always a prefix of the token, as long as the token up to there.
    """
    return token.replace("’", "'").removesuffix("'s").removesuffix("'S").rstrip("'")


def _token_starts(sentence: str) -> Iterable[int]:
    return (m.start() for m in _WORD.finditer(sentence))


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


@dataclass
class _Stats:
    """One English transcript, as scoring needs it (computed once per video)."""

    terms: dict[str, tuple[int, str]]  # term key -> (frequency, display name)
    word_tf: dict[str, int]  # singular lower-case word -> frequency
    word_spread: dict[str, int]  # ... -> chunks of the transcript holding it
    chunks: int
    keys: frozenset[str]  # every term key, also the rare ones (course spread)


def _english_stats(cues: Sequence[str], titles: frozenset[str] = frozenset()) -> _Stats:
    """Candidate terms of a transcript with their counts and verbatim surface forms.

    Cues are joined (captions cut phrases anywhere); a term is a run of content words
    inside a sentence, 1-3 words, or "X of Y". Multi-word terms seen once are dropped
    (a phrase in a single sentence is noise) unless they are course *titles* terms, and
    so are terms ending in a word the
    transcript never ends a phrase with (an adjective: "harmonic", "universal").
    """
    text = " ".join(_SPEAKER.sub("", c) for c in cues if not _BOILERPLATE.search(c))
    raw: Counter[str] = Counter()  # surface form -> count
    form_words: dict[str, tuple[str, ...]] = {}
    word_tf: Counter[str] = Counter()
    word_chunks: dict[str, set[int]] = defaultdict(set)
    seen_lower: set[str] = set()  # words seen in lower case: not proper nouns
    seen_inside: set[str] = set()  # words seen capitalised, not first in a sentence
    run_ends: Counter[str] = Counter()  # how often a word ends a run of content words
    position = 0
    for sentence in _SPLIT.split(text):
        tokens = _WORD.findall(sentence)
        if not tokens:
            continue
        # Surface forms are the subtitles' own text: tokens joined by single spaces when
        # the sentence is written so (almost always), else sliced out of it.
        spans = None if " ".join(tokens) in sentence else list(_token_starts(sentence))
        words = [_base(t) for t in tokens]
        lows = [w.lower() for w in words]
        content = [_content(w) for w in words]
        if "root" in lows:
            for a in range(1, len(lows)):
                if (lows[a - 1], lows[a]) in _MATH_PAIRS:
                    content[a - 1] = content[a] = False
        if "of" in lows:
            for a in range(1, len(lows)):
                if lows[a] == "of" and lows[a - 1] in HEDGES_BEFORE_OF:
                    content[a - 1] = False  # "sort of": a hedge, not a sort
        chunk_of = position // _CHUNK_WORDS
        position += len(words)
        ngrams: list[tuple[int, int]] = []  # (start, end) token indices of the candidates
        i, size = 0, len(words)
        before_of: tuple[int, int] | None = None  # the run before a lone "of"
        while i < size:
            j = i
            if not content[i]:
                while j < size and not content[j]:
                    j += 1
                if not (j - i == 1 and lows[i] == "of"):
                    before_of = None
                i = j
                continue
            while j < size and content[j]:
                j += 1
            run_ends[_singular(lows[j - 1])] += 1
            for a in range(i, j):
                ngrams.extend((a, b) for b in range(a + 1, min(a + 3, j) + 1))
                low = lows[a]
                if low == words[a]:
                    seen_lower.add(low)
                elif a:  # capitalised inside a sentence: a name, an acronym
                    seen_inside.add(low)
                w = _singular(low)
                word_tf[w] += 1
                word_chunks[w].add(chunk_of)
            if before_of is not None:
                start, end = before_of
                for m in range(1, min(2, j - i) + 1):
                    ngrams.extend((end - n, i + m) for n in range(1, end - start + 1) if n + m <= 3)
            before_of = (max(i, j - 2), j)
            i = j
        for a, b in ngrams:
            # The last word without its possessive ("Kepler's law", "Kepler").
            if spans is None:
                last = tokens[b - 1][: len(words[b - 1])]
                form = f"{' '.join(tokens[a : b - 1])} {last}" if b - a > 1 else last
            else:
                form = sentence[spans[a] : spans[b - 1] + len(words[b - 1])]
            raw[form] += 1
            if form not in form_words:
                form_words[form] = tuple(lows[a:b])
    # Surface forms are counted first (cheap); terms are keyed once per distinct form.
    counts: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    never_last = {w for w, tf in word_tf.items() if tf >= 3 and run_ends.get(w, 0) <= tf // 5}
    for form, count in raw.items():
        key = _term_key(form_words[form])
        if key and key.rsplit(" ", 1)[-1] not in never_last:
            counts[key] += count
            forms[key][form] += count
    terms = {
        key: (freq, _display(forms[key], seen_inside - seen_lower))
        for key, freq in counts.items()
        if freq >= 2 or " " not in key or key in titles
    }
    spread = {w: len(c) for w, c in word_chunks.items()}
    chunks = position // _CHUNK_WORDS + 1
    return _Stats(terms, dict(word_tf), spread, chunks, frozenset(counts))


def _rank_english(stats: _Stats, k: int, course: CourseContext | None) -> list[Concept]:
    if not stats.terms:
        return []
    word_tf, word_spread = stats.word_tf, stats.word_spread
    max_tf = max(word_tf.values())
    scores: dict[str, float] = {}
    for key, (freq, _) in stats.terms.items():
        words = [w for w in key.split() if w != "of"]
        n = len(words)
        singular = [_singular(w) for w in words]
        # Spread: a term used across the lecture beats one repeated in a passage.
        spread = sum(word_spread.get(w, 0) for w in singular) / (n * stats.chunks)
        if n == 1:
            # Single words: frequent ones are often generic; damp them.
            score = freq * (0.5 + spread) * 0.6
        else:
            tf_min = min(word_tf.get(w, freq) for w in singular)
            cohesion = freq / max(tf_min, 1)  # 1.0 when the words only occur together
            score = freq * (1 + math.log(n)) * (0.5 + cohesion) * (0.5 + spread) * 1.8
        # Very frequent single words of the lecture lift the phrases built on them.
        score *= 1 + 0.5 * sum(word_tf.get(w, 0) for w in singular) / (n * max_tf)
        if course is not None:
            score *= course.weight(key, words, freq=freq)
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
    return [Concept(stats.terms[key][1], round(score, 4)) for key, score in chosen]


def _english_title_terms(titles: Sequence[str]) -> tuple[frozenset[str], frozenset[str]]:
    """Term keys and content words of a course's titles, minus its naming scheme.

    Words in most titles ("Lecture", "Instructor Interview") name the format, not topics.
    """
    per_title: list[set[str]] = []
    for title in titles:
        per_title.append(set(_english_stats([title]).keys))
    if not per_title:
        return frozenset(), frozenset()
    seen: Counter[str] = Counter(key for keys in per_title for key in keys)
    scheme = {key for key, c in seen.items() if len(per_title) > 2 and c > len(per_title) / 2}
    terms = {key for keys in per_title for key in keys} - scheme
    words = {_singular(w) for key in terms for w in key.split() if w != "of"}
    words = {w for w in words if w not in _MODIFIERS and w not in _GENERIC and w not in _SYMBOLS}
    return frozenset(terms), frozenset(words - scheme)


def _key(name: str) -> str:
    """Aggregation key: case and a final plural do not make another concept."""
    words = name.lower().split()
    return " ".join([*words[:-1], _singular(words[-1])]) if words else ""


def _term_key(words: tuple[str, ...]) -> str | None:
    """The term an n-gram counts for (lower case, last word singular), or None.

    A term ends in a noun and holds a specific word: "second law", "boiling point",
    but not "second", "point" or "simple" alone; nor a formula read aloud ("theta hat",
    "omega", "square root").
    """
    last = words[-1]
    if last in _MODIFIERS or last in _SYMBOLS or _singular(last) in _SYMBOLS:
        return None
    if not any(
        w != "of" and w not in _MODIFIERS and w not in _SYMBOLS and _singular(w) not in _GENERIC
        for w in words
    ):
        return None
    return " ".join([*words[:-1], _singular(last)])


def _contains(longer: str, shorter: str) -> bool:
    return longer != shorter and f" {shorter} " in f" {longer} "


def _display(forms: Counter[str], names: set[str]) -> str:
    """The most frequent surface form, lower-cased except names and acronyms."""
    form = max(forms, key=forms.__getitem__)
    return " ".join(
        w if (w.isupper() and len(w) > 1) or _base(w).lower() in names else w.lower()
        for w in form.split()
    )


# -- Chinese ------------------------------------------------------------------------

_jieba_ready = False


def _jieba() -> Any:
    global _jieba_ready
    import jieba
    import jieba.analyse
    import jieba.posseg

    if not _jieba_ready:
        jieba.setLogLevel(60)  # no "Building prefix dict" chatter in crawl logs
        jieba.initialize()
        _jieba_ready = True
    return jieba


def _chinese_candidates(text: str, k: int) -> list[tuple[str, float]]:
    """jieba TF-IDF keywords that are nouns and not stopwords, best first (up to 3 k)."""
    jieba = _jieba()
    tags = jieba.posseg.dt.word_tag_tab  # dictionary POS tags: a cheap noun filter
    text = _BOILERPLATE.sub(" ", text)
    rejects = english_rejects()
    out: list[tuple[str, float]] = []
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
        out.append((word, float(weight)))
        if len(out) >= 3 * k:
            break
    return out


def _rank_chinese(
    candidates: list[tuple[str, float]], k: int, course: CourseContext | None
) -> list[Concept]:
    if course is not None:
        candidates = sorted(
            ((w, s * course.weight(w, [w], "zh")) for w, s in candidates),
            key=lambda ws: -ws[1],
        )
    return [Concept(word, round(weight, 4)) for word, weight in candidates[:k]]


def _chinese_title_words(titles: Sequence[str]) -> frozenset[str]:
    """Words of the Chinese titles (jieba), minus the course's naming scheme."""
    titled = [t for t in titles if _CJK.search(t)]
    if not titled:
        return frozenset()
    jieba = _jieba()
    per_title = [
        {w for w in jieba.lcut(t) if len(w) >= 2 and w not in CHINESE_STOPWORDS and _CJK.search(w)}
        for t in titled
    ]
    seen: Counter[str] = Counter(w for words in per_title for w in words)
    return frozenset(
        w for w, c in seen.items() if not (len(per_title) > 2 and c > len(per_title) / 2)
    )


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

"""MOOC repository benchmark: concept quality vs a YAKE baseline, extraction speed,
and an OCW crawl check.

Data: ../shared/data/mooc/dev/ocw/ (MIT OCW 21G.107: 6 English and 5 Chinese
lectures with titles and sections in expected.json). Skips with a message when absent.

Quality, per video, top 10 concepts from its subtitles only (the title is not an input):
- ``title_hit``: share of videos whose top 10 holds a key term of their own title or
  section (key terms: content words, minus words shared by most titles of the course,
  such as "Instructor Interview"; English words match on a 5-letter stem);
- ``multiword_title_hit`` (English): the matching concept is a multi-word term;
- ``verbatim``: share of concepts that occur verbatim in the subtitles;
- ``filler``: share of concepts containing a speech filler ("okay", "so", "right"...).
Baseline: plain YAKE (n=3, top 10) for English, plain jieba TF-IDF for Chinese.
"""

from __future__ import annotations

import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from eduscrape.mooc._lexicon import CHINESE_STOPWORDS, english_stopwords  # noqa: E402
from eduscrape.mooc.concepts import extract_concepts, normalize_text, yake_baseline  # noqa: E402
from eduscrape.mooc.subtitles import parse_srt  # noqa: E402

DATA = PROJECT.parent / "shared" / "data" / "mooc" / "dev" / "ocw"
COURSE = DATA / "21g-107-chinese-i-streamlined-fall-2014"
FILLERS = {
    "okay",
    "ok",
    "so",
    "yeah",
    "um",
    "uh",
    "right",
    "know",
    "like",
    "mean",
    "going",
    "really",
    "actually",
    "thing",
    "things",
    "lot",
    "kind",
    "sort",
    "well",
    "equals",
}


def _stem(word: str) -> str:
    return word.lower()[:5]


def _english_terms(text: str) -> set[str]:
    stop = english_stopwords()
    return {
        _stem(w) for w in re.findall(r"[A-Za-z]+", text) if len(w) > 2 and w.lower() not in stop
    }


def _chinese_terms(text: str) -> set[str]:
    import jieba

    part = text.split("/")[-1]  # "繁體 / 简体": the simplified title
    return {
        w for w in jieba.lcut(normalize_text(part)) if len(w) >= 2 and w not in CHINESE_STOPWORDS
    }


def _key_terms(videos: list[dict[str, Any]], lang: str) -> list[set[str]]:
    terms_of = _english_terms if lang == "en" else _chinese_terms
    terms = [terms_of(v["title"] + " " + " ".join(v["section_path"])) for v in videos]
    # Words in most titles are the course's naming scheme, not the lecture's topic.
    counts: dict[str, int] = {}
    for t in terms:
        for w in t:
            counts[w] = counts.get(w, 0) + 1
    common = {w for w, c in counts.items() if len(videos) > 2 and c > len(videos) / 2}
    return [t - common for t in terms]


def _hit(concept: str, terms: set[str], lang: str) -> bool:
    if lang == "en":
        return any(_stem(w) in terms for w in re.findall(r"[A-Za-z]+", concept))
    return any(t in concept or concept in t for t in terms)


def _quality(
    names: list[list[str]], texts: list[str], terms: list[set[str]], lang: str
) -> dict[str, Any]:
    hits = multi = verbatim = filler = total = 0
    for concepts, text, keys in zip(names, texts, terms, strict=True):
        low = text.lower()
        matching = [c for c in concepts if _hit(c, keys, lang)]
        hits += bool(matching)
        multi += any(len(c.split()) > 1 for c in matching)
        verbatim += sum(c.lower() in low for c in concepts)
        filler += sum(any(w in FILLERS for w in c.lower().split()) for c in concepts)
        total += len(concepts)
    n = max(len(names), 1)
    out = {
        "videos": len(names),
        "title_hit": round(hits / n, 3),
        "verbatim": round(verbatim / max(total, 1), 3),
        "filler": round(filler / max(total, 1), 3),
        "concepts_per_video": round(total / n, 2),
        "multiword_share": round(
            sum(len(c.split()) > 1 for cs in names for c in cs) / max(total, 1), 3
        ),
    }
    if lang == "en":
        out["multiword_title_hit"] = round(multi / n, 3)
    return out


def _baseline(cues: list[str], lang: str) -> list[str]:
    if lang == "en":
        return yake_baseline(cues)
    import jieba.analyse

    return jieba.analyse.extract_tags(normalize_text(" ".join(cues)), topK=10)


def concept_quality() -> dict[str, Any]:
    expected = json.loads((COURSE / "expected.json").read_text())
    result: dict[str, Any] = {}
    for lang in ("en", "zh"):
        videos = [
            v
            for v in expected["videos"]
            if (lang == "zh") == bool(re.search(r"[\u4e00-\u9fff]", v["title"]))
        ]
        cues = [
            parse_srt(
                (COURSE / "site" / "resources" / v["slug"] / f"{v['youtube_id']}.srt").read_text()
            ).text
            for v in videos
        ]
        texts = [normalize_text(" ".join(c)) for c in cues]
        terms = _key_terms(videos, lang)
        ours = [[c.name for c in extract_concepts(c, language=lang)] for c in cues]
        # Ceiling: videos where any candidate term (all of them, not the top 10) matches.
        every = [[c.name for c in extract_concepts(c, k=10_000, language=lang)] for c in cues]
        base = [_baseline(c, lang) for c in cues]
        ceiling = _quality(every, texts, terms, lang)
        result[lang] = {
            "ceiling_any_candidate": {
                k: v for k, v in ceiling.items() if k in ("title_hit", "multiword_title_hit")
            },
            "ours": _quality(ours, texts, terms, lang),
            "baseline": _quality(base, texts, terms, lang),
            "examples": {
                v["title"]: {"ours": o, "baseline": b}
                for v, o, b in list(zip(videos, ours, base, strict=True))[:3]
            },
        }
    return result


def _quiet_jieba() -> None:
    import jieba

    jieba.setLogLevel(60)


def _cold() -> None:
    """Empty the word caches, so every repeat measures a first sight of the words."""
    from eduscrape.mooc import concepts

    concepts._singular.cache_clear()
    concepts._content.cache_clear()


def speed(repeat: int = 5) -> dict[str, Any]:
    expected = json.loads((COURSE / "expected.json").read_text())
    transcripts = [
        parse_srt(
            (COURSE / "site" / "resources" / v["slug"] / f"{v['youtube_id']}.srt").read_text()
        ).text
        for v in expected["videos"]
    ]
    long_lecture = parse_srt((DATA / "captions_example" / "captions_example.srt").read_text()).text
    extract_concepts(transcripts[-1])  # warm up: jieba loads its dictionary once per process
    rates, long_times, yake_rates, yake_long = [], [], [], []
    for _ in range(repeat):
        _cold()
        t0 = time.perf_counter()
        for cues in transcripts:
            extract_concepts(cues)
        rates.append(len(transcripts) / (time.perf_counter() - t0))
        _cold()
        t0 = time.perf_counter()
        extract_concepts(long_lecture)
        long_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for cues in transcripts[:6]:
            yake_baseline(cues)
        yake_rates.append(6 / (time.perf_counter() - t0))
        t0 = time.perf_counter()
        yake_baseline(long_lecture)
        yake_long.append(time.perf_counter() - t0)
    return {
        "ocw_videos_per_s_median": round(statistics.median(rates), 1),
        "full_lecture_1178_cues_videos_per_s_median": round(1 / statistics.median(long_times), 1),
        "yake_baseline_english_videos_per_s_median": round(statistics.median(yake_rates), 1),
        "yake_full_lecture_videos_per_s_median": round(1 / statistics.median(yake_long), 1),
        "target_videos_per_s": 20,
        "repeat": repeat,
    }


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def crawl_check() -> dict[str, Any]:
    expected = json.loads((COURSE / "expected.json").read_text())
    handler = partial(_QuietHandler, directory=str(COURSE / "site"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "ocw.jsonl"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MONGO_", "EDUSCRAPE_"))}
        t0 = time.perf_counter()
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "scrapy",
                "crawl",
                "ocw",
                "-O",
                str(feed),
                "-a",
                f"start_url=http://127.0.0.1:{server.server_address[1]}/index.html",
                "-s",
                f"EDUSCRAPE_MONGO_DATA_DIR={tmp}/mongo",
                "-s",
                f"MONGO_SPOOL_PATH={tmp}/spool.jsonl",
                "-s",
                "LOG_LEVEL=WARNING",
            ],
            cwd=PROJECT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        elapsed = time.perf_counter() - t0
        items = [json.loads(x) for x in feed.read_text().splitlines()] if feed.exists() else []
    server.shutdown()
    videos = sorted((i for i in items if i["entity"] == "video"), key=lambda v: v["order"])
    courses = [i for i in items if i["entity"] == "course"]
    want = expected["videos"]
    return {
        "exit_code": proc.returncode,
        "videos_found": len(videos),
        "videos_expected": len(want),
        "course_order_ok": [v["id"] for v in videos] == [f"V_{w['youtube_id']}" for w in want],
        "cue_counts_ok": [len(v["text"]) for v in videos] == [w["n_cues"] for w in want],
        "cues_total": sum(len(v["text"]) for v in videos),
        "cues_expected": sum(w["n_cues"] for w in want),
        "instructors_ok": bool(courses)
        and courses[-1]["teachers"] == expected["course"]["instructors"],
        "items": len(items),
        "crawl_s": round(elapsed, 2),
    }


def run() -> dict[str, Any]:
    if not COURSE.exists():
        return {"skipped": f"evaluation data not available: {COURSE}"}
    _quiet_jieba()
    out = {
        "concepts": concept_quality(),
        "speed": speed(),
        "crawl": crawl_check(),
    }
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, ensure_ascii=False))

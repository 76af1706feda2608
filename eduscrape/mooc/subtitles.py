"""Subtitle parsers: SRT, WebVTT, OCW timed-span HTML, edX and XuetangX JSON.

Every parser returns :class:`Subtitles`, MOOCCube's parallel ``start``/``end``/
``text`` arrays in seconds (floats, 3 decimals). Malformed cues are skipped and
counted in ``Subtitles.skipped``; unreadable input raises :class:`SubtitleError`.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "SubtitleError",
    "Subtitles",
    "parse_edx_json",
    "parse_srt",
    "parse_subtitles",
    "parse_timed_html",
    "parse_vtt",
    "parse_xuetangx",
]


class SubtitleError(ValueError):
    """The input is not a subtitle file of the expected format."""


@dataclass
class Subtitles:
    """Parsed cues: start and end times (seconds) and text, aligned lists."""

    start: list[float] = field(default_factory=list)
    end: list[float] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    skipped: int = 0  # malformed or empty cues dropped while parsing

    def __len__(self) -> int:
        return len(self.text)

    def add(self, start: float, end: float, text: str) -> None:
        """Append a cue (text cleaned); an empty or negative-time cue is counted as skipped."""
        text = _clean(text)
        if not text or start < 0:
            self.skipped += 1
            return
        self.start.append(round(start, 3))
        self.end.append(round(max(end, start), 3))
        self.text.append(text)

    @property
    def joined(self) -> str:
        """All cue texts, space-joined."""
        return " ".join(self.text)

    @property
    def duration(self) -> float:
        """End time of the last cue, in seconds."""
        return self.end[-1] if self.end else 0.0


_WS = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]{0,200}>")


def _clean(text: str) -> str:
    return _WS.sub(" ", html.unescape(_TAG.sub("", text))).strip()


# 00:01:02,345  01:02.345  1:02:03.4 (hours optional in VTT, comma or dot)
_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?"
_ARROW = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}")


def _seconds(h: str | None, m: str, s: str, frac: str | None) -> float:
    ms = int((frac or "0").ljust(3, "0")[:3])
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + ms / 1000


def _parse_blocks(data: str, *, vtt: bool) -> Subtitles:
    data = data.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    subs = Subtitles()
    found_arrow = False
    for block in re.split(r"\n\s*\n", data):
        lines = [line for line in block.split("\n") if line.strip()]
        for i, line in enumerate(lines):
            match = _ARROW.match(line)
            if match:
                found_arrow = True
                g = match.groups()
                subs.add(_seconds(*g[:4]), _seconds(*g[4:]), " ".join(lines[i + 1 :]))
                break
        else:
            # A block without timing: the VTT header or a NOTE/STYLE block, else a bad cue.
            if lines and not (vtt and lines[0].startswith(("WEBVTT", "NOTE", "STYLE", "REGION"))):
                subs.skipped += 1
    if not found_arrow and data.strip():
        raise SubtitleError("no cue timings found")
    return subs


def parse_srt(data: str | bytes) -> Subtitles:
    """SubRip: numbered blocks ``HH:MM:SS,mmm --> HH:MM:SS,mmm`` + text lines."""
    return _parse_blocks(_text(data), vtt=False)


def parse_vtt(data: str | bytes) -> Subtitles:
    """WebVTT: optional cue ids, ``.`` milliseconds, optional hours, cue settings."""
    text = _text(data)
    if not text.lstrip("\ufeff").startswith("WEBVTT"):
        raise SubtitleError("WebVTT file without the WEBVTT header")
    return _parse_blocks(text, vtt=True)


_SPAN = re.compile(r"""<span\s[^>]*?\bm\s*=\s*['"]?(\d+)['"]?[^>]*>(.*?)</span>""", re.S | re.I)


def parse_timed_html(data: str | bytes, *, last_cue_ms_per_char: int = 70) -> Subtitles:
    """OCW interactive transcripts: ``<span m='START_MS'>cue</span>`` spans.

    A cue ends where the next starts (at most 8 s later); the last cue lasts
    70 ms per character, clamped to 1.5-8 s, which is how OCW renders them.
    """
    spans = [(int(ms), _clean(body)) for ms, body in _SPAN.findall(_text(data))]
    subs = Subtitles()
    for i, (ms, text) in enumerate(spans):
        start = ms / 1000
        if i + 1 < len(spans):
            end = min(spans[i + 1][0] / 1000, start + 8.0)
        else:
            end = start + min(8.0, max(1.5, len(text) * last_cue_ms_per_char / 1000))
        subs.add(start, end, text)
    return subs


def _load_json(data: str | bytes | dict[str, Any]) -> Any:
    if isinstance(data, (str, bytes)):
        try:
            return json.loads(data)
        except ValueError as exc:
            raise SubtitleError(f"invalid JSON: {exc}") from None
    return data


def _parallel(obj: Any, scale: float) -> Subtitles:
    if not isinstance(obj, dict):
        raise SubtitleError("transcript JSON is not an object")
    starts, ends, texts = obj.get("start") or [], obj.get("end") or [], obj.get("text") or []
    if not all(isinstance(x, list) for x in (starts, ends, texts)):
        raise SubtitleError("start/end/text are not lists")
    subs = Subtitles()
    n = min(len(starts), len(texts))
    subs.skipped += max(len(starts), len(texts)) - n
    for i in range(n):
        try:
            start = float(starts[i]) * scale
            end = float(ends[i]) * scale if i < len(ends) else start
        except (TypeError, ValueError):
            subs.skipped += 1
            continue
        subs.add(start, end, str(texts[i] or ""))
    return subs


def parse_edx_json(data: str | bytes | dict[str, Any]) -> Subtitles:
    """edX transcript JSON ``{"start": [ms], "end": [ms], "text": [...]}``."""
    return _parallel(_load_json(data), 0.001)


def parse_xuetangx(data: str | bytes | dict[str, Any]) -> Subtitles:
    """XuetangX ``subtitle_parse`` reply: ``{start, end, text}`` in seconds,
    possibly wrapped in ``{"data": {...}}``; millisecond integers are detected."""
    obj = _load_json(data)
    if isinstance(obj, dict) and isinstance(obj.get("data"), dict):
        obj = obj["data"]
    starts = obj.get("start") if isinstance(obj, dict) else None
    # Seconds are floats in XuetangX replies; a last start above 1e5 can only be ms.
    scale = 0.001 if starts and isinstance(starts[-1], int) and starts[-1] > 100_000 else 1.0
    return _parallel(obj, scale)


def _text(data: str | bytes) -> str:
    if isinstance(data, bytes):
        for encoding in ("utf-8-sig", "utf-16", "gb18030"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        return data.decode("latin-1")
    return data


def parse_subtitles(data: str | bytes, hint: str = "") -> Subtitles:
    """Sniff the format (file name or content type in *hint*, then content)."""
    hint = hint.lower()
    text = _text(data).lstrip("\ufeff")
    head = text.lstrip()[:200]
    if hint.endswith(".vtt") or "text/vtt" in hint or head.startswith("WEBVTT"):
        return parse_vtt(text)
    if head.startswith("{"):
        obj = _load_json(text)
        starts = obj.get("start") if isinstance(obj, dict) else None
        if isinstance(obj, dict) and isinstance(obj.get("data"), dict):
            return parse_xuetangx(obj)
        # edX stores integer milliseconds; floats mean seconds.
        if starts and all(isinstance(s, int) for s in starts[:5]):
            return parse_edx_json(obj)
        return parse_xuetangx(obj)
    if _SPAN.search(text[:20000]):
        return parse_timed_html(text)
    return parse_srt(text)

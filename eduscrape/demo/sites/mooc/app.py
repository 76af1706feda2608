"""MOOC demo site: an OCW-like course, an Open edX-like course, a XuetangX-like API.

- ``/mooc/ocw/8-01-physics/``: server-rendered course home, video gallery, video
  pages with inline ``<span m='ms'>`` transcripts, ``.srt``/``.vtt`` captions; one
  video has a malformed caption file and one has none;
- ``/mooc/edx/courses/<key>/about`` and ``/courseware/``: Open edX pages whose
  sequences embed escaped video blocks with ``data-metadata``; the transcript
  handler answers edX JSON (ms); one transcript is missing (404); the same
  course in the Course Blocks API, ``/mooc/edx/api/courses/v1/blocks/``;
- ``/mooc/xuetangx/api/v1/lms/...``: course list (POST, 2 per page), chapters,
  leaf info (one leaf answers 429 + ``Retry-After: 1`` once), subtitle_parse
  (one reply malformed); a removed course answers 404; ``/mooc/xuetangx/catalogue``
  renders the course cards in JavaScript only.

Under ``/mooc/drift/<kinds>/`` (comma-separated) the same sites answer API
replies that drifted as platforms do (``DRIFTS``): XuetangX ``teacher-object``
(a product's teacher list became one object), ``chapters-renamed``
(``course_chapter`` became ``chapters``), ``leaf-type`` (leaf types became
names), ``ccid-renamed`` (leaf info's ``ccid`` became ``cc_id``); Open edX
blocks API ``blocks-list`` (the blocks map became a list), ``transcripts-list``
(a video's transcripts map became a list of URLs).

All content is written for this demo (``content.json``).
"""

from __future__ import annotations

import html
import json
import re
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote

from eduscrape.demo import DemoRequest, DemoResponse

CONTENT: dict[str, Any] = json.loads((Path(__file__).parent / "content.json").read_text("utf-8"))
_lock = threading.Lock()
DRIFTS = frozenset(
    {
        "teacher-object",
        "chapters-renamed",
        "leaf-type",
        "ccid-renamed",
        "blocks-list",
        "transcripts-list",
    }
)
_rate_limited_once: set[str] = set()
E = html.escape


def _cues(texts: list[str]) -> list[tuple[float, float, str]]:
    out, t = [], 2.0
    for text in texts:
        duration = round(max(1.5, 0.06 * len(text)), 3)
        out.append((round(t, 3), round(t + duration, 3), text))
        t += duration + 0.2
    return out


def _ts(seconds: float, sep: str) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}{sep}{ms % 1000:03d}"


def _page(title: str, body: str, lang: str = "en") -> DemoResponse:
    return DemoResponse(
        200,
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{E(title)}</title>"
        f"</head><body>{body}<footer><p>eduscrape MOOC demo. Content written for testing."
        "</p></footer></body></html>",
    )


# -- OCW-like ----------------------------------------------------------------------


def _ocw(path: str) -> DemoResponse | None:
    c = CONTENT["ocw"]
    root = f"/mooc/ocw/{c['slug']}/"
    rest = path.removeprefix(f"/ocw/{c['slug']}/")
    if rest == path:
        return None
    videos = [(s, v) for s in c["sections"] for v in s["videos"]]
    menu = (
        f"<nav class='course-nav'><ul><li><a href='{root}'>Course Home</a></li>"
        f"<li><a href='{root}video_galleries/lecture-videos/'>Lecture Videos</a></li></ul></nav>"
    )
    banner = (
        f"<header class='site-header'><a class='site-logo' href='{root}'>Demo OpenCourseWare"
        "</a></header>"
    )
    if rest in ("", "index.html"):
        instructors = "".join(
            f"<li><a class='course-info-instructor' href='#i{i}'>{E(n)}</a></li>"
            for i, n in enumerate(c["instructors"])
        )
        topics = "".join(f"<li>{E(t)}</li>" for t in c["topics"])
        # The course facts as ocw.mit.edu lays them out: labelled (dt) values (dd).
        facts = "".join(
            f"<dt>{label}</dt><dd>{value}</dd>"
            for label, value in (
                ("Instructors", f"<ul class='course-instructors'>{instructors}</ul>"),
                ("Course Number", f"<span class='course-number'>{E(c['number'])}</span>"),
                ("As Taught In", f"<span class='course-term'>{E(c['term'])}</span>"),
                ("Level", f"<span class='course-level'>{E(c['level'])}</span>"),
                ("Departments", f"<span class='course-department'>{E(c['department'])}</span>"),
                ("Topics", f"<ul class='course-topics'>{topics}</ul>"),
            )
        )
        body = (
            f"{banner}<div class='course-banner'><span class='course-banner-number'>"
            f"{E(c['number'])} | {E(c['term'])} | {E(c['level'])}</span>"
            f"<div class='course-banner-title'><a href='{root}'>{E(c['title'])}</a></div></div>"
            f"{menu}<main><h1 class='course-title'>{E(c['title'])}</h1>"
            f"<section class='course-info'><h2>Course Info</h2><dl>{facts}</dl></section>"
            "<section class='course-description'><h2>Course Description</h2>"
            f"<div class='description'><p>{E(c['description'])}</p></div></section></main>"
        )
        return _page(c["title"], body)
    if rest.rstrip("/") == "video_galleries/lecture-videos":
        sections = ""
        for section in c["sections"]:
            cards = "".join(
                f"<li class='video-gallery-card' data-youtube-id='{v['yt']}'><a class='video-link'"
                f" href='{root}resources/{v['slug']}/'><span class='video-title'>{E(v['title'])}"
                "</span></a></li>"
                for v in section["videos"]
            )
            sections += (
                f"<section class='video-gallery-section'><h2>{E(section['name'])}</h2>"
                f"<ul class='video-gallery'>{cards}</ul></section>"
            )
        return _page(
            "Lecture Videos", f"{banner}{menu}<main><h1>Lecture Videos</h1>{sections}</main>"
        )
    match = re.fullmatch(r"resources/([\w-]+)/(?:index\.html)?(?:([\w-]+)\.(srt|vtt))?", rest)
    if not match:
        return None
    found = [(s, v) for s, v in videos if v["slug"] == match[1]]
    if not found:
        return DemoResponse(404, "<h1>Not found</h1>")
    section, video = found[0]
    cues = _cues(video["text"])
    if match[3]:
        if video["transcript"] in ("none", "inline-only") or match[2] != video["yt"]:
            return DemoResponse(404, "not found", "text/plain")
        if video["transcript"] == "srt-malformed":
            return DemoResponse(
                200, "this caption file was truncated by the upload\n", "text/plain"
            )
        if match[3] == "srt":
            srt = "\n".join(
                f"{i}\n{_ts(a, ',')} --> {_ts(b, ',')}\n{t}\n"
                for i, (a, b, t) in enumerate(cues, 1)
            )
            return DemoResponse(200, srt, "application/x-subrip; charset=utf-8")
        vtt = "WEBVTT\n\n" + "\n".join(
            f"{_ts(a, '.')} --> {_ts(b, '.')}\n{t}\n" for a, b, t in cues
        )
        return DemoResponse(200, vtt, "text/vtt; charset=utf-8")
    links = ""
    if video["transcript"] in ("srt", "inline"):
        links = (
            f"<a class='caption-srt' href='{video['yt']}.srt'>SRT</a>"
            f"<a class='caption-vtt' href='{video['yt']}.vtt'>WebVTT</a>"
        )
    elif video["transcript"] == "vtt":
        links = f"<a class='caption-vtt' href='{video['yt']}.vtt'>WebVTT</a>"
    elif video["transcript"] == "srt-malformed":
        links = f"<a class='caption-srt' href='{video['yt']}.srt'>SRT</a>"
    transcript = ""
    if video["transcript"] in ("inline", "inline-only"):
        spans = " ".join(f"<span m='{round(a * 1000)}'>{E(t)}</span>" for a, _, t in cues)
        transcript = (
            "<section id='transcript'><h2>Transcript</h2>"
            f"<div class='transcript-body' lang='en'><p>{spans}</p></div></section>"
        )
    body = (
        f"{banner}{menu}<main><nav class='breadcrumbs'><a href='{root}'>Course Home</a> › "
        f"<a href='{root}video_galleries/lecture-videos/'>{E(section['name'])}</a> › "
        f"<span>{E(video['title'])}</span></nav><h1 class='video-title'>{E(video['title'])}</h1>"
        f"<div class='video-container' data-youtube-id='{video['yt']}' data-video-src="
        f"'https://www.youtube.com/watch?v={video['yt']}'></div>"
        f"<section class='resource-downloads'>{links}</section>{transcript}</main>"
    )
    return _page(video["title"], body)


# -- Open edX-like -------------------------------------------------------------------


def _edx_blocks(request: DemoRequest, drift: frozenset[str]) -> DemoResponse:
    """The Course Blocks API (``depth=all``, video ``student_view_data``)."""
    c = CONTENT["edx"]
    key = c["key"]
    if request.query.get("course_id", [""])[0] != key:
        return DemoResponse.json({"error": "course not found"}, 404)
    block = key.replace("course-v1:", "block-v1:")
    base = f"/mooc/edx/courses/{key}/"
    blocks: dict[str, dict[str, Any]] = {}

    def add(kind: str, name: str, title: str, children: list[str]) -> str:
        bid = f"{block}+type@{kind}+block@{name}"
        blocks[bid] = {"id": bid, "type": kind, "display_name": title, "children": children}
        return bid

    chapters: dict[str, list[str]] = {}
    for seq in c["sequences"]:
        videos = []
        for v in seq["videos"]:
            vid = add("video", v["usage"], v["title"], [])
            transcripts = {"en": f"{base}xblock/{vid}/handler/transcript/translation/en"}
            blocks[vid]["student_view_data"] = {
                "only_on_web": False,
                "duration": None,
                "encoded_videos": {
                    "youtube": {
                        "url": f"https://www.youtube.com/watch?v={v['yt']}",
                        "file_size": 0,
                    },
                    "fallback": {
                        "url": f"https://video.example.org/{v['usage']}.mp4",
                        "file_size": 0,
                    },
                },
                "transcripts": list(transcripts.values())
                if "transcripts-list" in drift
                else transcripts,
            }
            videos.append(vid)
        unit = add("vertical", f"{seq['sequence']}_unit", seq["sequence"], videos)
        chapters.setdefault(seq["chapter"], []).append(
            add("sequential", seq["sequence"], seq["sequence"], [unit])
        )
    root = add(
        "course", "course", c["title"], [add("chapter", ch, ch, s) for ch, s in chapters.items()]
    )
    # The map is unordered: the course order is the children's.
    reply: dict[str, Any] = {"root": root, "blocks": dict(reversed(blocks.items()))}
    if "blocks-list" in drift:  # as with return_type=list
        reply["blocks"] = list(reply["blocks"].values())
    return DemoResponse.json(reply)


def _edx(request: DemoRequest, path: str, drift: frozenset[str]) -> DemoResponse | None:
    c = CONTENT["edx"]
    key = c["key"]
    if path.rstrip("/") == "/edx/api/courses/v1/blocks":
        return _edx_blocks(request, drift)
    prefix = f"/edx/courses/{key}/"
    if not path.startswith(prefix):
        return None
    rest = path[len(prefix) :]
    base = f"/mooc/edx/courses/{key}/"
    block = key.replace("course-v1:", "block-v1:")
    if rest.rstrip("/") == "about":
        staff = "".join(f"<li class='staff-name'>{E(n)}</li>" for n in c["staff"])
        return _page(
            c["title"],
            f"<h1 class='course-title'>{E(c['title'])}</h1><span class='course-org'>{E(c['org'])}"
            f"</span><section class='course-about'><p>{E(c['about'])}</p></section>"
            f"<ul class='course-staff'>{staff}</ul><a href='{base}courseware/'>View courseware</a>",
        )
    if rest.rstrip("/") == "courseware":
        nav = "".join(
            f"<li><a href='{base}courseware/{s['chapter']}/{s['sequence']}/'>{E(s['sequence'])}</a></li>"
            for s in c["sequences"]
        )
        return _page("Courseware", f"<nav class='course-navigation'><ul>{nav}</ul></nav>")
    for seq in c["sequences"]:
        if rest.rstrip("/") == f"courseware/{seq['chapter']}/{seq['sequence']}":
            units = ""
            for v in seq["videos"]:
                usage = f"{block}+type@video+block@{v['usage']}"
                meta = {
                    "streams": f"1.00:{v['yt']}",
                    "sources": [f"https://video.example.org/{v['usage']}.mp4"],
                    "transcriptLanguage": "en",
                    "transcriptLanguages": {"en": "English"},
                    "transcriptTranslationUrl": f"{base}xblock/{usage}/handler/transcript/translation/__lang__",
                }
                units += (
                    f"<div class='xblock xblock-student_view xblock-student_view-video' data-usage-id='{E(usage)}'"
                    f" data-block-type='video'><h2>{E(v['title'])}</h2><div class='video' "
                    f"data-metadata='{E(json.dumps(meta))}'></div></div>"
                )
            seq_html = f"<div class='vert-mod'>{units}</div>"
            return _page(
                seq["sequence"],
                f"<div id='seq_contents_0' class='seq_contents tex2jax_ignore'>{E(seq_html)}</div>",
            )
    match = re.fullmatch(r"xblock/(.+)/handler/transcript/translation/(\w+)", rest)
    if match:
        usage = match[1].rsplit("@", 1)[-1]
        for seq in c["sequences"]:
            for v in seq["videos"]:
                if v["usage"] == usage and not v.get("missing_transcript") and match[2] == "en":
                    cues = _cues(v["text"])
                    return DemoResponse.json(
                        {
                            "start": [round(a * 1000) for a, _, _ in cues],
                            "end": [round(b * 1000) for _, b, _ in cues],
                            "text": [t for _, _, t in cues],
                        }
                    )
        return DemoResponse(404, "Transcript not found", "text/plain")
    return None


# -- XuetangX-like -------------------------------------------------------------------

_PAGE_SIZE = 2


def _xt_course(cid: str) -> dict[str, Any] | None:
    return next((c for c in CONTENT["xuetangx"]["courses"] if str(c["cid"]) == cid), None)


def _leaves(course: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        str(leaf["id"]): leaf
        for ch in course["chapters"]
        for sec in ch["sections"]
        for leaf in sec["leaves"]
    }


def _xuetangx(
    request: DemoRequest, path: str, drift: frozenset[str] = frozenset()
) -> DemoResponse | None:
    if not path.startswith("/xuetangx/"):
        return None
    rest = path.removeprefix("/xuetangx")
    courses = CONTENT["xuetangx"]["courses"]
    q = {k: v[0] for k, v in request.query.items()}
    if rest in ("/catalogue", "/catalogue/"):
        return _page("课程目录", _CATALOGUE, lang="zh")
    if not rest.startswith("/api/v1/lms/"):
        return None
    if request.headers.get("xtbz", request.headers.get("Xtbz")) != "xt":
        return DemoResponse.json({"success": False, "msg": "missing xtbz header"}, 403)
    cookie = request.headers.get("cookie", "")
    if "csrftoken=" in cookie and request.method == "POST":
        token = re.search(r"csrftoken=([^;]+)", cookie)
        if not token or request.headers.get("x-csrftoken") != token[1]:
            return DemoResponse.json({"success": False, "msg": "CSRF token missing"}, 403)
    api = rest.removeprefix("/api/v1/lms")
    if api.rstrip("/") == "/get_product_list":
        if request.method != "POST":
            return DemoResponse.json({"success": False, "msg": "POST only"}, 405)
        page = int(q.get("page", "1") or 1)
        chunk = courses[(page - 1) * _PAGE_SIZE : page * _PAGE_SIZE]
        products = [
            {
                "classroom_id": c["cid"],
                "sign": c["sign"],
                "name": c["name"],
                "org": {"name": c["org"]},
                "teacher": [{"name": t, "job_title": "教授"} for t in c["teachers"]],
                "short_intro": c["intro"],
            }
            for c in chunk
        ]
        if "teacher-object" in drift:  # the list of teachers became one teacher object
            for product in products:
                product["teacher"] = (product["teacher"] or [{}])[0]
        return DemoResponse.json(
            {"success": True, "data": {"count": len(courses), "product_list": products}}
        )
    if api == "/learn/course/chapter":
        course = _xt_course(q.get("cid", ""))
        if course is None or course.get("gone") or q.get("sign") != course["sign"]:
            return DemoResponse.json({"success": False, "msg": "课程不存在"}, 404)
        chapters = [
            {
                "id": ci,
                "name": ch["name"],
                "section_leaf_list": [
                    {
                        "id": ci * 100 + si,
                        "name": sec["name"],
                        "leaf_list": [
                            {
                                "id": leaf["id"],
                                "name": leaf["name"],
                                "leaf_type": leaf.get("leaf_type", 0),
                            }
                            for leaf in sec["leaves"]
                        ],
                    }
                    for si, sec in enumerate(ch["sections"], 1)
                ],
            }
            for ci, ch in enumerate(course["chapters"], 1)
        ]
        if "leaf-type" in drift:  # leaf types became names
            for chapter in chapters:
                for section in chapter["section_leaf_list"]:
                    for leaf in section["leaf_list"]:
                        leaf["leaf_type"] = "video" if leaf["leaf_type"] == 0 else "exercise"
        key = "chapters" if "chapters-renamed" in drift else "course_chapter"
        return DemoResponse.json({"success": True, "data": {key: chapters}})
    match = re.fullmatch(r"/learn/leaf_info/(\d+)/(\d+)/?", api)
    if match:
        course = _xt_course(match[1])
        leaf = _leaves(course).get(match[2]) if course else None
        if leaf is None or "ccid" not in leaf:
            return DemoResponse.json({"success": False, "msg": "leaf not found"}, 404)
        if leaf.get("rate_limited"):
            with _lock:
                first = leaf["ccid"] not in _rate_limited_once
                _rate_limited_once.add(leaf["ccid"])
            if first:
                return DemoResponse.json(
                    {"success": False, "msg": "请求过于频繁"}, 429, **{"Retry-After": "1"}
                )
        duration = sum(b - a for a, b, _ in _cues(leaf["text"]))
        return DemoResponse.json(
            {
                "success": True,
                "data": {
                    "id": leaf["id"],
                    "name": leaf["name"],
                    "content_info": {
                        "media": {
                            "cc_id" if "ccid-renamed" in drift else "ccid": leaf["ccid"],
                            "duration": round(duration, 1),
                        }
                    },
                },
            }
        )
    if api.rstrip("/") == "/service/subtitle_parse":
        ccid = q.get("c_d", "")
        for course in courses:
            for leaf in _leaves(course).values():
                if leaf.get("ccid") == ccid:
                    if leaf.get("bad_subtitle"):
                        return DemoResponse.json({"start": "0", "end": None, "text": "损坏"})
                    cues = _cues(leaf["text"])
                    return DemoResponse.json(
                        {
                            "start": [a for a, _, _ in cues],
                            "end": [b for _, b, _ in cues],
                            "text": [t for _, _, t in cues],
                        }
                    )
        return DemoResponse.json({"success": False, "msg": "字幕不存在"}, 404)
    return DemoResponse.json({"success": False, "msg": "unknown endpoint"}, 404)


_CATALOGUE = """<h1>课程目录</h1><div id="catalogue"><p class="loading">加载中…</p></div>
<script>
(async function () {
  const root = document.getElementById("catalogue");
  const cards = [];
  for (let page = 1; page < 20; page++) {
    const reply = await fetch("/mooc/xuetangx/api/v1/lms/get_product_list/?page=" + page, {
      method: "POST", headers: {"Content-Type": "application/json", "xtbz": "xt"},
      body: JSON.stringify({query: ""})});
    const data = (await reply.json()).data || {};
    const list = data.product_list || [];
    if (!list.length) break;
    for (const p of list) {
      const a = document.createElement("a");
      a.className = "course-card";
      a.href = "/course/" + encodeURIComponent(p.sign) + "/" + p.classroom_id;
      const name = document.createElement("span"); name.className = "course-name"; name.textContent = p.name;
      const org = document.createElement("span"); org.className = "course-org"; org.textContent = p.org.name;
      a.append(name, org);
      for (const t of p.teacher) {
        const s = document.createElement("span"); s.className = "course-teacher"; s.title = t.job_title || ""; s.textContent = t.name; a.append(s);
      }
      const intro = document.createElement("p"); intro.className = "course-intro"; intro.textContent = p.short_intro;
      a.append(intro);
      cards.push(a);
    }
  }
  root.replaceChildren(...cards);
  if (!cards.length) { root.innerHTML = "<p class='catalogue-empty'>暂无课程</p>"; }
})();
</script>"""


_DRIFT = re.compile(r"/drift/([\w,-]+)(/.*)")


def handle(request: DemoRequest) -> DemoResponse | None:
    path = request.path
    # /mooc/drift/<kinds>/...: the same sites whose JSON APIs drifted (kinds: see DRIFTS).
    drift: frozenset[str] = frozenset()
    match = _DRIFT.fullmatch(path)
    if match:
        drift, path = frozenset(match[1].split(",")), match[2]
        if not drift <= DRIFTS:
            return DemoResponse(404, f"unknown drift: {sorted(drift - DRIFTS)}", "text/plain")
    if path in ("/", ""):
        c = CONTENT
        return _page(
            "MOOC demo",
            "<h1>MOOC demo</h1><ul>"
            f"<li><a href='/mooc/ocw/{c['ocw']['slug']}/'>{E(c['ocw']['title'])}</a></li>"
            f"<li><a href='/mooc/edx/courses/{quote(c['edx']['key'])}/about'>{E(c['edx']['title'])}</a></li>"
            "<li><a href='/mooc/xuetangx/catalogue'>XuetangX-style catalogue</a></li></ul>",
        )
    return _ocw(path) or _edx(request, path, drift) or _xuetangx(request, path, drift)

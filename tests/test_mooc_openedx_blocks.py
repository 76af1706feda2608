"""Open edX Course Blocks API replies: video blocks in course order."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from eduscrape.mooc.openedx_blocks import blocks_url, video_blocks

KEY = "course-v1:MITx+8.02x+1T2026"
B = "block-v1:MITx+8.02x+1T2026+type@"


def _reply() -> dict:
    def video(name: str, title: str, **data: object) -> dict:
        return {"id": B + f"video+block@{name}", "type": "video", "display_name": title, **data}

    blocks = [
        {"id": B + "course+block@course", "type": "course", "children": [B + "chapter+block@c1"]},
        {
            "id": B + "chapter+block@c1",
            "type": "chapter",
            "children": [B + "sequential+block@s1", B + "sequential+block@s2"],
        },
        {"id": B + "sequential+block@s1", "type": "sequential", "children": [B + "video+block@b"]},
        {
            "id": B + "sequential+block@s2",
            "type": "sequential",
            "children": [B + "html+block@h", B + "video+block@a"],
        },
        {"id": B + "html+block@h", "type": "html", "display_name": "Reading"},
        video(
            "b",
            " Coulomb's Law ",
            student_view_data={
                "encoded_videos": {
                    "youtube": {"url": "https://www.youtube.com/watch?v=abc123XYZ_0"},
                    "fallback": {"url": "https://cdn.example.org/b.mp4"},
                },
                "transcripts": {"zh": "/t/b/zh", "en": "/t/b/en"},
            },
        ),
        video("a", "Gauss's Law", student_view_data={"transcripts": {"fr": "/t/a/fr"}}),
        video("orphan", "Not in the course"),
    ]
    # The map's own order says nothing: the children's order is the course's.
    return {"root": B + "course+block@course", "blocks": {b["id"]: b for b in reversed(blocks)}}


def test_videos_in_the_childrens_order_with_sources_and_transcripts() -> None:
    first, second = video_blocks(_reply())
    assert (first.title, second.title) == ("Coulomb's Law", "Gauss's Law")
    assert first.usage_id == B + "video+block@b" and first.key == "b"
    assert first.youtube_ids == ["abc123XYZ_0"]
    assert first.sources == ["https://cdn.example.org/b.mp4"]
    base = "https://lms.example.org/courses/x/about"
    assert first.transcript_url(base) == "https://lms.example.org/t/b/en"  # English first
    assert first.transcript_url(base, "zh") == "https://lms.example.org/t/b/zh"
    assert first.transcript_url(base, "de") is None
    assert second.transcript_url(base) == "https://lms.example.org/t/a/fr"  # its only one


def test_drifted_replies_give_no_blocks_rather_than_guesses() -> None:
    reply = _reply()
    assert video_blocks({"root": reply["root"], "blocks": list(reply["blocks"].values())}) == []
    assert video_blocks([]) == []
    reply["blocks"][B + "video+block@b"]["student_view_data"]["transcripts"] = ["/t/b/en"]
    first = video_blocks(reply)[0]
    assert first.transcript_urls == {} and first.transcript_url("https://x.org/") is None


def test_blocks_url_on_the_lms_of_the_about_page() -> None:
    url = blocks_url(f"https://lms.example.org/courses/{KEY}/about", KEY)
    parts = urlsplit(url)
    assert parts.netloc == "lms.example.org" and parts.path == "/api/courses/v1/blocks/"
    query = parse_qs(parts.query)
    assert query["course_id"] == [KEY] and query["depth"] == ["all"]
    assert query["student_view_data"] == ["video"]
    # An LMS under a path prefix keeps it.
    assert blocks_url(f"http://127.0.0.1:8000/mooc/edx/courses/{KEY}/about", KEY).startswith(
        "http://127.0.0.1:8000/mooc/edx/api/courses/v1/blocks/?"
    )

"""Rich files by content, not by extension (Scrapy-free).

``sniff_rich_type(body, content_type, url)`` reads the file's signature: ``%PDF-``,
PostScript, RTF, OLE2 compound files (Word/Excel/PowerPoint 97-2003, told apart by
their stream names), ZIP containers (Office Open XML by their parts, OpenDocument by
their ``mimetype``). A ``.pdf`` URL answering an HTML page is not a rich file.
Families: pdf, doc, ppt, xls, odf, ps.
"""

from __future__ import annotations

import io
import zipfile

RICH_TYPES = ("pdf", "doc", "ppt", "xls", "odf", "ps")

# Content types a crawl recorded before files were sniffed (fallback, no extension guess).
CONTENT_TYPES = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/rtf": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "doc",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "ppt",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xls",
    "application/vnd.oasis.opendocument.text": "odf",
    "application/vnd.oasis.opendocument.spreadsheet": "odf",
    "application/vnd.oasis.opendocument.presentation": "odf",
    "application/postscript": "ps",
}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_STREAMS = (
    ("WordDocument".encode("utf-16-le"), "doc"),
    ("PowerPoint Document".encode("utf-16-le"), "ppt"),
    ("Workbook".encode("utf-16-le"), "xls"),
    ("Book".encode("utf-16-le"), "xls"),
)
_OOXML_PARTS = (("word/", "doc"), ("ppt/", "ppt"), ("xl/", "xls"))


def type_from_content_type(content_type: str | None) -> str | None:
    """The rich-file family of a Content-Type header, or None."""
    return CONTENT_TYPES.get((content_type or "").split(";")[0].strip().lower())


def sniff_rich_type(body: bytes, content_type: str | None = None, url: str = "") -> str | None:
    """The rich-file family of *body*, or None (HTML, images, unknown, fakes)."""
    head = body[:1024].lstrip()
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"%!PS"):
        return "ps"
    if head.startswith(b"{\\rtf"):
        return "doc"
    if body.startswith(_OLE2):
        for marker, kind in _OLE_STREAMS:
            if marker in body:
                return kind
        return type_from_content_type(content_type)
    if body.startswith(b"PK\x03\x04"):
        return _zip_type(body) or (
            type_from_content_type(content_type)
            if len(body) < 64 or not _is_complete_zip(body)
            else None
        )
    return None


def _is_complete_zip(body: bytes) -> bool:
    return b"PK\x05\x06" in body[-65557:]


def _zip_type(body: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100].decode("ascii", "replace")
                if mimetype.startswith("application/vnd.oasis.opendocument."):
                    return "odf"
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return None
    for prefix, kind in _OOXML_PARTS:
        if any(n.startswith(prefix) for n in names) and "[Content_Types].xml" in names:
            return kind
    return None

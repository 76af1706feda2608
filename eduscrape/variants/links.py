"""Language-aware link keys: links a translator is supposed to localize compare equal.

Translated pages link the same external resource in their own language
(``index-eng.asp`` / ``index-fra.asp``, ``deed.en_CA`` / ``deed.fr_CA``,
``canada.ca/en/`` / ``canada.ca/fr.html``, ``?hl=en`` / ``?hl=fr``), write the same
URL with ``http``/``https``, ``www.`` or a trailing slash, and put translated text
in query values (``?title=Collapsible%20alerts`` / ``?title=Alertes%20repliables``).
:class:`LinkKeyer` maps a URL to a key in which all of that is the same:

- no scheme for http(s), no ``www.``, no default port, no trailing slash;
- every language or locale token of the pair's languages (ISO 639-1/2/3 codes,
  ``en_CA``/``en-CA`` locales, ``eng``/``fra``/``english``/``français``...) in a host
  label, path segment, file-name part or query value becomes ``{lang}``; one-letter
  forms (``-e.html``/``-f.html``) only as a file-name suffix or a whole query value;
- query parameters sorted; a value that is text (words, non-ASCII letters, or any
  value of a search/title-like parameter) compares by parameter name only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import SplitResult, parse_qsl, unquote, urlsplit

PLACEHOLDER = "{lang}"
TEXT_VALUE = "{text}"

# base code -> (other codes and words naming the language in URLs). ISO 639-2/B and /T,
# 639-3 where different, the English and native names (with and without accents), and
# abbreviations sites use ("esp", "jp", "ger").
_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("eng", "english", "anglais", "ingles", "inglés", "englisch", "e"),
    "fr": ("fra", "fre", "french", "francais", "français", "frances", "francés", "f"),
    "es": ("spa", "esp", "spanish", "espanol", "español", "espagnol", "castellano", "s"),
    "de": ("deu", "ger", "german", "deutsch", "allemand", "d"),
    "it": ("ita", "italian", "italiano", "italien"),
    "pt": ("por", "portuguese", "portugues", "português"),
    "nl": ("nld", "dut", "dutch", "nederlands"),
    "ja": ("jpn", "jp", "japanese", "nihongo", "日本語"),
    "zh": ("zho", "chi", "chinese", "zhongwen", "中文", "cn", "chs", "cht"),
    "ko": ("kor", "korean", "kr", "한국어"),
    "ru": ("rus", "russian", "русский"),
    "ar": ("ara", "arabic", "العربية"),
    "pl": ("pol", "polish", "polski"),
    "sv": ("swe", "swedish", "svenska"),
    "da": ("dan", "danish", "dansk"),
    "fi": ("fin", "finnish", "suomi"),
    "nb": ("nob", "nor", "no", "norwegian", "norsk"),
    "tr": ("tur", "turkish", "turkce", "türkçe"),
    "cs": ("ces", "cze", "czech", "cestina", "čeština"),
    "el": ("ell", "gre", "greek", "ελληνικά"),
    "he": ("heb", "hebrew", "iw"),
    "hu": ("hun", "hungarian", "magyar"),
    "ro": ("ron", "rum", "romanian", "romana", "română"),
    "uk": ("ukr", "ukrainian", "ua"),
    "ca": ("cat", "catalan", "catala", "català"),
    "eu": ("eus", "baq", "basque", "euskara"),
    "gl": ("glg", "galician", "galego"),
    "id": ("ind", "indonesian", "bahasa"),
    "vi": ("vie", "vietnamese"),
    "th": ("tha", "thai"),
    "hi": ("hin", "hindi"),
    "fa": ("fas", "per", "persian", "farsi"),
    "mi": ("mri", "mao", "maori", "māori", "te-reo"),
    "cy": ("cym", "wel", "welsh", "cymraeg"),
    "ga": ("gle", "irish", "gaeilge"),
    "iu": ("iku", "inuktitut"),
}
# Query parameters whose value is free text in the page's language.
TEXT_PARAMS = frozenset(
    {
        "q",
        "query",
        "search",
        "s",
        "title",
        "text",
        "body",
        "subject",
        "term",
        "terms",
        "keyword",
        "keywords",
        "message",
        "msg",
        "description",
        "summary",
        "caption",
        "tweet",
    }
)
_DOC_EXTENSIONS = ("html", "htm", "shtml", "php", "asp", "aspx", "jsp", "cfm")
_REGION = r"(?:[-_](?:[a-z]{2}|\d{3}|hans|hant|latn|cyrl))?"
_BOUND_L = r"(?<![^\W_])"  # start, or after a non-alphanumeric character (or _)
_BOUND_R = r"(?![^\W_])"
_WORDS = re.compile(r"[^\W\d_]{2,}")


def base_language(code: str | None) -> str | None:
    """``fr`` for ``fr-CA``, ``fra``, ``french``; None when the code names no known language."""
    if not code:
        return None
    code = code.strip().lower().replace("_", "-")
    head = code.split("-", 1)[0]
    if head in _NAMES:
        return head
    for base, names in _NAMES.items():
        if head in names and len(head) > 1:
            return base
    return None


def language_tokens(langs: Iterable[str | None]) -> tuple[frozenset[str], frozenset[str]]:
    """(tokens, one-letter tokens) naming any of *langs* in URLs."""
    words: set[str] = set()
    letters: set[str] = set()
    for lang in langs:
        base = base_language(lang)
        if base is None:
            if lang and lang.strip():
                words.add(lang.strip().lower())  # an unknown code still names itself
            continue
        words.add(base)
        for name in _NAMES[base]:
            (letters if len(name) == 1 else words).add(name)
    return frozenset(words), frozenset(letters)


class LinkKeyer:
    """Comparable keys of link targets for variants in the languages *langs*."""

    def __init__(self, langs: Iterable[str | None]):
        langs = [lang for lang in langs if lang]
        words, letters = language_tokens(langs)
        # One-letter forms only when they tell the pair's languages apart (en/es would both be 'e'/'s').
        self.words = words
        self.letters = letters
        alternatives = sorted(words, key=len, reverse=True)
        self._token_re = (
            re.compile(
                _BOUND_L
                + "(?:"
                + "|".join(map(re.escape, alternatives))
                + ")"
                + _REGION
                + _BOUND_R,
                re.I,
            )
            if alternatives
            else None
        )
        self._letter_re = (
            re.compile(
                r"(?<=[-_])(?:" + "|".join(map(re.escape, sorted(letters))) + r")(?=\.[a-z0-9]+$)",
                re.I,
            )
            if letters
            else None
        )
        self._cache: dict[str, str] = {}

    def _tokens(self, text: str) -> str:
        if self._token_re is None or not text:
            return text
        return self._token_re.sub(PLACEHOLDER, text)

    def _is_token(self, value: str) -> bool:
        low = value.strip().lower()
        if low in self.letters:
            return True
        return bool(self._token_re and self._token_re.fullmatch(low))

    def key(self, url: str) -> str:
        """The language-neutral key of an absolute URL (other schemes are kept as they are)."""
        cached = self._cache.get(url)
        if cached is not None:
            return cached
        try:
            parts = urlsplit(url)
        except ValueError:
            return url
        scheme = parts.scheme.lower()
        if scheme == "mailto":  # share-by-mail links carry the page's text
            query = self._query(parts.query)
            return f"mailto:{parts.path.lower()}" + (f"?{query}" if query else "")
        if scheme not in ("http", "https", ""):
            return url
        host = (parts.hostname or "").lower()
        if host.startswith("www."):
            host = host[4:]
        port = _port(parts)
        if port and port not in (80, 443):
            host = f"{host}:{port}"
        host = ".".join(self._tokens(label) for label in host.split("."))
        path = unquote(parts.path).rstrip("/")
        segments = [self._tokens(segment) for segment in path.split("/")]
        if segments and self._letter_re is not None:
            segments[-1] = self._letter_re.sub(PLACEHOLDER, segments[-1])
        last = segments[-1] if segments else ""
        # canada.ca/en/ and canada.ca/fr.html: the language's home page either way.
        for ext in _DOC_EXTENSIONS:
            if last.lower() == f"{PLACEHOLDER}.{ext}":
                segments[-1] = PLACEHOLDER
        # The original often has no token where the translation has one
        # (w3.org/WAI/intro vs w3.org/WAI/intro/es, Overview.html vs Overview.es.html):
        # drop the tokens from the path, with one delimiter.
        segments = [_strip_tokens(segment) for segment in segments]
        segments = segments[:1] + [segment for segment in segments[1:] if segment]
        key = "//" + host + "/".join(segments)
        query = self._query(parts.query)
        if query:
            key += "?" + query
        if parts.fragment:
            key += "#" + self._tokens(unquote(parts.fragment))
        if len(self._cache) < 50_000:
            self._cache[url] = key
        return key

    def _query(self, query: str) -> str:
        if not query:
            return ""
        try:
            pairs = parse_qsl(query, keep_blank_values=True)
        except ValueError:
            return query
        out = []
        for name, value in pairs:
            if self._is_token(value):
                continue  # ?lang=fr: the original may as well say nothing (its default)
            value = TEXT_VALUE if is_text_value(name, value) else self._tokens(value)
            out.append(f"{name}={value}")
        return "&".join(sorted(out))


_TOKEN_IN_SEGMENT = re.compile(
    r"[-_.]?" + re.escape(PLACEHOLDER) + r"(?=[-_.]|$)|" + re.escape(PLACEHOLDER) + r"[-_.]?"
)


def _strip_tokens(segment: str) -> str:
    return _TOKEN_IN_SEGMENT.sub("", segment) if PLACEHOLDER in segment else segment


def localized_site(key_a: str, key_b: str) -> bool:
    """Both keys are pages of one site with a host per language (en.wikipedia.org /
    fr.wikipedia.org): a translation links the article of its language, whose path
    (a translated title) differs."""
    prefix = "//" + PLACEHOLDER + "."
    if not (key_a.startswith(prefix) and key_b.startswith(prefix)):
        return False
    return key_a[2:].split("/", 1)[0] == key_b[2:].split("/", 1)[0]


def same_document(key_a: str, key_b: str) -> bool:
    """A page of the variant (``~/mod/a.html``) and the same path published on another host
    (``//httpd.apache.org/docs/trunk/mod/a.html.fr``): a translation without that page links
    the site's published one."""
    if key_a.startswith("~/") == key_b.startswith("~/"):
        return False
    local, other = (key_a, key_b) if key_a.startswith("~/") else (key_b, key_a)
    path = local[2:].split("#", 1)[0]
    if "." not in path.rsplit("/", 1)[-1]:
        return False  # a folder or the root: too little to call it the same document
    return other.startswith("//") and other.split("#", 1)[0].split("?", 1)[0].endswith("/" + path)


def _port(parts: SplitResult) -> int | None:
    try:
        return parts.port
    except ValueError:  # a malformed port: compare the host without it
        return None


def is_text_value(name: str, value: str) -> bool:
    """Whether a query value is words of the page's language rather than an identifier."""
    if not value:
        return False
    if name.lower() in TEXT_PARAMS and any(c.isalpha() for c in value):
        return True
    if any(c.isalpha() and ord(c) > 127 for c in value):
        return True
    return len(_WORDS.findall(value)) >= 2 and " " in value.strip()

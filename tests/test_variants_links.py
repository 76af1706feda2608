"""eduscrape.variants.links: language-neutral keys of link targets."""

from __future__ import annotations

import pytest

from eduscrape.variants import Criteria, VariantMapper, compare_pages, reduce_page
from eduscrape.variants.links import (
    LinkKeyer,
    base_language,
    is_text_value,
    localized_site,
    same_document,
)

EN_FR = LinkKeyer(["en", "fr"])


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("https://www.tbs-sct.gc.ca/pol/index-eng.aspx", "http://tbs-sct.gc.ca/pol/index-fra.aspx"),
        (
            "https://creativecommons.org/by/4.0/deed.en_CA",
            "https://creativecommons.org/by/4.0/deed.fr_CA",
        ),
        ("https://www.canada.ca/en/", "https://www.canada.ca/fr.html"),
        ("https://x.org/docs/en", "https://x.org/docs/fr/"),
        ("https://x.org/a?lang=en", "https://x.org/a?lang=fr"),
        ("https://maps.google.com/?hl=en&q=Ottawa", "https://maps.google.com/?q=Ottawa&hl=fr"),
        ("https://x.gc.ca/a-e.html", "https://x.gc.ca/a-f.html"),
        ("https://x.org/english/a.html", "https://x.org/francais/a.html"),
        ("https://x.org/en-us/a", "https://x.org/fr-fr/a"),
        ("http://en.wikipedia.org/wiki/HTTP", "https://fr.wikipedia.org/wiki/HTTP"),
        ("https://x.org:443/a/", "http://www.x.org/a"),
        (
            "https://github.com/twbs/bootstrap/issues/new?title=Collapsible%20alerts&labels=docs",
            "https://github.com/twbs/bootstrap/issues/new?labels=docs&title=Alertes%20repliables",
        ),
    ],
)
def test_localized_forms_of_one_target_share_a_key(left: str, right: str) -> None:
    assert EN_FR.key(left) == EN_FR.key(right)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("https://x.org/a.html", "https://x.org/b.html"),
        ("https://x.org/a?id=1", "https://x.org/a?id=2"),
        ("https://github.com/issues/new?labels=docs", "https://github.com/issues/new?labels=bug"),
        ("https://x.org/en/a.html", "https://x.org/de/a.html"),  # not a language of the pair
        ("https://x.org/a-e.html", "https://x.org/a-d.html"),
        ("https://x.org:8080/a", "https://x.org/a"),
        ("mailto:a@x.org", "mailto:b@x.org"),
    ],
)
def test_other_targets_keep_distinct_keys(left: str, right: str) -> None:
    assert EN_FR.key(left) != EN_FR.key(right)


def test_language_names_and_text_values() -> None:
    assert base_language("fr-CA") == "fr" and base_language("fra") == "fr"
    assert base_language("Español") == "es" and base_language("xx") is None
    assert is_text_value("title", "alerts") and is_text_value("x", "Alertes repliables")
    assert is_text_value("x", "Présentation")
    assert not is_text_value("id", "abc-123") and not is_text_value("page", "2")
    # One-letter forms are a file-name suffix, not any 'e' in a path.
    assert EN_FR.key("https://x.org/e/a.html") != EN_FR.key("https://x.org/f/a.html")


def test_localized_external_links_do_not_make_a_translation_inconsistent() -> None:
    criteria = Criteria().for_translation()
    mapper = VariantMapper(
        ["http://s.test/en/index.html", "http://s.test/fr/index.html"], criteria=criteria
    )
    mapper.set_languages(["en", "fr"])
    left = (
        "<p><a href='https://www.canada.ca/en/'>Canada</a> <a href='http://tbs.gc.ca/index-eng.asp'>TBS</a>"
        " <a href='b.html'>B</a></p>"
    )
    right = (
        "<p><a href='https://canada.ca/fr.html'>Canada</a> <a href='https://tbs.gc.ca/index-fra.asp'>SCT</a>"
        " <a href='b.html'>B</a></p>"
    )
    body = "<!DOCTYPE html><html><body>{}</body></html>"
    lp = reduce_page(body.format(left), "http://s.test/en/a.html", criteria)
    rp = reduce_page(body.format(right), "http://s.test/fr/a.html", criteria)
    assert compare_pages(lp, rp, mapper).consistent
    # A real retarget is still one.
    rp = reduce_page(
        body.format(right.replace("index-fra.asp", "autre-fra.asp")),
        "http://s.test/fr/a.html",
        criteria,
    )
    c = compare_pages(lp, rp, mapper)
    assert c.type1 and len(c.retargeted_links) == 1


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("https://www.w3.org/WAI/intro/", "https://www.w3.org/WAI/intro/es"),
        ("https://w3.org/TR/Overview.html", "https://w3.org/TR/Overview.es.html"),
        ("http://x.gob/index.asp", "http://x.gob/index.asp?lang=spa"),
        ("mailto:a@x.org?subject=Hello%20world", "mailto:A@x.org?subject=Hola%20mundo"),
    ],
)
def test_a_token_only_in_the_translation_still_names_the_same_target(left: str, right: str) -> None:
    keyer = LinkKeyer(["en", "es"])
    assert keyer.key(left) == keyer.key(right)


def test_an_article_of_a_per_language_host_is_the_localized_counterpart() -> None:
    keyer = LinkKeyer(["en", "fr"])
    a = keyer.key("http://en.wikipedia.org/wiki/Backus%E2%80%93Naur_Form")
    b = keyer.key("https://fr.wikipedia.org/wiki/Forme_de_Backus-Naur")
    assert a != b and localized_site(a, b)
    assert not localized_site(a, keyer.key("https://fr.wiktionary.org/wiki/x"))
    assert not localized_site(keyer.key("https://x.org/a"), keyer.key("https://x.org/b"))


def test_a_page_of_the_variant_and_its_published_copy_elsewhere_are_one_document() -> None:
    assert same_document("~/mod/a.html", "//httpd.apache.org/docs/trunk/mod/a.html")
    assert same_document("//httpd.apache.org/docs/trunk/mod/a.html", "~/mod/a.html")
    assert not same_document("~/mod/a.html", "//x.org/mod/b.html")
    assert not same_document("~/mod/", "//x.org/mod/")
    assert not same_document("~/a.html", "~/a.html")

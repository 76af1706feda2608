"""eduscrape.variants.blocks: links and emphasis compared inside aligned blocks."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from eduscrape.variants import Criteria, VariantMapper, compare_pages, reduce_page
from eduscrape.variants.blocks import _enumerated, _units, align, block_findings
from eduscrape.variants.mutations import mutate_pair
from eduscrape.variants.structure import PageStructure

TR = Criteria().for_translation()
EN, FR = "http://s.test/en/", "http://s.test/fr/"
HTML = "<!DOCTYPE html><html lang='{}'><body><div id='page-content'>{}</div></body></html>"
# A page of a manual: an intro, a list of modules, a paragraph naming two directives,
# a note with emphasis, a table; the French one reads differently and has one more
# paragraph (a translator's note) with no links.
EN_PAGE = (
    "<h1>Caching</h1><p>See <a href='mod/core.html'>core</a> for the basics.</p>"
    "<ul><li><a href='mod/mod_cache.html'>mod_cache</a></li>"
    "<li><a href='mod/mod_cache_disk.html'>mod_cache_disk</a></li></ul>"
    "<p>Use <code><a href='mod/core.html#listen'>Listen</a></code> with "
    "<code><a href='mod/mod_so.html'>LoadModule</a></code> and read "
    "<a href='mod/core.html'>core</a> again.</p>"
    "<p>This is <em>important</em> for <code>httpd.conf</code>.</p>"
    "<p>Plain words about caching that have no markup at all.</p>"
    "<table><tr><td><code>CacheEnable</code></td><td>on</td></tr></table>"
)
FR_PAGE = (
    "<h1>Mise en cache</h1><p>Voir <a href='mod/core.html'>core</a> pour les bases.</p>"
    "<p>Note du traducteur : rien à signaler.</p>"
    "<ul><li><a href='mod/mod_cache.html'>mod_cache</a></li>"
    "<li><a href='mod/mod_cache_disk.html'>mod_cache_disk</a></li></ul>"
    "<p>Utilisez <code><a href='mod/core.html#listen'>Listen</a></code> avec "
    "<code><a href='mod/mod_so.html'>LoadModule</a></code> et relisez "
    "<a href='mod/core.html'>core</a>.</p>"
    "<p>C'est <em>important</em> pour <code>httpd.conf</code>.</p>"
    "<p>Des mots simples sur la mise en cache, sans aucun balisage.</p>"
    "<table><tr><td><code>CacheEnable</code></td><td>activé</td></tr></table>"
)


def _pages(left: str, right: str, criteria: Criteria = TR) -> tuple[PageStructure, ...]:
    lp = reduce_page(HTML.format("en", left), EN + "a.html", criteria)
    rp = reduce_page(HTML.format("fr", right), FR + "a.html", criteria)
    return lp, rp


def _compare(left: str, right: str, criteria: Criteria = TR):
    mapper = VariantMapper([EN + "index.html", FR + "index.html"], criteria=criteria)
    return compare_pages(*_pages(left, right, criteria), mapper)


def test_the_real_translation_is_consistent_and_its_blocks_align() -> None:
    assert _compare(EN_PAGE, FR_PAGE).consistent
    lp, rp = _pages(EN_PAGE, FR_PAGE)
    mapper = VariantMapper([EN + "index.html", FR + "index.html"], criteria=TR)
    lu = _units(lp, [mapper.key(a.url) for a in lp.anchors])
    ru = _units(rp, [mapper.key(a.url) for a in rp.anchors])
    pairs = align(lu, ru)
    # Every block finds its own; the translator's extra paragraph (the third right
    # unit, after h1 and the first paragraph) is left out.
    assert len(pairs) == len(lu) == len(ru) - 1
    assert all(lu[i].tag == ru[j].tag for i, j in pairs)
    assert 2 not in {j for _, j in pairs}


SSL_EN = "<p>Read <a href='mod/mod_ssl.html'>mod_ssl</a> before <a href='mod/mod_proxy.html'>mod_proxy</a> today.</p>"


def test_two_links_swapped_in_place_inside_a_paragraph_are_type2() -> None:
    ssl_fr = "<p>Lisez <a href='mod/mod_ssl.html'>mod_ssl</a> avant <a href='mod/mod_proxy.html'>mod_proxy</a> ce jour.</p>"
    # The two links trade places, the words stay: an edit of the links.
    swapped = ssl_fr.replace("mod_ssl.html'>mod_ssl", "X").replace(
        "mod_proxy.html'>mod_proxy", "mod_ssl.html'>mod_ssl"
    )
    swapped = swapped.replace("X", "mod_proxy.html'>mod_proxy")
    assert _compare(EN_PAGE + SSL_EN, FR_PAGE + ssl_fr).consistent
    c = _compare(EN_PAGE + SSL_EN, FR_PAGE + swapped)
    assert c.type2 and not c.type1 and not c.nonstructural
    assert any("another order" in line for line in c.summary)
    # A sentence rebuilt around its links moves them with their words: word order.
    rebuilt = (
        "<p>Il faut lire la page de <a href='mod/mod_proxy.html'>mod_proxy</a> après "
        "celle de <a href='mod/mod_ssl.html'>mod_ssl</a>.</p>"
    )
    assert _compare(EN_PAGE + SSL_EN, FR_PAGE + rebuilt).consistent
    # A target the block links twice shows both orders: the first mention linked
    # elsewhere is no reorder (Listen and LoadModule swapped around core twice).
    twice = FR_PAGE.replace(
        "<code><a href='mod/core.html#listen'>Listen</a></code> avec "
        "<code><a href='mod/mod_so.html'>LoadModule</a></code>",
        "<code><a href='mod/mod_so.html'>LoadModule</a></code> avec "
        "<code><a href='mod/core.html#listen'>Listen</a></code>",
    )
    assert _compare(EN_PAGE, twice).consistent
    # Swapped list items: the blocks moved (found once on each page).
    items = (
        FR_PAGE.replace("mod_cache.html'>mod_cache<", "X")
        .replace("mod_cache_disk.html'>mod_cache_disk<", "mod_cache.html'>mod_cache<")
        .replace("X", "mod_cache_disk.html'>mod_cache_disk<")
    )
    moved = _compare(EN_PAGE, items)
    assert moved.type2 and any(r.get("moved") for r in moved.reordered_links)
    # ...also where the page links those targets elsewhere too (the page-level order
    # of first occurrences cannot see it).
    intro = "<p><a href='mod/mod_cache_disk.html'>d</a> <a href='mod/mod_cache.html'>c</a></p>"
    assert _compare(intro + EN_PAGE, intro + items).type2
    # Without the block checks the swap is word order, as before.
    no_checks = replace(TR, block_checks=frozenset())
    assert _compare(EN_PAGE + SSL_EN, FR_PAGE + swapped, no_checks).consistent


def test_an_enumeration_reversed_in_a_rebuilt_sentence_is_type2() -> None:
    """custom-error.html: the French sentence puts "A et B" at its end where the English
    starts with "A and B"; the pair moved with its words (word order), but swapping the
    two items is an edit however far they moved."""
    en = (
        "<p><a href='mod/mod_include.html'>mod_include</a> and "
        "<a href='mod/mod_negotiation.html'>mod_negotiation</a> must be enabled to use "
        "this feature.</p>"
    )
    fr = (
        "<p>Pour pouvoir utiliser cette fonctionnalité, vous devez activer "
        "<a href='mod/mod_include.html'>mod_include</a> et "
        "<a href='mod/mod_negotiation.html'>mod_negotiation</a>.</p>"
    )
    assert _compare(EN_PAGE + en, FR_PAGE + fr).consistent
    swapped = fr.replace("mod_include.html'>mod_include", "X").replace(
        "mod_negotiation.html'>mod_negotiation", "mod_include.html'>mod_include"
    )
    swapped = swapped.replace("X", "mod_negotiation.html'>mod_negotiation")
    c = _compare(EN_PAGE + en, FR_PAGE + swapped)
    assert c.type2 and not c.type1

    # Only punctuation or a short word makes an enumeration: "A avec B" reads both ways
    # round ("B avec A"), so moved with its words it stays word order.
    def pairs(html: str) -> set[tuple[str, str]]:
        page = reduce_page(HTML.format("fr", html), FR + "x.html", TR)
        return _enumerated(_units(page, [a.url for a in page.anchors])[0])

    link = "<a href='{0}.html'>{0}</a>"
    a, b, c3 = (link.format(n) for n in ("a", "b", "c"))
    assert pairs(f"<p>Voir {a}, {b} et {c3}.</p>") == {
        (FR + "a.html", FR + "b.html"),
        (FR + "b.html", FR + "c.html"),
    }
    assert pairs(f"<p>Voir {a} avec {b} ou après {c3}.</p>") == set()


def test_link_places_in_a_block_are_shares_of_its_text() -> None:
    lp, _ = _pages(SSL_EN, "")
    ssl, proxy = lp.anchors
    assert ssl.offset == round(len("Read ") / len("Read mod_ssl before mod_proxy today."), 3)
    assert 0.5 < proxy.offset < 0.6
    again = PageStructure.from_dict(lp.to_dict())
    assert [a.offset for a in again.anchors] == [ssl.offset, proxy.offset]
    old = lp.to_dict()
    old["anchors"] = [a[:6] for a in old["anchors"]]  # stored before offsets
    assert [a.offset for a in PageStructure.from_dict(old).anchors] == [-1.0, -1.0]


def test_a_word_wrapped_in_em_is_found_though_the_page_uses_em() -> None:
    wrapped = FR_PAGE.replace("Des mots simples", "Des <em>mots</em> simples")
    c = _compare(EN_PAGE, wrapped)
    assert c.nonstructural and not c.type1 and not c.type2
    assert c.summary == ["The right page adds emphasis where the left has none: <em> in a <p>."]
    # Emphasis kept, dropped or moved inside its block, and technical markup a
    # translator adds around a term, are not differences.
    assert _compare(EN_PAGE, FR_PAGE.replace("<em>important</em>", "important")).consistent
    assert _compare(
        EN_PAGE, FR_PAGE.replace("<em>important</em> pour", "important <em>pour</em>")
    ).consistent
    assert _compare(
        EN_PAGE, FR_PAGE.replace("Des mots simples", "Des <code>mots</code> simples")
    ).consistent
    # A new emphasized text in a block that has emphasis is found; the block's
    # emphasized term marked at one more mention is not (mod_setenvif.html: 13
    # <em>valeur</em> for 12 <em>value</em>).
    more = _compare(
        EN_PAGE, FR_PAGE.replace("httpd.conf</code>.", "httpd.conf</code> <em>ici</em>.")
    )
    assert more.nonstructural and not more.type1
    # Adjacent emphases are one (a translator splits the emphasized phrase).
    split = FR_PAGE.replace("<em>important</em>", "<em>très</em> <em>important</em>")
    assert _compare(EN_PAGE, split).consistent
    again = FR_PAGE.replace("</em> pour", "</em> pour <em>important</em>")
    assert _compare(EN_PAGE, again).consistent


def test_an_untranslated_word_set_in_italics_is_no_added_emphasis() -> None:
    # French typography sets a word kept in English in italics (the Apache manual's
    # new_features_2_0.html: "les drapeaux <em>start</em> et <em>end</em>").
    en = EN_PAGE.replace("have no markup at all", "have no start and end tags")
    fr = FR_PAGE.replace("sans aucun balisage", "sans balises <em>start</em> et <em>end</em>")
    assert _compare(en, fr).consistent
    # A word the reference block does not have, or one the translation also uses
    # plainly in the block (a word of its own language), is added emphasis.
    assert _compare(EN_PAGE, fr).nonstructural
    plain = fr.replace("Des mots", "Des start mots")
    assert _compare(en, plain).nonstructural
    # An identifier kept from the reference is no word of a language: its italics are
    # added emphasis (mod_so.html's status_module).
    ids = EN_PAGE.replace("have no markup at all", "name status_module and fc12")
    for name in ("status_module", "fc12"):
        kept = FR_PAGE.replace("sans aucun balisage", "nomment status_module et fc12")
        assert _compare(ids, kept).consistent
        assert _compare(ids, kept.replace(f" {name}", f" <em>{name}</em>")).nonstructural
    # Code left as it is in a <pre> keeps no word of a translated text: a word of it in
    # italics is added emphasis (mod_deflate.html's "/your-server-root/manual").
    pre = "<pre>&lt;Directory /your-server-root/manual&gt;</pre>"
    assert _compare(EN_PAGE + pre, FR_PAGE + pre).consistent
    italic = pre.replace("your", "<em>your</em>")
    assert _compare(EN_PAGE + pre, FR_PAGE + italic).nonstructural
    # Each block keeps its emphasized texts and its own text (stored with the structure).
    lp, rp = _pages(en, fr)
    assert any(["em", "start"] in b.marked for b in rp.blocks or [])
    assert any("start and end tags" in b.text for b in lp.blocks or [])


def test_a_removed_occurrence_of_a_target_linked_elsewhere_with_the_links_check() -> None:
    # The second link to core.html dropped; the page still links core.html above.
    removed = FR_PAGE.replace("relisez <a href='mod/core.html'>core</a>", "relisez core")
    links = replace(TR, block_checks=TR.block_checks | {"links"})
    c = _compare(EN_PAGE, removed, links)
    assert c.type1 and [m["key"] for m in c.missing_links] == ["~/mod/core.html"]
    assert c.missing_links[0]["block"] is True
    added = FR_PAGE.replace("sans aucun balisage", "sans <a href='mod/core.html'>core</a>")
    assert [e["key"] for e in _compare(EN_PAGE, added, links).extra_links] == ["~/mod/core.html"]
    # A paragraph split moves a link to the next block: not a loss.
    split = FR_PAGE.replace(" et relisez <a", ".</p><p>Relisez <a")
    assert _compare(EN_PAGE, split, links).consistent
    # By default a target linked once or at every mention counts the same (real
    # translations do both on 8% of their pages).
    assert _compare(EN_PAGE, removed).consistent


def test_an_item_unlinked_in_a_block_made_of_links_is_type1_by_default() -> None:
    """server-wide.html: the menu "Modules | Directives | FAQ" lost its Directives link
    while the footer's copy of the menu keeps it; mod_macro.html: one directive table's
    "Context:" header cell no longer links directive-dict.html#Context. Translators
    link a term of a sentence at another mention, not an item of a menu."""
    menu = (
        "<p class='menu'><a href='mod/index.html'>{}</a> | "
        "<a href='mod/quickreference.html'>Directives</a> | <a href='faq.html'>FAQ</a></p>"
    )
    en = menu.format("Modules") + EN_PAGE + menu.format("Modules")
    fr = menu.format("Modules") + FR_PAGE + menu.format("Modules")
    assert _compare(en, fr).consistent
    unlinked = fr.replace("<a href='mod/quickreference.html'>Directives</a>", "Directives", 1)
    c = _compare(en, unlinked)
    assert c.type1 and [m["key"] for m in c.missing_links] == ["~/mod/quickreference.html"]
    assert c.missing_links[0]["link_list"] is True
    # Added to a menu: an extra occurrence.
    more = fr.replace("FAQ</a></p>", "FAQ</a> | <a href='mod/core.html'>core</a></p>", 1)
    assert [e["key"] for e in _compare(en, more).extra_links] == ["~/mod/core.html"]
    # The same target linked at another mention of a sentence stays a translator's choice.
    removed = fr.replace("relisez <a href='mod/core.html'>core</a>", "relisez core")
    assert _compare(en, removed).consistent
    # An item that lost its link in a menu while the page links the target as often as
    # the reference (here from a new list item) moved, it is not lost: rows of a long
    # table paired by position do that (quickreference.html).
    moved = unlinked.replace(
        "<ul>", "<ul><li><a href='mod/quickreference.html'>Directives</a></li>", 1
    )
    c = _compare(en, moved)
    assert not c.missing_links and not c.extra_links
    # Off when the checks leave it out (VARIANTS_BLOCK_CHECKS).
    assert _compare(en, unlinked, replace(TR, block_checks=frozenset({"order"}))).consistent


def _directive_tables(labels: tuple[str, ...], context: str, unlinked: tuple[int, int]) -> str:
    """The directive tables of a module page (mod_macro.html): header cells linking
    directive-dict.html; *unlinked*: (table, row) whose header cell has no link."""
    html = ""
    for t, name in enumerate(("Macro", "UndefMacro", "MacroIgnoreBadNesting", "Use")):
        cells = (f"Does {name} things", f"<code>{name} on|off</code>", context, "Base")
        rows = ""
        for r, (label, cell) in enumerate(zip(labels, cells, strict=True)):
            field = ("Description", "Syntax", "Context", "Status")[r]
            th = (
                label
                if (t, r) == unlinked
                else f"<a href='mod/directive-dict.html#{field}'>{label}</a>"
            )
            rows += f"<tr><th>{th}</th><td>{cell}</td></tr>"
        html += f"<table class='directive'>{rows}</table><p>The <code>{name}</code> directive.</p>"
    return html


def test_a_header_cell_unlinked_in_any_of_many_alike_tables_is_found() -> None:
    """Blocks without links or code texts (the translated cells) are the context of the
    alignment: aligned on the linked blocks alone, a header cell that lost its link was
    matched to the next table's and the loss hidden (8 of these 16 found before)."""
    en = _directive_tables(("Description:", "Syntax:", "Context:", "Status:"), "server", (-1, -1))
    fr_labels = ("Description :", "Syntaxe :", "Contexte :", "Statut :")
    assert _compare(en, _directive_tables(fr_labels, "serveur", (-1, -1))).consistent
    found = []
    for table in range(4):
        for row in range(4):
            c = _compare(en, _directive_tables(fr_labels, "serveur", (table, row)))
            found.append([m["key"] for m in c.missing_links] == ["~/mod/directive-dict.html"])
    assert all(found)


def test_alike_items_moved_behind_others_are_found_whichever_way_aligned() -> None:
    """Two items linking one target moved behind three others: aligned on the three,
    the two are left unpaired on both sides and reported as moved blocks."""

    def items(*rows: tuple[str, str]) -> str:
        return (
            "<ul>"
            + "".join(f"<li><a href='mod/{k}.html'>{k}</a> {t}</li>" for k, t in rows)
            + "</ul>"
        )

    en = items(("x", "one"), ("x", "two"), ("y", "three"), ("z", "four"), ("w", "five"))
    fr = items(("x", "un"), ("x", "deux"), ("y", "trois"), ("z", "quatre"), ("w", "cinq"))
    assert _compare(EN_PAGE + en, FR_PAGE + fr).consistent
    moved = items(("y", "trois"), ("z", "quatre"), ("w", "cinq"), ("x", "un"), ("x", "deux"))
    c = _compare(EN_PAGE + en, FR_PAGE + moved)
    assert (
        c.type2 and [r["key"] for r in c.reordered_links if r.get("moved")] == ["~/mod/x.html"] * 2
    )


def test_a_code_left_unlinked_where_the_block_links_its_target_again_is_type1() -> None:
    """ "prefork, worker, or <code>event</code>": the code kept, its link dropped, in a
    cell that is no list of links and while the page links event elsewhere."""
    en = (
        "<table><tr><td><code><a href='mod/prefork.html'>prefork</a></code>, "
        "<code><a href='mod/event.html'>event</a></code>, depending on the platform"
        "</td></tr></table><p>The default is <a href='mod/event.html'>event</a>.</p>"
        "<p>Use <code><a href='mod/event.html'>event</a></code> or not.</p>"
    )
    fr = (
        "<table><tr><td><code><a href='mod/prefork.html'>prefork</a></code>, "
        "<code><a href='mod/event.html'>event</a></code>, selon la plate-forme"
        "</td></tr></table><p>Par défaut : <a href='mod/event.html'>event</a>.</p>"
        "<p>Utilisez <code><a href='mod/event.html'>event</a></code> ou pas.</p>"
    )
    assert _compare(EN_PAGE + en, FR_PAGE + fr).consistent
    unlinked = fr.replace(
        "<code><a href='mod/event.html'>event</a></code>, selon", "<code>event</code>, selon"
    )
    c = _compare(EN_PAGE + en, FR_PAGE + unlinked)
    assert c.type1 and [link["key"] for link in c.missing_links] == ["~/mod/event.html"]
    # ...also where the translation links event once more elsewhere (the page-level
    # counts are equal again: mod_proxy_ajp.html).
    more = unlinked + "<p>Voir aussi <a href='mod/event.html'>event</a>.</p>"
    assert _compare(
        EN_PAGE + en, FR_PAGE + fr + "<p>Voir aussi <a href='mod/event.html'>event</a>.</p>"
    ).consistent
    assert [link["key"] for link in _compare(EN_PAGE + en, FR_PAGE + more).missing_links] == [
        "~/mod/event.html"
    ]
    # A term (no code) linked at one mention fewer is the translator's choice.
    plain_en = "<p>Read <a href='mod/x.html'>the guide</a> and then <a href='mod/x.html'>the guide</a>.</p>"
    plain_fr = "<p>Lisez <a href='mod/x.html'>le guide</a> puis le guide.</p>"
    assert _compare(EN_PAGE + plain_en, FR_PAGE + plain_fr).consistent


def test_an_item_naming_code_swapped_with_one_that_links_is_moved() -> None:
    """An item that links nothing but names directives (its links point at the page
    itself) swapped with its neighbour that links a module: the code-naming item
    moved across the linking one."""

    def items(first: str, second: str) -> str:
        return f"<ul><li>{first}</li><li>{second}</li></ul>"

    en_a = "A file set by <code>DirectoryIndex</code>, see <a href='mod/mod_dir.html'>mod_dir</a>."
    en_b = "A listing: <code>AddIcon</code> and <code>AddIconByType</code> set icons."
    fr_a = "Un fichier défini par <code>DirectoryIndex</code>, voir <a href='mod/mod_dir.html'>mod_dir</a>."
    fr_b = "Un listing : <code>AddIcon</code> et <code>AddIconByType</code> règlent les icônes."
    assert _compare(EN_PAGE + items(en_a, en_b), FR_PAGE + items(fr_a, fr_b)).consistent
    c = _compare(EN_PAGE + items(en_a, en_b), FR_PAGE + items(fr_b, fr_a))
    assert c.type2 and not c.type1
    assert [r["key"] for r in c.reordered_links if r.get("moved")] in (
        ["addicon addiconbytype"],
        ["~/mod/mod_dir.html"],
    )


def test_links_of_different_lengths_swapped_in_place_are_type2() -> None:
    """The second of two swapped links starts later by the difference of their texts'
    lengths; it still ends where the other ended."""
    en = (
        "<p>The aspects of this lock are set with the <a href='mod/core.html'>Mutex</a>"
        " directive; read <a href='misc/perf.html'>the performance hints documentation"
        "</a>.</p>"
    )
    fr = (
        "<p>Les aspects de ce verrou se règlent avec <a href='mod/core.html'>Mutex</a>"
        " ; lisez <a href='misc/perf.html'>les conseils en matière de performances</a>.</p>"
    )
    swapped = (
        "<p>Les aspects de ce verrou se règlent avec <a href='misc/perf.html'>les conseils"
        " en matière de performances</a> ; lisez <a href='mod/core.html'>Mutex</a>.</p>"
    )
    assert _compare(EN_PAGE + en, FR_PAGE + fr).consistent
    c = _compare(EN_PAGE + en, FR_PAGE + swapped)
    assert c.type2 and not c.type1


def test_links_swapped_in_place_are_found_when_one_of_them_is_retargeted() -> None:
    """The translation links its own account where the source links the English one
    (a site convention judges that); the two links traded places all the same."""
    en = (
        "<p>Follow <a href='https://social.test/httpd_news'>our account</a> for news about"
        " the server and read <a href='mod/x.html'>the module x</a> for details.</p>"
    )
    fr = (
        "<p>Suivez <a href='https://social.test/httpd_nouvelles'>notre compte</a> pour les"
        " nouvelles du serveur et lisez <a href='mod/x.html'>le module x</a> pour plus.</p>"
    )
    swapped = (
        "<p>Suivez <a href='mod/x.html'>le module x</a> pour les nouvelles du serveur et"
        " lisez <a href='https://social.test/httpd_nouvelles'>notre compte</a> pour plus.</p>"
    )
    assert not _compare(EN_PAGE + en, FR_PAGE + fr).reordered_links
    c = _compare(EN_PAGE + en, FR_PAGE + swapped)
    assert c.type2 and c.reordered_links


def test_links_kept_with_their_text_swapped_where_their_targets_recur_are_type2() -> None:
    """mod_authn_file.html: both targets are linked twice, so by target alone the block
    shows both orders; a link kept with its text (a directive name) pairs with its
    own occurrence, and the second two traded places."""
    en = (
        "<p>With <a href='mod/b.html'>mod_b</a> or <a href='mod/d.html'>mod_d</a>, the module"
        " is invoked by the <a href='mod/b.html#bp'>BProvider</a> or"
        " <a href='mod/d.html#dp'>DProvider</a> directive with the value file.</p>"
    )
    fr = (
        "<p>Avec <a href='mod/b.html'>mod_b</a> ou <a href='mod/d.html'>mod_d</a>, le module"
        " est invoqué en affectant la valeur file à la directive"
        " <a href='mod/b.html#bp'>BProvider</a> ou <a href='mod/d.html#dp'>DProvider</a>.</p>"
    )
    swapped = fr.replace(
        "<a href='mod/b.html#bp'>BProvider</a> ou <a href='mod/d.html#dp'>DProvider</a>",
        "<a href='mod/d.html#dp'>DProvider</a> ou <a href='mod/b.html#bp'>BProvider</a>",
    )
    assert _compare(EN_PAGE + en, FR_PAGE + fr).consistent
    c = _compare(EN_PAGE + en, FR_PAGE + swapped)
    assert c.type2 and c.reordered_links
    # One target's mentions in another order (a translated text and a name) is no swap:
    # rewrite/avoid.html, "the mod_rewrite reference documentation" translated as "la
    # documentation de référence de mod_rewrite", both linking mod_rewrite.
    en_one = (
        "<p>This supplements the <a href='mod/r.html'>mod_r</a> <a href='mod/r.html'>reference"
        " documentation</a>. It says when to avoid <a href='mod/r.html'>mod_r</a>.</p>"
    )
    fr_one = (
        "<p>Ceci complète la <a href='mod/r.html'>documentation de référence</a> de"
        " <a href='mod/r.html'>mod_r</a>. Il dit quand éviter <a href='mod/r.html'>mod_r</a>.</p>"
    )
    assert _compare(EN_PAGE + en_one, FR_PAGE + fr_one).consistent


def test_a_link_enumerated_with_a_code_text_traded_for_another_is_type2() -> None:
    """mod_auth_form.html: the French sentence moves AuthType far from where the source
    has it (word order), but keeps "AuthFormProvider et AuthUserFile" together; the two
    links swapped put AuthType next to AuthFormProvider."""
    en = (
        "<p>The directive <code><a href='mod/core.html#t'>AuthType</a></code> enables the"
        " module when set to the value <code>form</code>. The directives"
        " <code>AuthFormProvider</code> and <code><a href='mod/file.html#f'>AuthUserFile</a>"
        "</code> specify that user names should be checked against the chosen file.</p>"
    )
    fr = (
        "<p>Le module est activé en affectant la valeur <code>form</code> à la directive"
        " <code><a href='mod/core.html#t'>AuthType</a></code>. Les directives"
        " <code>AuthFormProvider</code> et <code><a href='mod/file.html#f'>AuthUserFile</a>"
        "</code> spécifient que les noms sont vérifiés dans le fichier choisi.</p>"
    )
    swapped = (
        "<p>Le module est activé en affectant la valeur <code>form</code> à la directive"
        " <code><a href='mod/file.html#f'>AuthUserFile</a></code>. Les directives"
        " <code>AuthFormProvider</code> et <code><a href='mod/core.html#t'>AuthType</a>"
        "</code> spécifient que les noms sont vérifiés dans le fichier choisi.</p>"
    )
    assert _compare(EN_PAGE + en, FR_PAGE + fr).consistent
    c = _compare(EN_PAGE + en, FR_PAGE + swapped)
    assert c.type2 and c.reordered_links
    # The code no longer enumerated with a link, and the two sentences made one: links
    # moved with the translator's sentence read as word order.
    apart = swapped.replace(
        "<code>AuthFormProvider</code> et", "<code>AuthFormProvider</code> puis aussi"
    ).replace("</a></code>. Les directives", "</a></code> ; les directives")
    assert not _compare(EN_PAGE + en, FR_PAGE + apart).reordered_links


def test_two_sections_of_one_page_swapped_in_place_are_type2() -> None:
    """mod_proxy_wstunnel.html: "the upgrade parameter in the ProxyPass directive", both
    linking sections of mod_proxy.html, swapped. Compared without fragments they were
    one target; both blocks naming the same sections, they are two. A page and one of
    its sections read both ways round (caching.html: "mod_file_cache provides the
    MMapFile directive", "la directive MMapFile fournie par mod_file_cache")."""
    up = "<a href='mod/proxy.html#upgrade'>upgrade</a>"
    pp = "<a href='mod/proxy.html#proxypass'>ProxyPass</a>"
    en = f"<p>Set the new {up} parameter in the {pp} directive to a protocol.</p>"
    fr = f"<p>Le paramètre {up} de la directive {pp} définit un protocole.</p>"
    assert _compare(EN_PAGE + en, FR_PAGE + fr).consistent
    swapped = f"<p>Le paramètre {pp} de la directive {up} définit un protocole.</p>"
    c = _compare(EN_PAGE + en, FR_PAGE + swapped)
    assert c.type2 and c.reordered_links
    page, section = "<a href='mod/fc.html'>mod_fc</a>", "<a href='mod/fc.html#mmap'>MMapFile</a>"
    en_genitive = f"<p>{page} provides the {section} directive, which maps a file.</p>"
    fr_genitive = f"<p>La directive {section} fournie par {page} charge un fichier.</p>"
    assert _compare(EN_PAGE + en_genitive, FR_PAGE + fr_genitive).consistent


def test_links_traded_between_sentences_are_type2() -> None:
    """vhosts/fd-limits.html: ServerName in the first sentence, mod_log_config in the
    one after it, swapped; the French sentence is longer, so the two stand further
    from a trade in place than word order may move a link. A translation keeps its
    source's sentences (the words both share, "common", stay in the first), and may
    reorder whole ones (mod_auth_basic.html moved the "Digest" sentence last)."""
    sn = "<a href='mod/core.html#servername'>ServerName</a>"
    lc = "<a href='mod/log.html'>mod_log</a>"
    en = (
        f"<p>This creates a log in the common format, with the host (the {sn} directive)"
        f" prepended to each line. (See {lc} for more.)</p>"
    )
    fr = (
        "<p>Cette configuration crée un journal au format standard (dit common), dont chaque"
        f" ligne débute par le nom du serveur (spécifié par la directive {sn}). (Voir {lc}"
        " pour d'autres informations sur la personnalisation des journaux.)</p>"
    )
    assert _compare(EN_PAGE + en, FR_PAGE + fr).consistent
    c = _compare(EN_PAGE + en, FR_PAGE + fr.replace(sn, "@").replace(lc, sn).replace("@", lc))
    assert c.type2 and c.reordered_links
    digest, authn = (
        "<a href='mod/digest.html'>mod_digest</a>",
        "<a href='mod/file.html'>mod_file</a>",
    )
    en_moved = (
        "<p>This module allows Basic authentication. Digest authentication is provided by"
        f" {digest}. It should be combined with a module such as {authn}.</p>"
    )
    fr_moved = (
        "<p>Ce module permet d'utiliser l'authentification basique pour restreindre l'accès en"
        " recherchant les utilisateurs. Il est en général combiné avec un module comme"
        f" {authn}. L'authentification Digest est fournie par {digest}.</p>"
    )
    assert _compare(EN_PAGE + en_moved, FR_PAGE + fr_moved).consistent


def test_a_name_left_unlinked_where_the_page_links_its_target_again_is_type1() -> None:
    """mod_ident.html: "RFC 1413" (dbmmanage.html: "http://httpd.apache.org/") kept as
    is by the translation, its link dropped, while the page links the RFC again: the
    page-level sets are the same. A translator who links another mention of it in the
    block changes nothing."""
    rfc = "http://www.ietf.org/rfc/rfc1413.txt"
    again = f"<p>See <a href='{rfc}'>the RFC</a>.</p>"
    ident = "<a href='mod/ident.html#identitycheck'>IdentityCheck</a>"
    en = f"<p>{ident} enables <a href='{rfc}'>RFC 1413</a> logging of the user.</p>{again}"
    fr = (
        f"<p>{ident} active la journalisation <a href='{rfc}'>RFC 1413</a> de l'utilisateur.</p>"
        f"{again.replace('See', 'Voir').replace('the RFC', 'la RFC')}"
    )
    assert _compare(EN_PAGE + en, FR_PAGE + fr).consistent
    c = _compare(EN_PAGE + en, FR_PAGE + fr.replace(f"<a href='{rfc}'>RFC 1413</a>", "RFC 1413"))
    assert c.type1
    assert [link["text"] for link in c.missing_links] == ["RFC 1413"]
    moved = fr.replace(
        f"<a href='{rfc}'>RFC 1413</a> de l'utilisateur.",
        f"RFC 1413 de l'utilisateur (<a href='{rfc}'>la norme</a>).",
    )
    assert _compare(EN_PAGE + en, FR_PAGE + moved).consistent


def test_an_image_link_unwrapped_where_the_page_links_its_target_again_is_type1() -> None:
    """The "up" arrow of every page of the manual (<div class="up"><a><img></a></div>)
    lost its link, the breadcrumb linking the same index: a block made of a link
    without text, and the block left without it still stands in the alignment."""
    up = "<div class='up'><a href='mod/index.html'><img src='up.gif' alt='up'></a></div>"
    crumbs = (
        "<div class='crumbs'><a href='index.html'>{}</a> &gt; <a href='mod/index.html'>{}</a></div>"
    )
    en = crumbs.format("Docs", "Modules") + up + EN_PAGE
    fr = crumbs.format("Docs", "Modules") + up + FR_PAGE
    assert _compare(en, fr).consistent
    unlinked = fr.replace(up, "<div class='up'><img src='up.gif' alt='up'></div>")
    c = _compare(en, unlinked)
    assert c.type1
    assert [link["key"] for link in c.missing_links] == ["~/mod/"]


def test_an_italic_word_the_translation_uses_plainly_elsewhere_is_added_emphasis() -> None:
    """ssl_faq.html: 'support' wrapped in <em> where the English block says "support";
    French uses the word ("le support SSL") on the page: not a word kept in English."""
    en = EN_PAGE.replace("have no markup at all", "have no support")
    fr = FR_PAGE.replace("sans aucun balisage", "sans <em>support</em>")
    assert _compare(en, fr).consistent  # a word kept from the English block, in italics
    elsewhere = fr.replace("pour les bases", "pour le support des bases")
    c = _compare(en, elsewhere)
    assert c.nonstructural and not c.type1
    # Untranslated text (a block identical to one of the reference's) and code-like
    # texts are no use of the word in the translation's language.
    untranslated = fr + "<p>Some support for this.</p>"
    assert _compare(en + "<p>Some support for this.</p>", untranslated).consistent
    coded = fr.replace("pour les bases", "pour <var>support</var>")
    assert _compare(en.replace("for the basics", "for <var>support</var>"), coded).consistent


def test_structures_keep_their_blocks_and_old_ones_are_compared_without() -> None:
    lp, rp = _pages(EN_PAGE, FR_PAGE)
    again = PageStructure.from_dict(lp.to_dict())
    assert [b.to_list() for b in again.blocks or []] == [b.to_list() for b in lp.blocks or []]
    assert any("listen" in b.codes for b in lp.blocks or [])
    old = lp.to_dict()
    del old["blocks"]
    restored = PageStructure.from_dict(old)
    assert restored.blocks is None
    keys = [a.url for a in restored.anchors]
    assert block_findings(restored, rp, keys, [a.url for a in rp.anchors]).reordered == []


def test_alignment_of_a_page_of_thousands_of_cells_is_fast() -> None:
    rows = "".join(
        f"<tr><td><a href='mod/core.html#d{i}'>D{i}</a></td><td>{i % 7}</td>"
        f"<td><a href='mod/directive-dict.html#Context'>ctx</a></td></tr>"
        for i in range(1500)
    )
    left = f"<table>{rows}</table>"
    right = left.replace("D700<", "D700 (fr)<").replace("<td>3</td>", "<td>trois</td>")
    t0 = time.perf_counter()
    c = _compare(left, right)
    assert time.perf_counter() - t0 < 5
    assert c.consistent


def test_mutations_never_touch_links_the_comparison_does_not_look_at(tmp_path: Path) -> None:
    for lang, word in (("en", "word"), ("fr", "mot")):
        for i in range(12):
            bar = (
                f"<p><span>Languages: </span><a href='../en/p{i}.html' hreflang='en' "
                f"rel='alternate'>en</a> | <a href='../fr/p{i}.html' hreflang='fr' "
                f"rel='alternate'>fr</a></p>"
            )
            body = (
                f"{bar}<p><a href='p{i}.html'>this page</a> and "
                f"<a href='p{(i + 1) % 12}.html'>{word}</a> then "
                f"<a href='p{(i + 2) % 12}.html'>{word}</a> with words long enough.</p>"
            )
            page = tmp_path / lang / f"p{i}.html"
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(HTML.format(lang, body), encoding="utf-8")
    for seed in range(4):
        pages, labels = mutate_pair(tmp_path, "en", "fr", seed=seed, per_kind=2)
        for m in labels["mutation_list"]:
            if m["kind"] == "reorder_anchors":
                html = pages[m["page"]].decode()
                # The language bar and the link to the page itself stay where they were.
                assert html.index("hreflang='en'") < html.index("hreflang='fr'")
                assert html.index(f"href='{m['page']}'") < html.index("then")
            if m["kind"] == "remove_anchor":
                assert f"href='{m['page']}'" in pages[m["page"]].decode()

"""A shared link previews the consultation's question: `web/index.html` rendered per consultation,
escaped, and served so by the embedded gateway (the CDK bundle is checked in tests/infra)."""

from __future__ import annotations

import html
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests

from agora import pages
from agora.config import load
from agora.local.gateway import Gateway
from tests.conftest import ROOT

WEB = ROOT / "web"
TRICKY = 'Faut-il <b>vraiment</b> dire "oui" & "non" ?'


def consultation(**changes):
    demo = load(ROOT / "consultations" / "demo.toml")
    return demo.model_copy(update=changes)


class Tags(HTMLParser):
    """What a link preview robot reads: the title, the meta tags and the page's language."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.title, self.lang, self.elements, self._in_title = "", None, [], False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elements.append(tag)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "meta" and "content" in a:
            self.meta[a.get("property") or a.get("name")] = a["content"]
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def test_the_preview_names_the_question_and_the_context_in_the_first_language() -> None:
    demo = consultation()
    tags = Tags(pages.index_page((WEB / pages.INDEX).read_text(), demo))
    assert tags.title == tags.meta["og:title"] == demo.question["fr"]
    assert tags.meta["og:description"] == tags.meta["description"] == demo.context["fr"]
    assert tags.lang == "fr"
    assert tags.meta["twitter:card"] == "summary" and tags.meta["og:site_name"] == "agora"


def test_markup_in_the_question_stays_text() -> None:
    tricky = consultation(question={"fr": TRICKY, "en": "x"}, context={"fr": "<script>alert(1)</script> & co"})
    source = (WEB / pages.INDEX).read_text()
    page = pages.index_page(source, tricky)
    tags = Tags(page)
    assert tags.meta["og:title"] == tags.title == TRICKY
    assert tags.meta["og:description"] == "<script>alert(1)</script> & co"
    assert html.escape(TRICKY, quote=True) in page
    # No element came in with the text: the same elements as the page as written.
    assert tags.elements == Tags(source).elements


def test_an_english_consultation_without_context_keeps_the_written_description() -> None:
    english = consultation(languages=("en",), question={"en": "What next?"}, context={})
    source = (WEB / pages.INDEX).read_text()
    tags = Tags(pages.index_page(source, english))
    assert (tags.lang, tags.meta["og:title"]) == ("en", "What next?")
    assert tags.meta["og:description"] == Tags(source).meta["og:description"]


def test_a_long_context_is_cut_at_a_word() -> None:
    long = consultation(context={"fr": "mot " * 100})
    description = Tags(pages.index_page((WEB / pages.INDEX).read_text(), long)).meta["og:description"]
    assert len(description) <= pages.DESCRIPTION_CHARS and description.endswith("mot…")


def test_a_page_without_the_tags_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="og:title"):
        pages.index_page('<html lang="fr"><title>x</title></html>', consultation())


def test_the_gateway_serves_the_rendered_page_at_the_root(tmp_path: Path) -> None:
    (tmp_path / pages.INDEX).write_text((WEB / pages.INDEX).read_text())
    (tmp_path / "style.css").write_text("p {}")
    tricky = consultation(question={"fr": TRICKY, "en": "x"})
    gw = Gateway(lambda f, e: None, lambda key: None, "key", dict, tmp_path, port=0, pages=pages.rendered(tmp_path, tricky))
    threading.Thread(target=gw.serve_forever, daemon=True).start()
    try:
        for path in ("/", "/index.html"):
            answer = requests.get(gw.url + path, timeout=10)
            assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
            assert Tags(answer.text).meta["og:title"] == TRICKY
        assert requests.get(gw.url + "/style.css", timeout=10).text == "p {}"  # the others as written
    finally:
        gw.shutdown()

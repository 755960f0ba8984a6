"""The web pages as one consultation serves them: `web/` is the same for every consultation, but a
shared link's preview (social networks, messaging apps) is read from the markup by robots that run
no script. So the consultation's question goes into `index.html` once, when the pages are bundled
for AWS (infra/constructs/edge.py) and when the embedded gateway starts (agora.local.stack)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from agora.config import Consultation

INDEX = "index.html"
# Previews cut a long description anyway; past this a sentence is cut at a word, with an ellipsis.
DESCRIPTION_CHARS = 200


def _description(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= DESCRIPTION_CHARS:
        return text
    return text[: DESCRIPTION_CHARS - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _replace(source: str, pattern: str, value: str, what: str) -> str:
    """Put `value` (escaped) in the one place `pattern`'s group `v` marks."""
    escaped = html.escape(value, quote=True)
    result, found = re.subn(pattern, lambda m: m.group("a") + escaped + m.group("z"), source, flags=re.S)
    if found != 1:
        raise ValueError(f"{INDEX} must have {what} exactly once")
    return result


def index_page(source: str, consultation: Consultation) -> str:
    """`web/index.html` naming the consultation's question, in its first language, in the title
    and the preview tags; the description is the consultation's context when it has one."""
    language = consultation.default_language
    question = consultation.question[language]
    context = consultation.context.get(language)
    page = _replace(source, r'(?P<a><html lang=")(?P<v>[^"]*)(?P<z>")', language, "<html lang=…>")
    page = _replace(page, r"(?P<a><title>)(?P<v>[^<]*)(?P<z></title>)", question, "<title>")
    page = _replace(page, r'(?P<a><meta property="og:title" content=")(?P<v>[^"]*)(?P<z>">)', question, "og:title")
    if context:
        for attribute in ('name="description"', 'property="og:description"'):
            pattern = rf'(?P<a><meta {attribute} content=")(?P<v>[^"]*)(?P<z>">)'
            page = _replace(page, pattern, _description(context), attribute)
    return page


def rendered(web_dir: Path, consultation: Consultation) -> dict[str, str]:
    """The files of `web_dir` that differ per consultation, by path, as this one serves them."""
    return {INDEX: index_page((web_dir / INDEX).read_text(encoding="utf-8"), consultation)}

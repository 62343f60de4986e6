"""Question text is Markdown: rendered without raw HTML, then sanitized with an allow-list."""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "h3",
    "h4",
    "sub",
    "sup",
    "hr",
}


# Sized for whole banks: a question brings about a dozen texts (stem, options, explanations), so 4,096
# entries thrashed on the 409-question bank; 32,768 hold a bank of about 2,500 questions (tens of MB).
CACHED_TEXTS = 32_768


@lru_cache(maxsize=CACHED_TEXTS)
def render(text: str) -> Markup:
    html = nh3.clean(
        _markdown.render(text),
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"https", "http"},
        link_rel="noopener noreferrer",
    )
    return Markup(html)


@lru_cache(maxsize=CACHED_TEXTS)
def render_inline(text: str) -> Markup:
    html = nh3.clean(
        _markdown.renderInline(text),
        tags=_ALLOWED_TAGS - {"p", "table"},
        attributes={"a": {"href", "title"}},
        url_schemes={"https", "http"},
        link_rel="noopener noreferrer",
    )
    return Markup(html)

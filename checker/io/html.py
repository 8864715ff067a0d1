"""The visible text of an HTML page: scripts, styles and navigation dropped."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class _VisibleText(HTMLParser):
    DROP = frozenset(
        {"script", "style", "nav", "header", "footer", "aside", "noscript", "template", "head", "svg",
         "iframe", "button", "select", "canvas"}
    )  # fmt: skip
    BLOCK = frozenset(
        {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "article", "section", "blockquote",
         "ul", "ol", "dl", "dt", "dd", "tr", "td", "th", "table", "pre", "hr", "main", "figure",
         "figcaption", "title", "body", "address", "details", "summary", "caption"}
    )  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.dropping: list[str] = []
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body" and "head" in self.dropping:
            del self.dropping[self.dropping.index("head") :]  # a <head> never closed
        if tag in self.DROP:
            self.dropping.append(tag)
        elif tag in self.BLOCK:
            self.parts.append("\n")
            if tag == "pre":
                self.pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCK and not self.dropping:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.dropping:
            while self.dropping.pop() != tag:
                pass
        elif tag in self.BLOCK:
            self.parts.append("\n")
            if tag == "pre" and self.pre:
                self.pre -= 1

    def handle_data(self, data: str) -> None:
        if self.dropping:
            return
        self.parts.append(data if self.pre else re.sub(r"\s+", " ", data))

    def text(self) -> str:
        lines = (re.sub(r"[ \t\f\v\xa0]+", " ", line).strip() for line in "".join(self.parts).split("\n"))
        return "\n".join(line for line in lines if line)


def html_to_text(html: str) -> str:
    """The visible text of an HTML page: one line per block element, entities unescaped."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return parser.text()


# ---------------------------------------------------------------------------------------------------------
# Files

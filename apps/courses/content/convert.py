"""Markdown ↔ Wagtail rich text, with footnote citations. Converting Markdown to HTML and back
gives the same Markdown, so import → export → import changes nothing."""

import re
from dataclasses import dataclass

import markdown
from markdownify import markdownify

FOOTNOTE_DEFINITION = re.compile(r"^\[\^([^\]\s]+)\]:\s*(.+?)\s*$", re.M)
FOOTNOTE_REFERENCE = re.compile(r"\[\^([^\]\s]+)\]")
TRAILING_URL = re.compile(r"\s*<(https?://[^>\s]+)>\s*$")
SUP_MARKER = re.compile(r"<sup>\[(\d+)\]</sup>")


@dataclass(frozen=True)
class Citation:
    number: int
    label: str
    title: str
    url: str


def footnotes_collect(markdown_text: str) -> tuple[str, dict[str, tuple[str, str]]]:
    """Remove footnote definitions; return the text and {label: (title, url)}."""
    definitions = {}
    for label, body in FOOTNOTE_DEFINITION.findall(markdown_text):
        url_match = TRAILING_URL.search(body)
        url = url_match.group(1) if url_match else ""
        title = TRAILING_URL.sub("", body).strip()
        definitions[label] = (title, url)
    return FOOTNOTE_DEFINITION.sub("", markdown_text).strip(), definitions


def md_to_html(text: str) -> str:
    """Markdown to the HTML Wagtail's rich text editor stores (<b>, <i>, no wrapper)."""
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    html = re.sub(r"<(/?)strong>", r"<\1b>", html)
    html = re.sub(r"<(/?)em>", r"<\1i>", html)
    return html.strip()


def text_to_html(
    text: str, definitions: dict, numbering: dict[str, int]
) -> tuple[str, list[Citation]]:
    """A prose block: footnote references become numbered superscripts, in order of first use
    across the lesson (`numbering` is shared by the lesson's blocks)."""
    citations: list[Citation] = []

    def replace(match):
        label = match.group(1)
        if label not in numbering:
            numbering[label] = len(numbering) + 1
        number = numbering[label]
        if label in definitions and all(c.label != label for c in citations):
            title, url = definitions[label]
            citations.append(Citation(number, label, title, url))
        return f"<sup>[{number}]</sup>"

    return md_to_html(FOOTNOTE_REFERENCE.sub(replace, text)), citations


def html_to_md(html: str) -> str:
    text = markdownify(
        html, heading_style="ATX", bullets="-", strong_em_symbol="*", escape_underscores=False
    )
    text = re.sub(r"\n{3,}", "\n\n", text)
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


def html_with_citations_to_md(html: str, citations: list[dict]) -> str:
    """A text block back to Markdown: superscripts to footnote references plus definitions."""
    labels = {c["number"]: c["label"] for c in citations}
    html = SUP_MARKER.sub(lambda m: f"[^{labels.get(int(m.group(1)), m.group(1))}]", html)
    text = html_to_md(html)
    definitions = []
    for citation in citations:
        line = f"[^{citation['label']}]: {citation['title']}"
        if citation.get("url"):
            line += f" <{citation['url']}>"
        definitions.append(line)
    return text + ("\n\n" + "\n".join(definitions) if definitions else "")

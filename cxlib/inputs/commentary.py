"""The consultant's own commentary on a client: ``commentary.md`` (or ``commentary.<language>.md``)
in the client folder.

Front matter (``---`` YAML ``---``) gives ``author`` and ``date``. Each ``## `` heading opens a
section: ``## summary`` (the verdict that opens the client index) or ``## <step>#<anchor>`` (e.g.
``## 01_diagnosis#drivers``), shown in that step's report right after the heading with that anchor.
Markdown is rendered with markdown-it-py (CommonMark) and sanitised with nh3, an allow-list HTML
sanitiser: no script, style, event handler or iframe survives, links keep only http(s) and mailto,
and images only as ``data:`` URIs, to which local image files are embedded before sanitising (an
image elsewhere on the network is dropped, so a report never calls a host when opened).
"""

from __future__ import annotations

import ast
import base64
import datetime as dt
import mimetypes
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import nh3
import yaml
from markdown_it import MarkdownIt

from cxlib.core.exceptions import Problem
from cxlib.core.paths import NOTEBOOKS_DIR

SUMMARY = "summary"
SECTION = re.compile(r"^## +(.+?)\s*$", re.MULTILINE)
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li",
    "h3", "h4", "h5", "table", "thead", "tbody", "tr", "th", "td", "a", "img", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}


@dataclass(frozen=True)
class Commentary:
    """Sanitised HTML per section (``"summary"`` or ``"<step>#<anchor>"``), with author and date."""

    author: str
    date: str
    sections: dict[str, str] = field(default_factory=dict)
    file: str = "commentary.md"


def heading_anchor(key: str, anchor: str | None = None) -> str:
    """The id a report heading carries: its explicit ``anchor``, else the catalogue key without
    its step prefix and ``_heading`` suffix (``diagnosis.emotions_heading`` → ``emotions``)."""
    if anchor:
        return anchor
    return key.split(".", 1)[-1].removesuffix("_heading").replace("_", "-")


@lru_cache(maxsize=1)
def step_anchors() -> dict[str, list[str]]:
    """Step → the anchors of every heading its notebook source can show, read from the source
    (``report.heading("key", anchor=...)`` calls), so commentary is checked before anything runs."""
    anchors = {}
    for source in sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.py")):
        found = []
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "heading"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                continue
            explicit = next(
                (
                    kw.value.value
                    for kw in node.keywords
                    if kw.arg == "anchor" and isinstance(kw.value, ast.Constant)
                ),
                None,
            )
            found.append((node.lineno, heading_anchor(node.args[0].value, explicit)))
        anchors[source.stem] = list(dict.fromkeys(anchor for _, anchor in sorted(found)))
    return anchors


def commentary_path(client_dir: Path, language: str) -> Path | None:
    """``commentary.<language>.md`` if present, else ``commentary.md``, else ``None``."""
    for name in (f"commentary.{language}.md", "commentary.md"):
        if (client_dir / name).is_file():
            return client_dir / name
    return None


def _embed_images(html: str, folder: Path) -> str:
    """Local images (``src`` relative to the client folder) become ``data:`` URIs."""

    def embed(match: re.Match) -> str:
        source = match.group(2)
        path = (folder / source).resolve()
        if re.match(r"^[a-z]+:", source) or not path.is_file() or folder.resolve() not in path.parents:
            return match.group(0)
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        encoded = base64.b64encode(path.read_bytes()).decode("ascii")
        return f'{match.group(1)}"data:{kind};base64,{encoded}"'

    return re.sub(r'(<img[^>]*?\ssrc=)"([^"]*)"', embed, html)


def render_markdown(text: str, folder: Path) -> str:
    """Markdown → sanitised HTML (see the module docstring)."""
    html = _embed_images(MarkdownIt("commonmark", {"html": True}).enable("table").render(text), folder)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "data"},
        attribute_filter=_no_remote_images,
        link_rel="noopener noreferrer",
    )


def _no_remote_images(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not value.startswith("data:image/"):
        return None
    if tag == "a" and attribute == "href" and value.startswith("data:"):
        return None
    return value


def read_commentary(client_dir: Path, language: str) -> tuple[Commentary | None, list[Problem]]:
    """The client's commentary (``None`` without a file) and every problem in it: unreadable
    front matter, a section heading that is neither ``summary`` nor ``<step>#<anchor>``, an unknown
    step, or an anchor the step does not have (naming the anchors it has)."""
    path = commentary_path(client_dir, language)
    if path is None:
        return None, []
    text = path.read_text(encoding="utf-8-sig")
    problems: list[Problem] = []
    meta: dict = {}
    front = re.match(r"^---\s*\n(.*?)\n---\s*\n", text, re.DOTALL)
    if front:
        try:
            meta = yaml.safe_load(front.group(1)) or {}
        except yaml.YAMLError:
            meta = None
        if not isinstance(meta, dict):
            problems.append(
                Problem(path.name, 1, None, "front matter is not 'key: value' lines; write author: and date:")
            )
            meta = {}
    date = meta.get("date", "")
    date = date.isoformat() if isinstance(date, dt.date) else str(date)
    body_start = front.end() if front else 0
    headings = list(SECTION.finditer(text, body_start))
    anchors = step_anchors()
    sections = {}
    for number, heading in enumerate(headings):
        name = heading.group(1).strip()
        row = text.count("\n", 0, heading.start()) + 1
        end = headings[number + 1].start() if number + 1 < len(headings) else len(text)
        step, _, anchor = name.partition("#")
        if name != SUMMARY:
            if step not in anchors:
                problems.append(
                    Problem(
                        path.name,
                        row,
                        name,
                        f"unknown section; use 'summary' or <step>#<anchor>, a step of {', '.join(anchors)}",
                    )
                )
                continue
            if anchor not in anchors[step]:
                problems.append(
                    Problem(
                        path.name,
                        row,
                        name,
                        f"{step} has no anchor {anchor!r}; its anchors are: {', '.join(anchors[step])}",
                    )
                )
                continue
        sections[name] = render_markdown(text[heading.end() : end].strip(), client_dir)
    return Commentary(str(meta.get("author", "")), date, sections, path.name), problems

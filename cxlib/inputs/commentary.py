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
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from html import unescape
from pathlib import Path

import nh3
import yaml
from markdown_it import MarkdownIt

from cxlib.core.exceptions import Problem
from cxlib.core.guard import ClientFileError, read_client_bytes
from cxlib.core.images import MAX_IMAGE_BYTES, image_type
from cxlib.core.paths import NOTEBOOKS_DIR
from cxlib.inputs.tables import EncodingError, decode_text

SUMMARY = "summary"
SECTION = re.compile(r"^## +(.+?)\s*$", re.MULTILINE)
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li",
    "h3", "h4", "h5", "table", "thead", "tbody", "tr", "th", "td", "a", "img", "hr",
}  # fmt: skip
#: A commentary is prose: a larger file is a mistake (an export saved under its name).
MAX_COMMENTARY_BYTES = 1 << 20
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
    """``commentary.<language>.md`` if present (as a file or a link), else ``commentary.md``, else
    ``None``."""
    for name in (f"commentary.{language}.md", "commentary.md"):
        if (client_dir / name).exists() or (client_dir / name).is_symlink():
            return client_dir / name
    return None


IMAGE = re.compile(r'(<img[^>]*?\ssrc=)"([^"]*)"')


def _embed_images(
    html: str, folder: Path, problems: list[Problem], locate: Callable[[str, str], Problem]
) -> str:
    """Local images (``src`` relative to the client folder) become ``data:`` URIs when they are
    whole raster images inside the folder, at most :data:`~cxlib.core.images.MAX_IMAGE_BYTES`;
    any other local image is left out, with the problem ``locate`` builds from its source and reason."""

    def embed(match: re.Match) -> str:
        source = unescape(match.group(2))
        if re.match(r"^[a-z][a-z0-9+.-]*:", source, re.IGNORECASE):
            return match.group(0)  # data: kept, anything remote dropped by the sanitiser
        try:
            data = read_client_bytes(folder, source, "the image", MAX_IMAGE_BYTES)
            kind = image_type(data)
            if kind is None:
                raise ClientFileError(source, "is not a PNG, JPEG, GIF or WebP image; export it as PNG")
        except ClientFileError as error:
            problems.append(locate(source, error.reason))
            return match.group(1) + '""'
        return f'{match.group(1)}"data:{kind};base64,{base64.b64encode(data).decode("ascii")}"'

    return IMAGE.sub(embed, html)


def render_markdown(
    text: str,
    folder: Path,
    problems: list[Problem] | None = None,
    file: str = "commentary.md",
    first_row: int = 1,
) -> str:
    """Markdown → sanitised HTML (see the module docstring); a local image that cannot be embedded is
    added to ``problems``, at the row of ``file`` (the text starting at ``first_row``) naming it."""

    def locate(source: str, reason: str) -> Problem:
        offset = text.find(source)
        row = first_row + (text.count("\n", 0, offset) if offset >= 0 else 0)
        return Problem(file, row, None, f"image {source}: {reason}")

    rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    html = _embed_images(rendered, folder, [] if problems is None else problems, locate)
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


def _front_matter(text: str, file: str) -> tuple[dict, Problem | None]:
    """The front matter's keys, or none and the problem that stops it being read (located at the
    key whose value the calendar refuses, such as ``date: 2026-13-45``)."""
    try:
        meta = yaml.safe_load(text)
    except ValueError as error:  # a date YAML recognises but the calendar refuses
        key = re.search(r"^(\w+):\s*\d{4}-\d{1,2}-\d{1,2}", text, re.MULTILINE)
        row = 2 + text.count("\n", 0, key.start()) if key else 1
        return {}, Problem(file, row, key.group(1) if key else None, f"{error}; write dates as YYYY-MM-DD")
    except yaml.YAMLError:
        meta = None
    if not isinstance(meta, dict):
        return {}, Problem(file, 1, None, "front matter is not 'key: value' lines; write author: and date:")
    return meta, None


def read_commentary(client_dir: Path, language: str) -> tuple[Commentary | None, list[Problem]]:
    """The client's commentary (``None`` without a file) and every problem in it: unreadable
    front matter, a section heading that is neither ``summary`` nor ``<step>#<anchor>``, an unknown
    step, or an anchor the step does not have (naming the anchors it has)."""
    path = commentary_path(client_dir, language)
    if path is None:
        return None, []
    try:
        text = decode_text(read_client_bytes(client_dir, path.name, "the commentary", MAX_COMMENTARY_BYTES))[
            0
        ]
    except (ClientFileError, EncodingError) as error:
        reason = error.reason if isinstance(error, ClientFileError) else f"cannot be read: {error}"
        return None, [Problem(path.name, None, None, reason)]
    problems: list[Problem] = []
    meta: dict = {}
    front = re.match(r"^---\s*\n(.*?)\n---\s*\n", text, re.DOTALL)
    if front:
        meta, problem = _front_matter(front.group(1), path.name)
        problems += [problem] if problem else []
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
        body = text[heading.end() : end]
        first_row = text.count("\n", 0, heading.end() + len(body) - len(body.lstrip())) + 1
        sections[name] = render_markdown(body.strip(), client_dir, problems, path.name, first_row)
    return Commentary(str(meta.get("author", "")), date, sections, path.name), problems

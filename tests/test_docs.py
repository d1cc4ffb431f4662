"""The user guide (``docs/``) says what the code does: every shell and YAML block in it is run or
checked, and every option of the command line is in its reference page.

A block is marked by an HTML comment on the line before its fence (invisible in the built site):

- ``<!-- docs: run -->`` before a ``sh`` block: run with bash, in order, in a reader's folder
  ``~/clients`` (a temporary ``HOME``) that holds the generated exports under ``exports/``; it must
  exit 0. ``<!-- docs: run slow -->`` runs notebooks, so only in the slow test of its page.
- ``<!-- docs: output -->`` before a ``text`` block: each of its lines (``…`` aside) is in what the
  block run before it printed, the reader's folder written ``~/clients``.
- ``<!-- docs: merge FOLDER -->`` before a ``yaml`` block: its keys replace those of
  ``FOLDER/client.yaml`` in the reader's folder, as a reader pastes it, and the result validates
  against the configuration model (the next ``cxwb validate`` block checks it against the data).
  ``<!-- docs: merge FOLDER refused -->``: the model refuses it (a page showing an error).
- ``<!-- docs: config -->`` before a ``yaml`` block: merged into a scaffolded client's
  ``client.yaml``, it validates against the configuration model.
- ``<!-- docs: parse -->`` before a ``sh`` block of commands that run until stopped (``cxwb
  watch``) or act on the project (``make``): each ``cxwb`` line parses, each ``make`` target exists.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import synthetic
import yaml
from PIL import Image

from cxlib.cli import _parser
from cxlib.core.paths import PROJECT_DIR
from cxlib.inputs.config import load_config
from cxlib.inputs.scaffold import scaffold_client

DOCS = PROJECT_DIR / "docs"
PAGES = sorted(DOCS.glob("*.md"))
BLOCK = re.compile(
    r"^(?:<!-- docs: (?P<mark>[^>]*?) -->\n)?```(?P<language>\w*)[^\n]*\n(?P<body>.*?)^```$",
    flags=re.MULTILINE | re.DOTALL,
)
#: The languages whose every block must be marked, and the marks each may carry.
MARKS = {"sh": ("run", "run slow", "parse"), "yaml": ("merge", "config"), "text": ("output",)}
#: A page that continues another: its blocks run in a copy of the reader's folder that page left.
AFTER = re.compile(r"^<!-- docs: after (?P<page>[\w-]+) -->$", flags=re.MULTILINE)
#: What the reader's folder is called in the guide.
READER_FOLDER = "~/clients"


@dataclass(frozen=True)
class Block:
    """One fenced block of a page: its language, its mark (``""`` when unmarked) and its text."""

    page: str
    language: str
    mark: str
    body: str

    @property
    def slow(self) -> bool:
        return self.mark == "run slow"


def blocks(page: Path) -> list[Block]:
    """The fenced blocks of ``page``, in order."""
    text = page.read_text(encoding="utf-8")
    return [
        Block(page.name, match["language"], match["mark"] or "", match["body"])
        for match in BLOCK.finditer(text)
    ]


def reader_folder(home: Path) -> Path:
    """``~/clients`` with the exports the guide uses: a hotel chain's CSV, a Qualtrics CSV, a
    labelled SPSS file and a logo."""
    work = home / "clients"
    exports = work / "exports"
    synthetic.hotel_export(exports / "hotel.csv")
    shutil.copy(synthetic.qualtrics_csat(home / "qualtrics") / "survey.csv", exports / "qualtrics.csv")
    shutil.copy(synthetic.spss_labelled_scale(home / "retail") / "survey.sav", exports / "retail.sav")
    Image.new("RGB", (160, 48), "#0B5FFF").save(exports / "logo.png")
    return work


def _merge(config_path: Path, snippet: str, refused: bool = False) -> None:
    """Replace ``client.yaml``'s keys with the snippet's; the configuration model accepts the result
    (or, when ``refused``, refuses it: a page showing an error)."""
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config.update(yaml.safe_load(snippet))
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    problems = [str(problem) for problem in load_config(config_path.parent)[1]]
    assert bool(problems) == refused, f"{config_path.parent.name}: {problems}\n{snippet}"


def _check_parses(line: str) -> None:
    words = shlex.split(line, comments=True)
    if not words:
        return
    if words[0] == "cxwb":
        _parser().parse_args(words[1:])
    elif words[0] == "make":
        targets = re.findall(r"^([\w-]+):", (PROJECT_DIR / "Makefile").read_text(), flags=re.MULTILINE)
        assert {word for word in words[1:] if "=" not in word} <= set(targets), line
    else:
        raise AssertionError(f"a parse block holds cxwb and make commands only: {line}")


def prerequisite(page: Path) -> str | None:
    """The page that ``page`` continues (``<!-- docs: after getting-started -->``), if any."""
    found = AFTER.search(page.read_text(encoding="utf-8"))
    return found["page"] if found else None


def follow(page: Path, home: Path, slow: bool, start_from: Path | None = None) -> float:
    """Do what ``page`` says, block by block, in ``home``'s reader folder (slow blocks only when
    ``slow``), a copy of ``start_from`` when given; returns the seconds it took."""
    if start_from is None:
        work = reader_folder(home)
    else:
        work = Path(shutil.copytree(start_from, home / "clients", symlinks=True))
    env = os.environ | {"HOME": str(home), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    env.pop("CXWB_CLIENT", None)
    printed: str | None = None  # what the last block run printed; None after a block not run
    start = time.perf_counter()
    for block in blocks(page):
        where = f"{page.name}: {block.language} block\n{block.body}"
        if block.mark.startswith("run") and not slow and block.slow:
            printed = None
        elif block.mark.startswith("run"):
            done = subprocess.run(
                ["bash", "-euo", "pipefail", "-c", block.body],
                cwd=work,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
            )
            printed = (done.stdout + done.stderr).replace(str(work), READER_FOLDER)
            assert done.returncode == 0, f"{where}exited {done.returncode}:\n{printed}"
        elif block.mark == "output" and printed is not None:
            missing = [line.strip() for line in block.body.splitlines() if line.strip() not in ("", "…")]
            missing = [line for line in missing if line not in printed]
            assert not missing, f"{where}not printed: {missing}\nprinted:\n{printed}"
        elif block.mark.startswith("merge "):
            folder, *refused = block.mark.split()[1:]
            _merge(work / folder / "client.yaml", block.body, refused == ["refused"])
        elif block.mark == "config":
            folder = home / "scaffolded"
            shutil.rmtree(folder, ignore_errors=True)
            scaffold_client(folder, "en")
            _merge(folder / "client.yaml", block.body)
        elif block.mark == "parse":
            for line in block.body.splitlines():
                _check_parses(line)
    return time.perf_counter() - start


def test_the_guide_has_pages():
    assert {page.stem for page in PAGES} >= {
        "index",
        "getting-started",
        "qualtrics",
        "spss",
        "waves",
        "weights",
        "cuts",
        "branding",
        "watch-alerts",
        "checks",
        "cli",
    }


@pytest.mark.parametrize("page", PAGES, ids=[page.stem for page in PAGES])
def test_every_block_is_marked_with_what_checks_it(page):
    for block in blocks(page):
        allowed = MARKS.get(block.language)
        assert allowed is not None, f"{page.name}: a {block.language or 'bare'} block; use sh, yaml or text"
        if block.language != "text":
            assert block.mark.startswith(allowed), (
                f"{page.name}: unmarked {block.language} block:\n{block.body}"
            )
        elif block.mark:
            assert block.mark in allowed, f"{page.name}: text block marked {block.mark!r}"


@pytest.fixture(scope="session")
def followed(tmp_path_factory):
    """The reader's folder a page leaves, by page name, each page followed once per session."""
    done: dict[str, Path] = {}

    def folder(name: str) -> Path:
        if name not in done:
            home = tmp_path_factory.mktemp(f"after-{name}")
            follow(DOCS / f"{name}.md", home, slow=False)
            done[name] = home / "clients"
        return done[name]

    return folder


def _start_from(page: Path, followed) -> Path | None:
    name = prerequisite(page)
    return followed(name) if name else None


@pytest.mark.parametrize("page", PAGES, ids=[page.stem for page in PAGES])
def test_every_page_does_what_it_says(tmp_path, page, followed):
    if prerequisite(page) is None:
        followed(page.stem)  # once per session: a page others continue is not followed twice
    else:
        follow(page, tmp_path, slow=False, start_from=_start_from(page, followed))


SLOW_PAGES = [page for page in PAGES if any(block.slow for block in blocks(page))]


@pytest.mark.slow
@pytest.mark.parametrize("page", SLOW_PAGES, ids=[page.stem for page in SLOW_PAGES])
def test_every_page_does_what_it_says_with_its_runs(tmp_path, page, followed):
    seconds = follow(page, tmp_path, slow=True, start_from=_start_from(page, followed))
    print(f"{page.name}: followed in {seconds:.1f} s")


def test_the_reference_names_every_command_and_option():
    reference = (DOCS / "cli.md").read_text(encoding="utf-8")
    commands = next(action for action in _parser()._actions if action.dest == "command").choices
    for name, command in commands.items():
        assert f"cxwb {name}" in reference, name
        for action in command._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert f"`{option}" in reference or f" {option}" in reference, (name, option)


def test_the_guide_builds_with_mkdocs_strict(tmp_path):
    mkdocs = Path(sys.executable).parent / "mkdocs"
    if not mkdocs.exists():
        pytest.skip("mkdocs is not installed: pip install -e '.[docs]'")
    built = subprocess.run(
        [str(mkdocs), "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "site" / "getting-started" / "index.html").exists()

"""Publishing a report (issue 26): a reader always finds a whole report while runs replace it, two
swaps into one folder leave one folder, and a run on a full disk leaves no build behind."""

from __future__ import annotations

import errno
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from cxlib import cli
from cxlib.core import files
from cxlib.core.files import swap_folder
from cxlib.run import runner
from cxlib.run.runner import run

needs_renameat2 = pytest.mark.skipif(files._RENAMEAT2 is None, reason="needs Linux's renameat2 (glibc 2.28+)")
PAGE = "<html>" + "report " * 2000 + "</html>"


def _build(out: Path, number: int) -> Path:
    """A complete report in ``.build-acme-<number>``."""
    build = out / f".build-acme-{number:08x}"
    build.mkdir()
    (build / "index.html").write_text(PAGE, encoding="utf-8")
    return build


#: A reader in its own process: polls ``<out>/acme/index.html`` until ``<out>/stop`` exists, then
#: prints how many polls found the page whole, and how many did not.
READER = """
import sys
from pathlib import Path

out = Path(sys.argv[1])
page, whole, other = sys.argv[2], 0, 0
print("polling", flush=True)
while not (out / "stop").exists():
    try:
        text = (out / "acme" / "index.html").read_text(encoding="utf-8")
    except FileNotFoundError:
        text = None
    whole, other = (whole + 1, other) if text == page else (whole, other + 1)
print(whole, other)
"""


@needs_renameat2
def test_a_reader_always_finds_a_whole_report_while_it_is_replaced(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    swap_folder(_build(out, 0), out / "acme")
    with subprocess.Popen(
        [sys.executable, "-c", READER, str(out), PAGE], stdout=subprocess.PIPE, text=True
    ) as reader:
        assert reader.stdout.readline() == "polling\n"
        for number in range(1, 201):
            swap_folder(_build(out, number), out / "acme")
        (out / "stop").touch()
        whole, other = map(int, reader.stdout.read().split())
    assert whole > 200 and other == 0
    assert sorted(path.name for path in out.iterdir()) == ["acme", "stop"]


def _swap_together(builds: list[Path], target: Path) -> list[OSError]:
    """Swap every build into ``target`` at once, one thread each; the errors they raised."""
    start, failures = threading.Barrier(len(builds)), []

    def swap(build: Path) -> None:
        start.wait()
        try:
            swap_folder(build, target)
        except OSError as error:
            failures.append(error)

    swappers = [threading.Thread(target=swap, args=(build,)) for build in builds]
    for swapper in swappers:
        swapper.start()
    for swapper in swappers:
        swapper.join()
    return failures


@needs_renameat2
@pytest.mark.parametrize("published", [True, False])
def test_two_swaps_into_one_folder_leave_one_folder(tmp_path, published):
    for attempt in range(20):
        out = tmp_path / str(attempt)
        out.mkdir()
        if published:
            swap_folder(_build(out, 0), out / "acme")
        assert _swap_together([_build(out, 1), _build(out, 2)], out / "acme") == []
        assert [path.name for path in out.iterdir()] == ["acme"]
        assert (out / "acme" / "index.html").read_text(encoding="utf-8") == PAGE


def test_without_renameat2_the_swap_renames_twice(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "_RENAMEAT2", None)
    swap_folder(_build(tmp_path, 0), tmp_path / "acme")
    swap_folder(_build(tmp_path, 1), tmp_path / "acme")
    assert [path.name for path in tmp_path.iterdir()] == ["acme"]


def _disk_full(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.slow
@pytest.mark.parametrize("where", ["save_validated", "swap_folder"])
def test_a_full_disk_leaves_no_build_and_the_report_intact(scaffolded, tmp_path, monkeypatch, capsys, where):
    out = tmp_path / "out"
    assert run([str(scaffolded)], out, step_names=["00"]) == 0
    report = (out / "acme" / "index.html").read_text(encoding="utf-8")
    capsys.readouterr()
    monkeypatch.setattr(runner, where, _disk_full)  # the disk fills while starting or publishing
    assert cli.main(["run", str(scaffolded), "--out", str(out), "--steps", "00"]) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if "cxwb:" in line]
    assert len(errors) == 1 and errors[0].startswith("cxwb: --out") and "No space left" in errors[0]
    assert not list(out.glob(".build-*")) and not list(out.glob(".lock-*"))
    assert (out / "acme" / "index.html").read_text(encoding="utf-8") == report

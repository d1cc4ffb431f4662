"""Runs that always end with an answer: clashing slugs, output-folder faults, interrupted runs,
concurrent runs of one client, time-outs, and an index that shows the latest run."""

from __future__ import annotations

import json
import os
import shutil
import time

import nbformat
import pytest

from cxlib.core.exceptions import CxError
from cxlib.run import runner
from cxlib.run.output import ClientLock, recover_stale
from cxlib.run.runner import run, write_all_clients_index
from cxlib.steps import STEP_BY_NAME, Step

pytestmark = pytest.mark.slow


def test_two_clients_with_one_slug_are_refused_before_anything_runs(scaffolded, tmp_path):
    twin = tmp_path / "twin"
    shutil.copytree(scaffolded, twin)
    with pytest.raises(CxError, match="two clients share a slug \\('acme'"):
        run([str(scaffolded), str(twin)], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_an_output_folder_that_is_a_file_is_one_clear_error(scaffolded, tmp_path):
    (tmp_path / "out").write_text("not a folder")
    with pytest.raises(CxError, match="is a file, not a folder") as error:
        run([str(scaffolded)], tmp_path / "out")
    assert error.value.exit_code == 2


def test_an_invalid_client_exits_2_and_keeps_its_report(scaffolded, tmp_path):
    (scaffolded / "units.csv").write_text("unit,retention\nNorth,high\n")
    assert run([str(scaffolded)], tmp_path / "out", step_names=["00"]) == 2
    assert not (tmp_path / "out" / "acme").exists()


def test_an_interrupted_run_is_recovered(tmp_path):
    out = tmp_path / "out"
    (out / ".retired-acme-0123abcd").mkdir(parents=True)  # the good report, moved aside by a swap
    (out / ".retired-acme-0123abcd" / "index.html").write_text("good report")
    (out / ".build-acme-89abcdef").mkdir()  # the build that never landed
    (out / ".build-acme-plus-89abcdef").mkdir()  # another client's: left alone
    actions = recover_stale(out, "acme")
    assert (out / "acme" / "index.html").read_text() == "good report"
    assert sorted(path.name for path in out.iterdir()) == [".build-acme-plus-89abcdef", "acme"]
    assert len(actions) == 2


def test_a_second_run_of_one_client_is_refused_while_the_first_runs(scaffolded, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / ".lock-acme").write_text(str(os.getppid()))  # a live process holds the client
    assert run([str(scaffolded)], out, step_names=["00"]) == 1
    assert not (out / "acme").exists() and (out / ".lock-acme").exists()
    (out / ".lock-acme").write_text("999999999")  # a dead run's lock is taken over
    assert run([str(scaffolded)], out, step_names=["00"]) == 0
    assert not (out / ".lock-acme").exists()


def test_a_lock_is_exclusive(tmp_path):
    first, second = ClientLock(tmp_path, "acme"), ClientLock(tmp_path, "acme")
    assert first.acquire() is None and second.acquire() == os.getpid()
    first.release()
    assert second.acquire() is None


def test_a_step_that_runs_too_long_is_marked_timed_out(scaffolded, tmp_path, monkeypatch):
    # the overview notebook with one more cell that outlasts the time-out whatever the machine's speed
    slow = nbformat.read(STEP_BY_NAME["00_overview"].notebook, as_version=4)
    slow.cells.append(nbformat.v4.new_code_cell("import time\n\ntime.sleep(60)"))
    (tmp_path / "slow").mkdir()
    nbformat.write(slow, tmp_path / "slow" / "00_overview.ipynb")
    monkeypatch.setattr(
        runner, "select_steps", lambda names: (Step("00_overview", directory=tmp_path / "slow"),)
    )
    out = tmp_path / "out"
    started = time.monotonic()
    assert run([str(scaffolded)], out, step_names=["00"], timeout=2) == 1
    assert time.monotonic() - started < 60  # the sleeping kernel was abandoned, not waited for
    manifest = json.loads((out / "acme" / "manifest.json").read_text())
    step = next(entry for entry in manifest["steps"] if entry["step"] == "00_overview")
    assert step["status"] == "timed_out" and "--timeout" in step["error"]


def test_the_index_shows_the_latest_run_and_never_internal_folders(tmp_path):
    for folder, status, finished in (
        ("acme", "ok", "2026-01-01T10:00:00"),
        ("acme.failed", "failed", "2026-02-01T10:00:00"),
        (".retired-acme-0123abcd", "ok", "2026-03-01T10:00:00"),
    ):
        (tmp_path / folder).mkdir()
        manifest = {
            "name": "Acme",
            "industry": "Retail",
            "language": "en",
            "status": status,
            "finished": finished,
        }
        (tmp_path / folder / "manifest.json").write_text(json.dumps(manifest))
    index = write_all_clients_index(tmp_path).read_text(encoding="utf-8")
    assert 'href="acme.failed/index.html"' in index and "retired" not in index
    assert index.count("Acme") >= 1 and 'href="acme/index.html"' not in index


def test_the_index_speaks_its_clients_language_and_both_only_when_they_differ(tmp_path):
    def client(folder: str, language: str, locale: str) -> None:
        (tmp_path / folder).mkdir()
        manifest = {
            "name": folder.title(),
            "industry": "Retail",
            "language": language,
            "locale": locale,
            "status": "ok",
            "finished": "2026-03-01T10:00:00",
        }
        (tmp_path / folder / "manifest.json").write_text(json.dumps(manifest))

    client("acme", "en", "en_GB")
    english = write_all_clients_index(tmp_path).read_text(encoding="utf-8")
    assert '<html lang="en">' in english and "Customer experience reports" in english
    assert "Informes" not in english and "1 March 2026" in english  # the client's British date
    client("banco", "es", "es_MX")
    both = write_all_clients_index(tmp_path).read_text(encoding="utf-8")
    assert "Informes de experiencia del cliente / Customer experience reports" in both


def test_pdf_without_chromium_names_the_package_before_anything_runs(scaffolded, tmp_path, monkeypatch):
    monkeypatch.setenv("CXWB_CHROMIUM", str(tmp_path / "no-chromium"))
    with pytest.raises(CxError, match="apt-get install chromium"):
        run([str(scaffolded)], tmp_path / "out", pdf=True)
    assert not (tmp_path / "out").exists()

"""``cxwb run``: validate, execute every step with papermill, export HTML, swap reports in atomically.

One *job* is one step of one client. Jobs run in parallel worker processes (``--jobs``); each
executes its notebook with papermill into the client's build folder and exports it to HTML with
nbconvert. When all of a client's jobs are done, its index and ``manifest.json`` are written and
the build folder replaces ``<out>/<slug>`` in one swap. A run with a failed step never replaces a
previous good report: it is kept beside it as ``<slug>.failed`` instead.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from importlib import metadata
from pathlib import Path

import papermill
from tqdm import tqdm

from cxlib.core.exceptions import CxError, ParameterError, ValidationError
from cxlib.core.files import swap_folder, write_text_atomic
from cxlib.core.i18n import LANGUAGES, Translator, translator
from cxlib.core.paths import (
    BASELINE_BUILD_NAME,
    INTERACTIVE_DIR_NAME,
    PROJECT_DIR,
    resolve_client_dir,
)
from cxlib.inputs.client import VALIDATED_CLIENT_NAME, Client, check_client, save_validated
from cxlib.inputs.config import load_config
from cxlib.inputs.cuts import CutError, apply_cut, resolve_cut
from cxlib.inputs.schema import needed_files
from cxlib.render.brand import HOUSE, Brand, brand_of
from cxlib.render.bundle import bundle_name, write_bundle
from cxlib.render.checks import PAGE_NAME as CHECKS_PAGE
from cxlib.render.checks import Check, load_checks
from cxlib.render.consistency import consultant_checks
from cxlib.render.export import (
    ASSETS_DIR_NAME,
    footer_text,
    notebook_to_html,
    page_css,
    report_css,
    write_shared_assets,
)
from cxlib.render.pages import PAGES
from cxlib.render.pdf import PdfError, check_printer, print_pdf
from cxlib.render.slides import SlidesError, check_slide_maker, write_summary
from cxlib.render.summary import findings, progress, progress_rows
from cxlib.run.execute import StepResult, WorkerPool, ensure_kernel, planned_jobs, worker_count
from cxlib.run.output import (
    ClientLock,
    OutputFolderError,
    carry_watch_files,
    is_internal,
    prepare_output,
    recover_stale,
    watch_files_lock,
)
from cxlib.steps import ANNEXES, STEP_BY_NAME, STEPS, Step, chain_length, report_order, select_steps
from cxlib.steps.journey import alert_log, alert_log_facts

MANIFEST_NAME = "manifest.json"
#: State files a step keeps between runs (e.g. monitoring); carried from the published report into each build.
STATE_PATTERN = "*.state.json"
REPORTED_PACKAGES = (
    "cx-workbook",
    "pandas",
    "numpy",
    "plotly",
    "papermill",
    "nbconvert",
    "nbclient",
    "ipykernel",
    "pydantic",
    "statsmodels",
    "scipy",
    "babel",
)


@dataclass(frozen=True)
class Job:
    """One step of one client, as sent to a worker process."""

    slug: str
    client_dir: str
    language: str
    locale: str | None
    client_name: str
    step: str
    notebook: str
    build_dir: str
    timeout: int = 900
    cut: str = ""
    brand: Brand = HOUSE

    @property
    def parameters(self) -> dict[str, str]:
        return step_parameters(self.client_dir, self.build_dir, self.cut)

    @property
    def executed(self) -> Path:
        """Where the executed notebook is written."""
        return Path(self.build_dir) / f"{self.step}.ipynb"

    @property
    def execution(self) -> tuple[str, str, str, dict[str, str], int]:
        """The arguments of :func:`~cxlib.run.execute.execute_step` for this job: plain values, so
        that a worker needs none of the runner's modules to take them."""
        return self.step, self.notebook, str(self.executed), self.parameters, self.timeout


def step_parameters(client_dir: str, report_dir: str, cut: str = "") -> dict[str, str]:
    """The parameters every step notebook declares in its ``parameters`` cell."""
    return {"client_dir": client_dir, "report_dir": report_dir, "cut": cut}


def check_parameters(step: Step) -> None:
    """Unknown or missing parameters are errors (papermill's inspection of the parameters cell)."""
    if not step.notebook.is_file():
        raise ParameterError(f"step {step.name}: notebook {step.notebook} is missing; restore it from git")
    declared = set(papermill.inspect_notebook(str(step.notebook)))
    given = set(step_parameters("", ""))
    if declared != given:
        missing, unknown = sorted(declared - given), sorted(given - declared)
        raise ParameterError(
            f"step {step.name}: the notebook's parameters cell does not match what cxwb passes "
            f"(declared but not passed: {missing or 'none'}; passed but not declared: {unknown or 'none'}); "
            f"make the parameters cell declare exactly {sorted(given)}"
        )


def export_step(job: Job, result: StepResult) -> StepResult:
    """Export an executed step's notebook to its HTML page (in the runner, while the workers go on)."""
    started = time.perf_counter()
    build = Path(job.build_dir)
    executed = job.executed
    if executed.is_file():
        t = translator(job.language, job.locale)
        title = f"{t('step.' + job.step)} · {job.client_name}"
        try:
            html = notebook_to_html(executed, t, title, dt.datetime.now(), job.brand)
            write_text_atomic(build / f"{job.step}.html", html)
        except Exception as failure:  # nbconvert failures are reported per step, never crash the run
            if result.error is None:
                result = replace(
                    result, status="failed", error=f"HTML export failed: {type(failure).__name__}: {failure}"
                )
    return replace(result, seconds=result.seconds + time.perf_counter() - started)


def git_sha() -> str:
    """The project's git commit, or ``unknown`` outside a checkout."""
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=PROJECT_DIR, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def package_versions() -> dict[str, str]:
    versions = {}
    for name in REPORTED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    versions["python"] = sys.version.split()[0]
    return versions


@dataclass
class ClientRun:
    """One client's run: its jobs, results and build folder."""

    client: Client
    build_dir: Path
    started: dt.datetime
    results: dict[str, StepResult] = field(default_factory=dict)
    #: ``field=value`` when this run is a cut of its client; on the whole client's run, its cuts'
    #: (label, slug) for the index to link.
    cut: str = ""
    cuts: list[tuple[str, str]] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.client.config.slug

    @cached_property
    def brand(self) -> Brand:
        return brand_of(self.client.config, self.client.directory)

    @property
    def failed(self) -> bool:
        return any(result.status in ("failed", "timed_out") for result in self.results.values())


def _write_skipped_page(run: ClientRun, step: Step, missing: list[str]) -> None:
    t = run.client.translator(escaped=False)  # the template escapes
    page = PAGES.get_template("skipped.html.j2").render(
        language=t.language,
        css=page_css(run.brand),
        logo=run.brand.logo_html(),
        page_title=t("step." + step.name),
        client_name=run.client.config.name,
        back_label=t("report.back_to_index"),
        footer=footer_text(t, run.started),
        note=t("report.skipped_note", tables=", ".join(t("table." + name) for name in missing)),
    )
    write_text_atomic(run.build_dir / f"{step.name}.html", page)


def _seed_build(build: Path, published: Path, selected: tuple[Step, ...]) -> None:
    """Start a build from the report in place: its state files, and every file of the steps this run
    does not select (``--steps``), so later steps and the index can use their results."""
    for state in published.glob(STATE_PATTERN):  # incremental steps continue from the report in place
        shutil.copy2(state, build / state.name)
    carry_watch_files(published, build)  # the alert log, for the journey step to show
    # a consultant's own notebook runs (cxlib.setup without report_dir) stay
    interactive = published / INTERACTIVE_DIR_NAME
    if interactive.is_dir():
        shutil.copytree(interactive, build / INTERACTIVE_DIR_NAME)
    chosen = {step.name for step in selected}
    for step in STEPS:
        if step.name not in chosen:
            for path in published.glob(f"{step.name}*"):
                shutil.copy2(path, build / path.name)


def _carry_over_results(run: ClientRun, target: Path) -> None:
    """Take the previous manifest's entry for every step this run did not execute.

    A step with no previous output is marked ``not_run``, so the index always lists every step.
    """
    previous = {entry["step"]: entry for entry in (_previous_manifest(target) or {}).get("steps", [])}
    for step in STEPS:
        if step.name in run.results:
            continue
        entry = previous.get(step.name)
        if entry is None or not (run.build_dir / f"{step.name}.html").is_file():
            run.results[step.name] = StepResult(step.name, "not_run")
            continue
        run.results[step.name] = StepResult(
            **{key: entry[key] for key in ("step", "status", "seconds", "error", "missing", "parameters")}
        )


def _finish_client(run: ClientRun, out_dir: Path) -> tuple[str, Path]:
    """Write manifest and index, then swap the build in (or keep it aside when it failed).

    The watcher's files are brought up to date and the swap done inside :func:`watch_files_lock`,
    so an alert logged meanwhile is neither lost nor missing from the index.
    """
    with watch_files_lock(out_dir, run.client.config.slug):
        carry_watch_files(out_dir / run.client.config.slug, run.build_dir)
        return _write_and_swap(run, out_dir)


def _write_and_swap(run: ClientRun, out_dir: Path) -> tuple[str, Path]:
    config = run.client.config
    _carry_over_results(run, out_dir / config.slug)
    steps = STEPS
    t = run.client.translator(escaped=False)  # the index template escapes
    finished = dt.datetime.now()
    status = "failed" if run.failed else "ok"
    manifest = {
        "client": config.slug,
        "name": config.name,
        "industry": config.industry,
        "language": config.language,
        "locale": config.locale,
        "status": status,
        "started": run.started.isoformat(timespec="seconds"),
        "finished": finished.isoformat(timespec="seconds"),
        "git_sha": git_sha(),
        "packages": package_versions(),
        "client_dir": str(run.client.directory),
        "inputs": run.client.input_hashes(),
        "steps": [
            asdict(run.results[step.name])
            | {"html": f"{step.name}.html" if run.results[step.name].status != "not_run" else None}
            for step in steps
        ],
    }
    write_text_atomic(run.build_dir / MANIFEST_NAME, json.dumps(manifest, indent=2, ensure_ascii=False))
    rows = []
    for step in report_order(steps):
        result = run.results[step.name]
        note = ""
        if result.status in ("failed", "timed_out"):
            note = t("report.step_failed")
        elif result.status == "skipped":
            note = t("report.skipped_note", tables=", ".join(t("table." + name) for name in result.missing))
        rows.append(
            {
                "title": t("report.annex", title=t("step." + step.name))
                if step.name in ANNEXES
                else t("step." + step.name),
                "html": f"{step.name}.html" if result.status != "not_run" else None,
                "status": result.status,
                "note": note,
            }
        )
    sections: dict[str, list] = {}
    for finding in findings(run.build_dir, t):
        sections.setdefault(t(finding.section), []).append(finding)
    baseline_dir = _baseline_dir(run.client, out_dir)
    comparison = progress(run.build_dir, baseline_dir) if baseline_dir is not None else None
    if comparison is not None:
        write_text_atomic(
            run.build_dir / "progress.json", comparison.to_json(orient="records", force_ascii=False)
        )
    commentary = run.client.commentary
    alert_statuses = alert_log(run.build_dir)
    checks_count = _write_checks_page(run, t, finished)
    index = PAGES.get_template("client_index.html.j2").render(
        alerts=t("report.alerts_summary", **alert_log_facts(alert_statuses, t))
        if len(alert_statuses)
        else "",
        alerts_detail=t("report.alerts_detail"),
        verdict=commentary.sections.get("summary") if commentary else None,  # sanitised on reading
        verdict_heading=t("report.commentary_verdict"),
        cuts=[{"label": label, "slug": slug} for label, slug in run.cuts],
        cuts_heading=t("report.cuts"),
        verdict_by=t("report.commentary_by", author=commentary.author, date=t.date_text(commentary.date))
        if commentary
        else "",
        sections=sections,
        detail_label=t("summary.detail"),
        findings_heading=t("summary.heading"),
        findings_intro=t("summary.intro"),
        no_findings=t("summary.none"),
        baseline=config.baseline,
        progress_heading=t("summary.progress_heading"),
        progress_intro=t("summary.progress_intro", baseline=config.baseline or ""),
        progress_missing=t("summary.progress_missing", baseline=config.baseline or ""),
        progress=progress_rows(comparison, t) if comparison is not None else None,
        progress_labels={
            key: t(f"summary.col.{key}") for key in ("measure", "before", "now", "change", "p", "verdict")
        },
        language=t.language,
        css=page_css(run.brand),
        logo=run.brand.logo_html(),
        page_title=t("report.client_index_title", name=config.name),
        client_name=config.name,
        industry=config.industry,
        data_date=_data_date(run.client, t),
        steps=rows,
        labels={
            "industry": t("report.industry"),
            "data_as_of": t("report.last_run"),
            "steps": t("report.steps"),
        },
        up_link=True,
        up_label=t("report.all_reports"),
        checks_label=t("checks.link"),
        checks_count=t.number(checks_count),
        footer=footer_text(t, finished),
    )
    write_text_atomic(run.build_dir / "index.html", index)
    write_bundle(
        run.build_dir,
        config.slug,
        [step.name for step in report_order(steps)],
        t.language,
        t("report.client_index_title", name=config.name),
        footer_text(t, finished),
        run.brand,
        t("bundle.download_separate"),
        contents=(t("bundle.contents"), t("summary.heading")),
    )
    for internal in (VALIDATED_CLIENT_NAME, BASELINE_BUILD_NAME):  # the run's own, never published
        (run.build_dir / internal).unlink(missing_ok=True)
    target = out_dir / config.slug
    if run.failed and (_previous_manifest(target) or {}).get("status") == "ok":
        target = out_dir / f"{config.slug}.failed"
        shutil.rmtree(target, ignore_errors=True)
    swap_folder(run.build_dir, target)
    return status, target


def _data_date(client: Client, t: Translator) -> str:
    """The client's data cut-off, as the client's index states it ("Datos al …"); empty when no
    table is dated. The run's own date and status are the consultant's (``checks.html``)."""
    from cxlib.steps.overview import data_cutoff

    cutoff = data_cutoff(client)
    return t.date(cutoff.to_pydatetime(), "long") if cutoff is not None else ""


def _write_checks_page(run: ClientRun, t: Translator, finished: dt.datetime) -> int:
    """Write the consultant's page (``checks.html``, :mod:`cxlib.render.checks`): what each step
    raised, what the cross-step rules raised (:mod:`cxlib.render.consistency`), and which files each
    skipped step needs. Returns how many checks it lists."""
    checks = (
        load_checks(run.build_dir)
        + consultant_checks(run.build_dir, t)
        + [
            Check(name, t("checks.skipped", files=needed_files(result.missing, t)))
            for name, result in run.results.items()
            if result.status == "skipped" and result.missing
        ]
    )
    sections: dict[str, list[str]] = {}
    for check in sorted(checks, key=lambda check: check.step):
        title = t(f"step.{check.step}" if check.step in STEP_BY_NAME else f"checks.section.{check.step}")
        sections.setdefault(title, []).append(check.text)
    page = PAGES.get_template("checks.html.j2").render(
        language=t.language,
        css=page_css(run.brand),
        logo=run.brand.logo_html(),
        page_title=t("checks.title", name=run.client.config.name),
        client_name=run.client.config.name,
        back_label=t("report.back_to_index"),
        intro=t("checks.intro"),
        sections=sections,
        none=t("checks.none"),
        footer=footer_text(t, finished),
    )
    write_text_atomic(run.build_dir / CHECKS_PAGE, page)
    return len(checks)


def _baseline_dir(client: Client, out_dir: Path) -> Path | None:
    """The baseline run named in ``client.yaml``: a report folder or its manifest (relative to the
    client folder), or the slug of a client in this output folder. ``None`` when not declared."""
    name = client.config.baseline
    if not name:
        return None
    candidate = (client.directory / name).resolve()
    if candidate.name == MANIFEST_NAME:
        candidate = candidate.parent
    if (candidate / MANIFEST_NAME).is_file():
        return candidate
    return out_dir / name


def _previous_manifest(report_dir: Path) -> dict | None:
    """The manifest of the report now in ``report_dir``, or ``None``."""
    try:
        return json.loads((report_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_all_clients_index(out_dir: Path) -> Path:
    """The top-level index of every client report in ``out_dir``, in its clients' language (both
    languages when its clients differ or there are none), dates in each client's locale.

    Each client shows its latest run: a failed run kept aside as ``<slug>.failed`` is listed (and
    linked) when it is newer than the good report in place. Builds and retired reports are not clients.
    """
    latest: dict[str, tuple[dict, str]] = {}
    for manifest_path in sorted(out_dir.glob(f"*/{MANIFEST_NAME}")):
        folder = manifest_path.parent
        if is_internal(folder):
            continue
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a hand-damaged manifest is not worth failing the whole index
        slug = folder.name.removesuffix(".failed")
        if slug not in latest or manifest["finished"] > latest[slug][0]["finished"]:
            latest[slug] = (manifest, folder.name)
    clients, translators = [], {}
    for slug in sorted(latest):
        manifest, folder_name = latest[slug]
        t = translator(manifest["language"], manifest.get("locale"))
        translators.setdefault(manifest["language"], t)
        clients.append(
            {
                "name": manifest["name"],
                "industry": manifest["industry"],
                "href": f"{folder_name}/index.html",
                "finished": t.date(dt.datetime.fromisoformat(manifest["finished"]), "long"),
                "status": manifest["status"],
                "status_label": t("report.status." + manifest["status"]),
            }
        )
    # the page speaks its clients' language, and both only when they differ
    languages = [
        translators.get(language) or translator(language)
        for language in LANGUAGES
        if language in translators or not translators
    ]
    page = PAGES.get_template("all_clients.html.j2").render(
        language=languages[0].language,
        css=report_css(),
        page_title=" / ".join(t("report.all_clients_title") for t in languages),
        clients=clients,
        footer=" / ".join(footer_text(t, dt.datetime.now()) for t in languages),
    )
    path = out_dir / "index.html"
    write_text_atomic(path, page)
    return path


def log_line(message: str) -> None:
    """One line of the run's log, on stderr, above the progress bar."""
    tqdm.write(message, file=sys.stderr)


#: ``errno`` of a write to a full disk, or past the user's quota.
DISK_FULL = (errno.ENOSPC, errno.EDQUOT)

#: Default longest time one cell of a step may run, in seconds (``--timeout``).
DEFAULT_TIMEOUT = 900


def check_unique_slugs(client_dirs: list[Path]) -> None:
    """Two folders with one slug would write one report folder: refuse before anything runs."""
    folders: dict[str, list[Path]] = {}
    for client_dir in client_dirs:
        config, _ = load_config(client_dir)
        if config is not None:
            folders.setdefault(config.slug, []).append(client_dir)
    clashes = {slug: paths for slug, paths in folders.items() if len(paths) > 1}
    if clashes:
        described = "; ".join(f"'{slug}' in {', '.join(map(str, paths))}" for slug, paths in clashes.items())
        raise CxError(f"two clients share a slug ({described}); give each a unique slug in client.yaml")


def _start_client(
    client: Client, out_dir: Path, steps: tuple[Step, ...], lock: ClientLock
) -> ClientRun | None:
    """Lock the client's report, recover what an interrupted run left, and start its build folder
    (deleted again if starting it fails, e.g. on a full disk)."""
    owner = lock.acquire()
    if owner is not None:
        log_line(
            f"{client.config.slug}: not run; another cxwb run of this client is in progress (pid {owner})"
        )
        return None
    for action in recover_stale(out_dir, client.config.slug):
        log_line(f"{client.config.slug}: {action}")
    build = out_dir / f".build-{client.config.slug}-{uuid.uuid4().hex[:8]}"
    build.mkdir()
    try:
        _seed_build(build, out_dir / client.config.slug, steps)
        save_validated(client, build)  # validated once: every step reads it instead of validating again
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    return ClientRun(client, build, dt.datetime.now())


def run(
    client_names: list[str],
    out_dir: Path,
    jobs: int = 1,
    step_names: list[str] | None = None,
    timeout: int = DEFAULT_TIMEOUT,
    cuts: list[str] | None = None,
    pdf: bool = False,
    pptx: bool = False,
    pool: WorkerPool | None = None,
    paper: str = "a4",
) -> int:
    """Run the selected steps for every client and return the exit code: 0 when everything
    succeeded, 1 when a step failed or timed out or a report (or its PDF) could not be written, 2
    when a client's input does not validate (or a cut names no field or value of it).

    With ``pdf``, each client's bundle is also printed to ``<slug>-report.pdf`` beside it, on
    landscape ``paper`` (``a4`` or ``a3``, :mod:`cxlib.render.pdf`); with ``pptx``, its executive
    summary is written to ``<slug>-summary.pptx`` (:mod:`cxlib.render.slides`).

    Each client also runs once per cut (``cuts`` and its ``client.yaml`` ``cuts:``) into
    ``<out>/<slug>--<cut>/``, every step computed on the filtered tables (:mod:`cxlib.inputs.cuts`).

    ``pool`` is a worker pool already started by :class:`cxlib.run.execute.WorkerPool` (the command
    line's); without it, the run starts its own of ``jobs`` workers, at most one per core and per
    job (:func:`cxlib.run.execute.worker_count`). Either way the run shuts it down. A step whose
    worker process dies is marked failed; the steps the dead pool took with it run again on new
    workers.

    Raises
    ------
    CxError
        For problems found before anything runs (unknown client or step, two clients with one
        slug, missing kernel, parameter mismatch, an output folder that cannot be written).
    """
    steps = select_steps(step_names)
    client_dirs = [resolve_client_dir(name) for name in client_names]
    check_unique_slugs(client_dirs)
    if pdf:
        check_printer()
    if pptx:
        check_slide_maker()
    out_dir = prepare_output(out_dir)
    try:
        write_shared_assets(out_dir)
    except OSError as error:
        raise CxError(
            f"cannot write {out_dir / ASSETS_DIR_NAME} ({error.strerror}); check the --out folder"
        ) from error
    if pool is None:  # kernels boot while the notebooks are inspected and clients validated
        log_line(ensure_kernel())
        jobs, note = worker_count(jobs, planned_jobs(client_dirs, len(steps), cuts or []))
        if note:
            log_line(note)
        pool = WorkerPool(jobs)
    state = _RunState()
    try:
        for step in steps:
            check_parameters(step)
        _execute(
            (
                [job for client_run in started for job in _client_jobs(client_run, steps, timeout)]
                for started in _start_clients(client_dirs, out_dir, steps, cuts or [], state)
            ),
            pool,
        )
        pool.shutdown()
        runs, any_failed = state.runs, state.any_failed
        slugs = [client_run.slug for client_run in runs]
        # a client whose baseline runs in this same call is finished after it, to compare with the new one
        runs.sort(key=lambda client_run: client_run.client.config.baseline in slugs)
        for client_run in runs:
            try:
                status, target = _finish_client(client_run, out_dir)
            except OSError as error:
                if error.errno in DISK_FULL:
                    raise  # a full output folder stops the run: one cxwb: line, exit 2 (below)
                log_line(
                    f"cxwb: {client_run.slug}: the report could not be written ({error.strerror}); "
                    "its previous report is unchanged"
                )
                any_failed = True
                continue
            any_failed |= status != "ok"
            log_line(f"{client_run.slug}: {status} → {target / 'index.html'}")
            if pdf:
                any_failed |= not _print_client(target, client_run.slug, client_run.client.config.name, paper)
            if pptx:
                any_failed |= not _slides_for_client(target, client_run)
        log_line(f"index of all clients: {write_all_clients_index(out_dir)}")
    except OSError as error:
        raise OutputFolderError(
            f"--out {out_dir}: writing failed ({error.strerror}); "
            "free space or fix permissions, then run again"
        ) from error
    finally:
        pool.stop()
        for client_run in state.runs:
            shutil.rmtree(client_run.build_dir, ignore_errors=True)
        for lock in state.locks:
            lock.release()
    return 2 if state.invalid else 1 if any_failed else 0


def _print_client(report_dir: Path, slug: str, client_name: str, paper: str) -> bool:
    """Print a published report's bundle to PDF beside it on ``paper`` (the client's name in every
    page's footer); log where, or why not."""
    started = time.perf_counter()
    try:
        path = print_pdf(
            report_dir / bundle_name(slug), report_dir / f"{slug}-report.pdf", client_name, paper
        )
    except (PdfError, OSError) as error:
        log_line(f"cxwb: {slug}: the PDF could not be written ({error}); the HTML report is unchanged")
        return False
    log_line(f"{slug}: PDF in {time.perf_counter() - started:.1f}s → {path}")
    return True


def _slides_for_client(report_dir: Path, client_run: ClientRun) -> bool:
    """Write a published report's executive summary deck beside it; log where, or why not."""
    started = time.perf_counter()
    client = client_run.client
    try:
        path = write_summary(
            report_dir,
            client_run.slug,
            client.config.name,
            client.translator(),
            client_run.brand,
            client_run.started,
        )
    except (SlidesError, OSError) as error:
        reason = f"the slides could not be written ({error}); the HTML report is unchanged"
        log_line(f"cxwb: {client_run.slug}: {reason}")
        return False
    log_line(f"{client_run.slug}: slides in {time.perf_counter() - started:.1f}s → {path}")
    return True


@dataclass
class _RunState:
    """What validating and starting the clients of one ``cxwb run`` has produced so far."""

    runs: list[ClientRun] = field(default_factory=list)
    locks: list[ClientLock] = field(default_factory=list)
    invalid: bool = False
    any_failed: bool = False


def _start_clients(
    client_dirs: list[Path], out_dir: Path, steps: tuple[Step, ...], cuts: list[str], state: _RunState
) -> Iterator[list[ClientRun]]:
    """Validate each client in turn and start its runs (the whole client and each cut), yielding them
    client by client, so that a client's steps run while the next client is validated."""
    for client_dir in client_dirs:
        client, problems = check_client(client_dir)
        if problems:
            log_line(str(ValidationError(str(client_dir), problems)))
            log_line(f"{client_dir.name}: not run; its previous report, if any, is unchanged")
            state.invalid = True
            continue
        variants, cut_problems = _cut_variants(client, [*client.config.cuts, *cuts])
        for problem in cut_problems:
            log_line(f"cxwb: {problem}")
        state.invalid |= bool(cut_problems)
        whole, started = None, []
        for variant, cut in variants:
            lock = ClientLock(out_dir, variant.config.slug)
            if any(taken.path == lock.path for taken in state.locks):  # never our own lock
                log_line(
                    f"cxwb: {variant.config.slug}: not run; another client or cut of this run writes "
                    "that report folder; give the client a slug of its own in client.yaml"
                )
                state.invalid = True
                continue
            state.locks.append(lock)
            client_run = _start_client(variant, out_dir, steps, lock)
            state.any_failed |= client_run is None
            if client_run is None:
                continue
            client_run.cut = cut
            if not cut:
                whole = client_run
            elif whole is not None:
                whole.cuts.append((variant.config.name, variant.config.slug))
            state.runs.append(client_run)
            started.append(client_run)
        yield started


def _cut_variants(client: Client, cuts: list[str]) -> tuple[list[tuple[Client, str]], list[CutError]]:
    """The whole client, then one filtered copy per distinct cut; cuts that name no field or value
    of the client are returned as errors instead.

    Cuts naming one field and value in different words (``segment=Prepaid`` and
    ``segment=PREPAID``, ``Segmento=PyME`` and ``segment=pyme``) are one cut: it runs once, under
    the first of them, and a log line says so.
    """
    variants, problems, named = [(client, "")], [], {}
    for text in dict.fromkeys(cuts):
        try:
            cut = resolve_cut(client, text)
        except CutError as error:
            problems.append(error)
            continue
        if cut in named:
            log_line(
                f"{client.config.slug}: --cut {text!r} is the cut {named[cut]!r} ({cut.label}); "
                f"it runs once, into {client.config.slug}--{cut.slug}"
            )
            continue
        named[cut] = text
        variants.append((apply_cut(client, cut), text))
    return variants, problems


def _client_jobs(client_run: ClientRun, steps: tuple[Step, ...], timeout: int) -> list[tuple[ClientRun, Job]]:
    """One job per step whose inputs the client has; absent inputs get a "skipped" page."""
    config = client_run.client.config
    pending = []
    for step in steps:
        missing = [name for name in step.requires if not client_run.client.has(name)]
        if missing:
            client_run.results[step.name] = StepResult(step.name, "skipped", missing=missing)
            _write_skipped_page(client_run, step, missing)
            continue
        job = Job(
            config.slug,
            str(client_run.client.directory),
            config.language,
            config.locale,
            config.name,
            step.name,
            str(step.notebook),
            str(client_run.build_dir),
            timeout,
            client_run.cut,
            client_run.brand,
        )
        pending.append((client_run, job))
    return pending


def _execute(batches: Iterable[list[tuple[ClientRun, Job]]], pool: WorkerPool) -> None:
    """Run the jobs on the pool's workers, with one progress bar and one log line per job.

    Jobs come in batches, one per validated client: taking the next batch (validating the next
    client) happens while the workers run the jobs already given. A job starts once the steps it
    reads results from (``Step.after``) have finished for its client; a free worker takes, of the
    jobs that may start, the one heading the longest chain of waiting steps
    (:func:`cxlib.steps.chain_length`; critical path first, Kelley & Walker 1959), earliest client
    first among equals, so that no worker idles at the end while another runs a long chain alone.

    A job whose worker process dies is failed; a job the broken pool terminated with it (or that it
    had not started) waits again, once (:meth:`cxlib.run.execute.WorkerPool.died_running`).
    """
    batches = iter(batches)
    waiting, finished, running, exporting, depends, retried = [], set(), {}, {}, {}, set()
    scheduled: dict[tuple[str, str], ClientRun] = {}
    more = True

    def baseline_steps(item: tuple[ClientRun, Job]) -> set[tuple[str, str]]:
        """The steps of its client's baseline it reads that this call runs too."""
        client_run, job = item
        baseline = client_run.client.config.baseline
        wanted = STEP_BY_NAME[job.step].after_baseline if baseline else ()
        return {(baseline, name) for name in wanted} & set(scheduled)

    def may_start(item: tuple[ClientRun, Job]) -> bool:
        """Its client's earlier steps are done, and so are its baseline's when the baseline runs in
        this call too (known once every client is scheduled)."""
        client_run, job = item
        if not depends[job] <= finished:
            return False
        if not (client_run.client.config.baseline and STEP_BY_NAME[job.step].after_baseline):
            return True
        return not more and baseline_steps(item) <= finished

    with tqdm(total=0, unit="job", file=sys.stderr) as bar, ThreadPoolExecutor(1) as exporter:
        while more or waiting or running or exporting:
            ready = [item for item in waiting if may_start(item)]
            ready.sort(key=lambda item: -chain_length(item[1].step))  # stable: earlier clients first
            for item in ready[: max(0, pool.size - len(running))]:
                waiting.remove(item)
                baseline = baseline_steps(item)
                if baseline:  # the job reads this call's build of its baseline
                    build = scheduled[next(iter(baseline))].build_dir
                    write_text_atomic(Path(item[1].build_dir) / BASELINE_BUILD_NAME, str(build))
                running[pool.submit_step(*item[1].execution)] = item
            if more:
                batch = next(batches, None)
                more = batch is not None
                own = {(job.slug, job.step) for _, job in batch or []}
                scheduled |= {(job.slug, job.step): client_run for client_run, job in batch or []}
                for item in batch or []:
                    depends[item[1]] = {
                        (item[1].slug, name) for name in STEP_BY_NAME[item[1].step].after
                    } & own
                waiting += batch or []
                bar.total += len(batch or [])
                bar.refresh()
                continue
            done, _ = wait([*running, *exporting], return_when=FIRST_COMPLETED)
            for future in done:
                if future in running:  # executed: its dependents may start while its page is exported
                    client_run, job = running.pop(future)
                    result = _step_result(future, job, pool, retried)
                    if result is None:
                        waiting.append((client_run, job))
                        continue
                    finished.add((job.slug, job.step))
                    exporting[exporter.submit(export_step, job, result)] = (client_run, job)
                    continue
                client_run, job = exporting.pop(future)
                result = client_run.results[job.step] = future.result()
                detail = f" ({result.error})" if result.error else ""
                log_line(f"{job.slug} {job.step}: {result.status} in {result.seconds:.1f}s{detail}")
                bar.update()


def _step_result(future: Future, job: Job, pool: WorkerPool, retried: set[Job]) -> StepResult | None:
    """The result of a job the pool ran; ``None`` when the job is to run again: a worker's death
    broke the pool and terminated this job with it (each job runs again once at most)."""
    try:
        return future.result()
    except BrokenProcessPool:
        if not pool.died_running(future) and job not in retried:
            retried.add(job)
            return None
    return StepResult(
        job.step,
        "failed",
        error="its worker process died (killed, or out of memory); the other steps went on; run it again",
        parameters=job.parameters,
    )

"""The ``cxwb`` command line: ``new``, ``map``, ``validate``, ``run``, ``watch``, ``alerts`` and ``lab``.

Every :class:`~cxlib.core.exceptions.CxError` is printed as a message with what to do, and the
command exits with its code (2 for bad input); no traceback reaches the user for bad input.
"""

from __future__ import annotations

import argparse
import math
import re
import signal
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

from cxlib.core.exceptions import CxError
from cxlib.core.paths import DEFAULT_REPORTS_DIR, resolve_client_dir
from cxlib.inputs.industries import INDUSTRIES

#: The longest ``--timeout`` and ``--every``, in seconds: a day (longer is a mistyped value).
MAX_SECONDS = 86_400


class UsageError(CxError):
    """The command line itself is wrong: an unknown option, a missing argument, a bad value."""


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors raised as :class:`UsageError` (one ``cxwb:`` line, exit 2)
    instead of printed under the usage text; ``--help`` still prints the usage."""

    def error(self, message: str) -> None:
        raise UsageError(f"{message}; see '{self.prog} --help'")


def positive_int(text: str) -> int:
    """``--jobs``: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return value


def timeout_seconds(text: str) -> int:
    """``--timeout``: whole seconds, 1 to :data:`MAX_SECONDS`."""
    value = positive_int(text)
    if value > MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_SECONDS} seconds (a day), not {text!r}")
    return value


def poll_seconds(text: str) -> float:
    """``--every``: seconds, a finite number above 0 and at most :data:`MAX_SECONDS`."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value <= MAX_SECONDS:  # also refuses nan
        raise argparse.ArgumentTypeError(
            f"must be a number of seconds above 0 and at most {MAX_SECONDS} (a day), not {text!r}"
        )
    return value


def cut_text(text: str) -> str:
    """``--cut``: ``FIELD=VALUE``, both given (which field and value exist is checked per client)."""
    if not re.fullmatch(r"[^=]+=.+", text.strip()):
        raise argparse.ArgumentTypeError(f"{text!r} is not FIELD=VALUE; write e.g. --cut segment=PyME")
    return text


def scheduler_address(text: str) -> str:
    """``--scheduler``: ``local``, or a scheduler's ``tcp://HOST:PORT`` with a port in 1..65535."""
    from cxlib.run.cluster import LOCAL_SCHEDULER

    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError:  # not a number, or out of range
        port = None
    if text != LOCAL_SCHEDULER and (
        parts.scheme != "tcp" or not parts.hostname or not port or parts.path or parts.query
    ):
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither a Dask scheduler's tcp://HOST:PORT (e.g. tcp://10.0.0.5:8786) nor "
            f"'{LOCAL_SCHEDULER}'"
        )
    return text


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cxwb", description="Customer-experience strategy workbook.")
    commands = parser.add_subparsers(dest="command", required=True)
    new = commands.add_parser("new", help="scaffold a client folder that validates")
    new.add_argument("folder", type=Path)
    new.add_argument("--language", choices=("es", "en"), default="es", help="report language (default: es)")
    new.add_argument(
        "--industry",
        choices=INDUSTRIES,
        default="generic",
        help="whose example rows to write: a trade's, or neutral ones (default: generic)",
    )
    survey_map = commands.add_parser(
        "map", help="print a starting survey: mapping for client.yaml, guessed from a survey export"
    )
    survey_map.add_argument(
        "export", type=Path, help="a .csv (plain or Qualtrics), .xlsx, .parquet, .sav or .dta file"
    )
    validate = commands.add_parser("validate", help="check a client folder and list every problem")
    validate.add_argument("client", help="a client folder, or the slug of a demo client")
    run = commands.add_parser("run", help="run the method's notebooks and write HTML reports")
    run.add_argument("clients", nargs="+", help="client folders or demo slugs")
    run.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_REPORTS_DIR,
        help=f"output folder (default: {DEFAULT_REPORTS_DIR})",
    )
    run.add_argument(
        "--jobs",
        type=positive_int,
        default=1,
        help="parallel worker processes, at most one per core and per step to run (default: 1)",
    )
    run.add_argument("--steps", nargs="+", help="only these steps (e.g. 00_overview or 00)")
    run.add_argument(
        "--cut",
        type=cut_text,
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="also write a report on one segment only, e.g. --cut segment=PyME (repeatable)",
    )
    run.add_argument(
        "--pdf",
        action="store_true",
        help="also print each client's report to <slug>-report.pdf (A4, through the system Chromium)",
    )
    run.add_argument(
        "--paper",
        choices=("a4", "a3"),
        default="a4",
        help="the landscape paper --pdf prints on (default: a4; on a3 the journey map prints on one page)",
    )
    run.add_argument(
        "--pptx",
        action="store_true",
        help="also write each client's executive summary to <slug>-summary.pptx (charts drawn by "
        "kaleido through the system Chromium)",
    )
    run.add_argument(
        "--per-unit",
        action="store_true",
        help="also write one short page per unit (branch, store, hotel) into <out>/<slug>/units/: its "
        "league position with rank interval, its metrics against the network, its comments' themes",
    )
    run.add_argument(
        "--scheduler",
        type=scheduler_address,
        metavar="ADDRESS",
        help="run each client as a task on a Dask cluster: its scheduler's tcp://HOST:PORT, or 'local' "
        "for a local cluster of --jobs workers (--out and the client folders must be shared storage); "
        "a scheduler that does not answer as Dask within 10 s is an error",
    )
    run.add_argument(
        "--timeout",
        type=timeout_seconds,
        default=900,
        help="seconds one cell of a step may run before the step is marked timed out, 1 to "
        f"{MAX_SECONDS} (default: 900)",
    )
    watch = commands.add_parser(
        "watch", help="monitor a client's touchpoint measurements as they arrive and deliver alerts"
    )
    watch.add_argument("client", help="a client folder, or the slug of a demo client")
    watch.add_argument(
        "--every",
        type=poll_seconds,
        default=5.0,
        help=f"seconds between looks for new measurements, above 0 and at most {MAX_SECONDS} (default: 5)",
    )
    watch.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_REPORTS_DIR,
        help=f"output folder (default: {DEFAULT_REPORTS_DIR})",
    )
    watch.add_argument(
        "--no-refresh", action="store_true", help="do not re-run the journey page when alerts change"
    )
    alerts = commands.add_parser("alerts", help="list a client's alerts; acknowledge or close one")
    alerts.add_argument("client", help="a client folder, or the slug of a demo client")
    alerts.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_REPORTS_DIR,
        help=f"output folder (default: {DEFAULT_REPORTS_DIR})",
    )
    action = alerts.add_mutually_exclusive_group()
    action.add_argument("--ack", metavar="ID", help="record that someone took this alert on")
    action.add_argument("--close", metavar="ID", help="record that this alert is resolved")
    alerts.add_argument(
        "--by", metavar="NAME", help="who acknowledges or closes it (required with --ack/--close)"
    )
    alerts.add_argument("--note", metavar="TEXT", help="what was done or decided")
    alerts.add_argument("--all", action="store_true", help="list closed alerts too")
    lab = commands.add_parser(
        "lab", help="open JupyterLab on the step notebooks for one client, with the workbook's kernel"
    )
    lab.add_argument(
        "client",
        nargs="?",
        default="demo",
        help="a client folder, or the slug of a demo client (default: demo)",
    )
    lab.add_argument(
        "--port", type=positive_int, help="the server's port (default: 8888 or the next free one)"
    )
    lab.add_argument(
        "--no-browser", action="store_true", help="do not open a browser; print the lab's address"
    )
    return parser


def _lab(arguments: argparse.Namespace) -> int:
    """Replace this process by JupyterLab (:func:`cxlib.run.lab.lab_command`), so Ctrl-C stops it."""
    import os

    from cxlib.run.execute import ensure_kernel
    from cxlib.run.lab import lab_command

    client_dir = resolve_client_dir(arguments.client)
    print(ensure_kernel(), file=sys.stderr)
    argv, environment = lab_command(client_dir, arguments.port, browser=not arguments.no_browser)
    print(f"cxwb lab: every step notebook opens {client_dir} (CXWB_CLIENT)", file=sys.stderr)
    sys.stderr.flush()
    os.execve(argv[0], argv, environment)
    return 0  # not reached: JupyterLab replaced this process


def _watch(arguments: argparse.Namespace) -> int:
    from cxlib.run.watch import Watcher

    watcher = Watcher(resolve_client_dir(arguments.client), arguments.out, render=not arguments.no_refresh)
    return watcher.run(every=arguments.every)


def _alerts(arguments: argparse.Namespace) -> int:
    from cxlib.run.alerts import acknowledge, list_alerts

    client_dir = resolve_client_dir(arguments.client)
    chosen = arguments.ack or arguments.close
    if chosen:
        if not arguments.by:
            raise CxError("--by NAME is required with --ack or --close: the log records who did it")
        print(
            acknowledge(
                client_dir,
                arguments.out,
                chosen,
                "acknowledged" if arguments.ack else "closed",
                arguments.by,
                arguments.note,
            )
        )
        return 0
    print(list_alerts(client_dir, arguments.out, include_closed=arguments.all))
    return 0


def _validate(client: str) -> int:
    from cxlib.inputs.client import check_client

    client_dir = resolve_client_dir(client)
    _, problems = check_client(client_dir)
    for problem in problems:
        print(problem)
    if problems:
        print(
            f"{client_dir}: {len(problems)} problem(s); fix them and run 'cxwb validate' again",
            file=sys.stderr,
        )
        return 2
    print(f"{client_dir}: OK")
    return 0


def _run(clients: list[str], out: Path, options: dict) -> int:
    """``cxwb run`` on this machine. Its workers and their kernels start before the runner and the
    workbook are imported (:mod:`cxlib.run.execute`), so the kernels load the workbook on the core
    the import leaves free; a mistyped client or step is refused before anything starts."""
    from cxlib.run.execute import WorkerPool, ensure_kernel, planned_jobs, worker_count
    from cxlib.steps import select_steps

    steps = select_steps(options["step_names"])
    client_dirs = [resolve_client_dir(client) for client in clients]
    if options["pdf"]:
        from cxlib.render.pdf import check_printer

        check_printer()
    print(ensure_kernel(), file=sys.stderr)
    options["jobs"], note = worker_count(
        options["jobs"], planned_jobs(client_dirs, len(steps), options["cuts"])
    )
    if note:
        print(note, file=sys.stderr)
    pool = WorkerPool(options["jobs"])
    try:
        from cxlib.run.runner import run

        return run(clients, out, pool=pool, **options)
    finally:
        pool.stop()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``cxwb`` and ``python -m cxlib``; returns the exit code.

    A termination signal (``kill``, or a Dask worker dying under a ``--scheduler`` task) stops the
    command as Ctrl-C does: builds and locks are cleaned up, kernels shut down, reports unchanged.
    """
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        return _command(argv)
    finally:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, previous)


def _command(argv: list[str] | None) -> int:
    try:
        arguments = _parser().parse_args(argv)
        if arguments.command == "new":
            from cxlib.inputs.scaffold import scaffold_client

            written = scaffold_client(arguments.folder, arguments.language, arguments.industry)
            print(
                f"created {arguments.folder} with {len(written)} files; edit them, then run: cxwb validate "
                f"{arguments.folder}"
            )
            return 0
        if arguments.command == "map":
            from cxlib.inputs.survey_map import guess_mapping

            print(guess_mapping(arguments.export), end="")
            return 0
        if arguments.command == "validate":
            return _validate(arguments.client)
        if arguments.command == "watch":
            return _watch(arguments)
        if arguments.command == "alerts":
            return _alerts(arguments)
        if arguments.command == "lab":
            return _lab(arguments)
        options = {
            "jobs": arguments.jobs,
            "step_names": arguments.steps,
            "timeout": arguments.timeout,
            "cuts": arguments.cut,
            "pdf": arguments.pdf,
            "paper": arguments.paper,
            "pptx": arguments.pptx,
        }
        if arguments.scheduler:
            from cxlib.run.cluster import run_on_cluster

            code = run_on_cluster(arguments.clients, arguments.out, arguments.scheduler, **options)
        else:
            code = _run(arguments.clients, arguments.out, options)
        if arguments.per_unit and code != 2:
            from cxlib.run.per_unit import write_unit_pages

            for name in arguments.clients:
                count, seconds, index = write_unit_pages(
                    name, arguments.out, arguments.jobs, arguments.scheduler
                )
                print(f"{name}: {count} unit pages in {seconds:.1f} s → {index}")
        return code
    except CxError as error:
        print(f"cxwb: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("cxwb: interrupted; reports from before this run are unchanged", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

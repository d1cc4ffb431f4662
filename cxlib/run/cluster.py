"""Batches beyond one machine: ``cxwb run CLIENTS... --scheduler tcp://HOST:PORT`` (or ``local``) on Dask.

Each client is one task on a ``dask.distributed`` cluster (https://distributed.dask.org). The task
runs ``cxwb run`` for that client, with one worker process, on whichever worker gets it, so
validation, kernels, the build folder, its atomic swap into ``<out>/<slug>/``, the per-client lock
and the manifest are exactly those of a local run; its log lines come back with its result and
are printed here as each client finishes, under one progress bar. ``--scheduler local`` starts a
``LocalCluster`` of ``--jobs`` worker processes on this machine.

The output folder and the client folders must be shared storage that every worker sees at the
same path (an NFS or SMB mount, say): before anything is sent, every worker is asked to read a
probe file written to ``--out`` and each client's ``client.yaml``, and the run is refused, naming
the workers that cannot, when one of them cannot.

A remote scheduler is first asked who it is, over Dask's own protocol, with everything bounded by
:data:`CONNECT_TIMEOUT`: a port where nothing answers, something that answers without being Dask
(a web server, a stream of random bytes, whose length field would have Dask try to allocate
exabytes) or a Dask process that is not a scheduler is refused with one message, before a
``distributed.Client`` (whose handshake waits without a time limit) is made.

A worker that dies takes its client with it: that client is marked failed (its previous report is
unchanged: the swap never happened; the next run of it clears what was left) and the others
finish. A local cluster never retries a task whose worker died; a remote scheduler retries it up
to its ``distributed.scheduler.allowed-failures`` (then the client fails the same way).
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

from tqdm import tqdm

from cxlib.core.exceptions import CxError
from cxlib.core.paths import CLIENT_CONFIG_NAME, resolve_client_dir
from cxlib.inputs.config import load_config
from cxlib.run.execute import worker_count
from cxlib.run.output import prepare_output
from cxlib.run.runner import DEFAULT_TIMEOUT, check_unique_slugs, log_line, write_all_clients_index
from cxlib.steps import select_steps

LOCAL_SCHEDULER = "local"
#: Seconds a remote scheduler has to accept the connection and answer as a Dask scheduler.
CONNECT_TIMEOUT = 10.0


class ClusterError(CxError):
    """The scheduler cannot be reached, or its workers cannot see the folders they need."""


def _die_with_parent() -> None:
    """In the task's ``cxwb run`` child: be terminated when the worker process dies (Linux)."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def run_client_task(arguments: list[str]) -> tuple[int, list[str]]:
    """On a worker: ``cxwb run`` one client; return its exit code and its log lines."""
    finished = subprocess.run(
        [sys.executable, "-m", "cxlib", "run", *arguments],
        capture_output=True,
        text=True,
        env=os.environ | {"TQDM_DISABLE": "1"},
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
    )
    lines = [
        line
        for line in finished.stderr.splitlines()
        if line.strip() and not line.startswith(("index of all clients:", "kernel '"))
    ]  # the index is written once, by the submitting process
    return finished.returncode, lines


def _sees(probe: str, token: str, client_dirs: list[str]) -> list[str]:
    """On a worker: the paths it cannot see (the probe in ``--out`` with its token, each client.yaml)."""
    missing = []
    try:
        if Path(probe).read_text(encoding="ascii") != token:
            missing.append(probe)
    except OSError:
        missing.append(probe)
    missing += [folder for folder in client_dirs if not (Path(folder) / CLIENT_CONFIG_NAME).is_file()]
    return missing


def check_shared_storage(dask_client, out_dir: Path, client_dirs: list[Path]) -> None:
    """Refuse the run unless every worker sees ``out_dir`` and every client folder at the same path.

    Raises
    ------
    ClusterError
        Naming each worker and what it cannot see.
    """
    token = uuid.uuid4().hex
    probe = out_dir / f".probe-{token}"
    probe.write_text(token, encoding="ascii")
    try:
        answers = dask_client.run(_sees, str(probe), token, [str(folder) for folder in client_dirs])
    finally:
        probe.unlink(missing_ok=True)
    if not answers:
        raise ClusterError("the scheduler has no workers; start some with 'dask worker ADDRESS'")
    blind = {worker: missing for worker, missing in answers.items() if missing}
    if blind:
        described = "; ".join(
            f"{worker} cannot see {', '.join(paths)}" for worker, paths in sorted(blind.items())
        )
        raise ClusterError(
            "the workers must see --out and the client folders at the same paths (shared storage): "
            + described
        )


async def _identify(scheduler: str) -> str:
    """Connect to ``scheduler`` with Dask's handshake and return the type of Dask process answering."""
    from distributed.comm import connect

    comm = await connect(scheduler, timeout=CONNECT_TIMEOUT)
    try:
        await comm.write({"op": "identity", "reply": True})
        identity = await comm.read()
    finally:
        comm.abort()
    # "Scheduler", "Worker", "Nanny"…
    return identity.get("type", "process") if isinstance(identity, dict) else "process"


def unreachable(scheduler: str, reason: str) -> ClusterError:
    """The error for a ``--scheduler`` where no Dask scheduler can be used, saying why."""
    return ClusterError(
        f"--scheduler {scheduler}: cannot reach a Dask scheduler there ({reason}); start one with "
        "'dask scheduler' and give its tcp://HOST:PORT, or use --scheduler local"
    )


def check_scheduler(scheduler: str) -> None:
    """Make sure a Dask scheduler answers at ``scheduler`` within :data:`CONNECT_TIMEOUT` seconds.

    Raises
    ------
    ClusterError
        When nothing accepts the connection there, nothing answers in time, or what answers is not a
        Dask scheduler.
    """
    try:
        answering = asyncio.run(asyncio.wait_for(_identify(scheduler), CONNECT_TIMEOUT))
        reason = None if answering == "Scheduler" else f"a Dask {answering} answers there, not a scheduler"
    except TimeoutError:
        reason = f"nothing answered as one within {CONNECT_TIMEOUT:g} s"
    except OSError as error:  # refused, unreachable, closed (distributed's CommClosedError)
        reason = str(error)
    except Exception:  # whatever Dask's decoder makes of bytes that are not Dask's protocol
        reason = "what answers there does not speak Dask's protocol"
    if reason:
        raise unreachable(scheduler, reason)


def _connect(scheduler: str, jobs: int):
    """A ``distributed.Client`` on the scheduler (checked first), or on a new local cluster of
    ``jobs`` workers."""
    import dask
    from distributed import Client as DaskClient
    from distributed import LocalCluster

    if scheduler == LOCAL_SCHEDULER:
        with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
            cluster = LocalCluster(
                n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None
            )
        return DaskClient(cluster), cluster
    check_scheduler(scheduler)
    try:
        return DaskClient(scheduler, timeout=CONNECT_TIMEOUT), None
    except (OSError, TimeoutError, ValueError) as error:  # it went away since it answered
        raise unreachable(scheduler, str(error)) from error


def run_on_cluster(
    client_names: list[str],
    out_dir: Path,
    scheduler: str,
    jobs: int = 1,
    step_names: list[str] | None = None,
    timeout: int = DEFAULT_TIMEOUT,
    cuts: list[str] | None = None,
    pdf: bool = False,
    pptx: bool = False,
    paper: str = "a4",
) -> int:
    """Run every client as one task on the Dask cluster (with ``pdf`` and ``pptx``, its PDF, on
    ``paper``, and slides made there too);
    return the exit code of a local run (0 all succeeded, 1 a step or client failed, 2 a client's
    input does not validate).

    Raises
    ------
    CxError
        For what is wrong before anything runs: an unknown client or step, two clients with one
        slug, an unreachable scheduler, workers that cannot see the folders.
    """
    select_steps(step_names)  # an unknown step is an error before anything is sent
    client_dirs = [resolve_client_dir(name) for name in client_names]
    check_unique_slugs(client_dirs)
    out_dir = prepare_output(out_dir)
    options = ["--out", str(out_dir), "--jobs", "1", "--timeout", str(timeout)]
    options += ["--steps", *step_names] if step_names else []
    for cut in cuts or []:
        options += ["--cut", cut]
    options += ["--pdf", "--paper", paper] if pdf else []
    options += ["--pptx"] if pptx else []
    if scheduler == LOCAL_SCHEDULER:  # one client is one task: more workers than clients idle
        jobs, note = worker_count(jobs, len(client_dirs))
        if note:
            log_line(note)
    dask_client, cluster = _connect(scheduler, jobs)
    codes = []
    try:
        check_shared_storage(dask_client, out_dir, client_dirs)
        workers = len(dask_client.scheduler_info()["workers"])
        log_line(f"scheduler {dask_client.scheduler.address}: {workers} worker(s)")
        futures = {
            dask_client.submit(
                run_client_task,
                [str(folder), *options],
                key=f"cxwb-{folder.name}-{uuid.uuid4().hex[:8]}",
                pure=False,
            ): folder
            for folder in client_dirs
        }
        from distributed import as_completed

        with tqdm(total=len(futures), unit="client", file=sys.stderr) as bar:
            for future in as_completed(futures):
                folder = futures[future]
                try:
                    code, lines = future.result()
                except Exception as error:  # the worker died (KilledWorker) or was lost
                    config, _ = load_config(folder)
                    slug = config.slug if config else folder.name
                    code, lines = (
                        1,
                        [
                            f"{slug}: failed: its worker was lost ({type(error).__name__}); "
                            "its previous report is unchanged; run it again"
                        ],
                    )
                for line in lines:
                    log_line(line)
                codes.append(code)
                bar.update()
        log_line(f"index of all clients: {write_all_clients_index(out_dir)}")
    finally:
        dask_client.close()
        if cluster is not None:
            cluster.close()
    return 2 if 2 in codes else 1 if any(codes) else 0

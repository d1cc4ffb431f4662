"""Bad command lines: every bad option or argument of every subcommand is one ``cxwb:`` line on stderr
and exit 2, decided by argparse before anything runs (issue 26)."""

from __future__ import annotations

import pytest

from cxlib.cli import main
from cxlib.run.cluster import CONNECT_TIMEOUT
from cxlib.run.execute import available_cores, worker_count

BAD_COMMAND_LINES = {
    "no command": [],
    "unknown command": ["frobnicate"],
    "unknown option": ["run", "demo", "--bogus"],
    "run without clients": ["run"],
    "--jobs 0": ["run", "demo", "--jobs", "0"],
    "--jobs negative": ["run", "demo", "--jobs", "-3"],
    "--jobs not a number": ["run", "demo", "--jobs", "two"],
    "--jobs fraction": ["run", "demo", "--jobs", "1.5"],
    "--jobs without value": ["run", "demo", "--jobs"],
    "--timeout 0": ["run", "demo", "--timeout", "0"],
    "--timeout negative": ["run", "demo", "--timeout", "-1"],
    "--timeout nan": ["run", "demo", "--timeout", "nan"],
    "--timeout inf": ["run", "demo", "--timeout", "inf"],
    "--timeout beyond a day": ["run", "demo", "--timeout", "99999999999999999999"],
    "--steps without value": ["run", "demo", "--steps"],
    "--cut without =": ["run", "demo", "--cut", "segment"],
    "--cut without value": ["run", "demo", "--cut", "segment="],
    "--cut without field": ["run", "demo", "--cut", "=PyME"],
    "--scheduler foo": ["run", "demo", "--scheduler", "foo"],
    "--scheduler tcp://": ["run", "demo", "--scheduler", "tcp://"],
    "--scheduler no port": ["run", "demo", "--scheduler", "tcp://host"],
    "--scheduler port not a number": ["run", "demo", "--scheduler", "tcp://host:notaport"],
    "--scheduler port 0": ["run", "demo", "--scheduler", "tcp://host:0"],
    "--scheduler port too big": ["run", "demo", "--scheduler", "tcp://host:70000"],
    "--scheduler http": ["run", "demo", "--scheduler", "http://host:8786"],
    "--every 0": ["watch", "demo", "--every", "0"],
    "--every negative": ["watch", "demo", "--every", "-5"],
    "--every nan": ["watch", "demo", "--every", "nan"],
    "--every inf": ["watch", "demo", "--every", "inf"],
    "--every not a number": ["watch", "demo", "--every", "often"],
    "--every beyond a day": ["watch", "demo", "--every", "1e300"],
    "watch without client": ["watch"],
    "new without folder": ["new"],
    "new with an unknown language": ["new", "somewhere", "--language", "fr"],
    "validate without client": ["validate"],
    "validate with two clients": ["validate", "demo", "northwind"],
    "alerts --ack and --close": ["alerts", "demo", "--ack", "a1", "--close", "a2"],
    "alerts without client": ["alerts"],
    "run --paper of an unknown size": ["run", "demo", "--pdf", "--paper", "letter"],
}


@pytest.mark.parametrize("arguments", BAD_COMMAND_LINES.values(), ids=BAD_COMMAND_LINES.keys())
def test_a_bad_command_line_is_one_cxwb_line_and_exit_2(arguments, capsys):
    code = main(arguments)
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert code == 2
    assert len(lines) == 1 and lines[0].startswith("cxwb: "), captured.err
    assert "Traceback" not in captured.err and "usage:" not in captured.err


def test_a_bad_value_says_what_is_wrong_and_where_help_is(capsys):
    assert main(["watch", "demo", "--every", "nan"]) == 2
    message = capsys.readouterr().err
    assert "--every" in message and "'nan'" in message and "cxwb watch --help" in message


def test_help_documents_the_scheduler_connect_timeout(capsys):
    with pytest.raises(SystemExit) as done:
        main(["run", "--help"])
    assert done.value.code == 0
    assert f"within {CONNECT_TIMEOUT:g} s" in " ".join(capsys.readouterr().out.split())


def test_workers_are_capped_at_the_cores_and_the_jobs_and_the_log_says_so():
    cores = available_cores()
    assert worker_count(100_000, 10**9) == (
        cores,
        f"--jobs 100000: using {cores} worker(s) ({cores} core(s))",
    )
    assert worker_count(100_000, 1) == (1, f"--jobs 100000: using 1 worker(s) ({cores} core(s), 1 job(s))")
    assert worker_count(1, 5) == (1, None)

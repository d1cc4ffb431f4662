"""``cxwb lab``: JupyterLab on the step notebooks, for one client, with the workbook's kernel.

The command line JupyterLab is started with (:func:`lab_command`) opens ``notebooks/``, makes the
``cxwb`` kernel the default (never ``python3``, which may not see the workbook), lists each step once
(the ``.py`` twin of every ``.ipynb`` is hidden from the file browser; jupytext still saves both
files of a pair, ``notebooks/jupytext.toml``), runs as root when the machine's user is root
(containers), and names the client in ``CXWB_CLIENT``, which a step notebook with an empty
``client_dir`` opens (:func:`cxlib.inputs.client.client_folder`).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

from cxlib.core.exceptions import EnvironmentSetupError
from cxlib.core.paths import NOTEBOOKS_DIR
from cxlib.inputs.client import CLIENT_ENV
from cxlib.run.execute import KERNEL_NAME

#: What the file browser hides: JupyterLab's own defaults, plus the ``.py`` twins of the notebooks.
HIDDEN_FILES = ("__pycache__", "*.pyc", "*.pyo", ".DS_Store", "*~", "*.so", "*.dylib", "*.py")


def lab_command(
    client_dir: Path, port: int | None = None, browser: bool = True
) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that start JupyterLab on the notebooks for ``client_dir``.

    Parameters
    ----------
    client_dir
        A validated client folder (:func:`cxlib.core.paths.resolve_client_dir`).
    port
        The server's port; ``None``: JupyterLab's default (8888, or the next free one).
    browser
        Open the system's browser on the lab.

    Raises
    ------
    EnvironmentSetupError
        When JupyterLab is not installed beside this interpreter.
    """
    jupyter = Path(sys.executable).with_name("jupyter")
    if not jupyter.is_file() or shutil.which("jupyter-lab", path=str(jupyter.parent)) is None:
        raise EnvironmentSetupError(
            f"JupyterLab is not installed for {sys.executable}; "
            "run: make install (or pip install -e '.[lab]')"
        )
    argv = [
        str(jupyter),
        "lab",
        f"--ServerApp.root_dir={NOTEBOOKS_DIR}",
        f"--MappingKernelManager.default_kernel_name={KERNEL_NAME}",
        f"--ContentsManager.hide_globs={json.dumps(list(HIDDEN_FILES))}",
    ]
    if port is not None:
        argv.append(f"--ServerApp.port={port}")
    if not browser:
        argv.append("--no-browser")
    if os.geteuid() == 0:
        argv.append("--allow-root")
    return argv, {**os.environ, CLIENT_ENV: str(client_dir)}

"""cx-workbook: a customer-experience strategy workbook.

The public API is small: :func:`cxlib.setup` (in notebooks), :func:`cxlib.load_client`
(in code), and :class:`cxlib.CxError`, the base of every user-facing error. ``setup`` is
imported on first use, so the command line starts without loading plotly.
"""

from cxlib.core.exceptions import CxError
from cxlib.inputs.client import load_client

__all__ = ["CxError", "load_client", "setup"]


def __getattr__(name: str):
    if name == "setup":
        from cxlib.render.report import setup

        return setup
    raise AttributeError(f"module 'cxlib' has no attribute {name!r}")

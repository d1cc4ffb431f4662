"""cx-workbook: a customer-experience strategy workbook.

The public API is small: :func:`cxlib.setup` (in notebooks), :func:`cxlib.load_client`
(in code), and :class:`cxlib.CxError`, the base of every user-facing error. ``setup`` and
``load_client`` are imported on first use, so the command line starts without loading plotly or
pandas (``cxwb run`` starts its notebook kernels before it loads them).
"""

import sys

# jsonschema (under nbformat and papermill) imports rfc3987_syntax when it is installed, as Jupyter's
# jsonschema[format-nongpl] extra installs it, to check "iri" formats; that import builds a parser
# and takes over a second at every start of cxwb and of every kernel. Nothing here checks IRIs, so
# jsonschema is told the module is absent and skips that one format check.
sys.modules.setdefault("rfc3987_syntax", None)

from cxlib.core.exceptions import CxError  # noqa: E402 (after the import guard above)

__all__ = ["CxError", "load_client", "setup"]


def __getattr__(name: str):
    if name == "setup":
        from cxlib.render.report import setup

        return setup
    if name == "load_client":
        from cxlib.inputs.client import load_client

        return load_client
    raise AttributeError(f"module 'cxlib' has no attribute {name!r}")

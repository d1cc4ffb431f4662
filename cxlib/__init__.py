"""cx-workbook: a customer-experience strategy workbook.

The public API is small: :func:`cxlib.setup` (in notebooks), :func:`cxlib.load_client`
(in code), and :class:`cxlib.CxError`, the base of every user-facing error.
"""
from cxlib.client import load_client
from cxlib.exceptions import CxError
from cxlib.report import setup

__all__ = ["CxError", "load_client", "setup"]

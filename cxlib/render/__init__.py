"""Reports out: the notebook-side report object (report), chart helpers (charts), nbconvert
export and templates (export), the results each step publishes (results) and the executive
summary built from them (summary). Imports :mod:`cxlib.core`, :mod:`cxlib.stats` and
:mod:`cxlib.inputs`.
"""

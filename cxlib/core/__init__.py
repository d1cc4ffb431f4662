"""The foundation every other package builds on: the method's fixed vocabulary (pillars, 9C,
archetypes, offices), its two languages (``catalogue.yaml``, Babel formatting), user-facing errors,
every path the workbook uses, and atomic file writes. Imports nothing else from ``cxlib``.
"""

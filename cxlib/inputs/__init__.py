"""A client folder in: ``client.yaml`` (config), reading tables (tables), the canonical columns
and their checks (schema), loading and validating a folder (client), scaffolding a new one
(scaffold), the self-assessment question bank and its workshop editor. Imports :mod:`cxlib.core`
and :mod:`cxlib.stats`.
"""

"""Statistics, independent of clients and reports: interval estimators, customer metrics (NPS,
CSAT, CES), driver analysis (relative weights), control charts for monitoring, and comment text
analysis. Imports only :mod:`cxlib.core`.
"""

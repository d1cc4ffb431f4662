"""``cxwb run``: validating clients, executing the step notebooks with papermill in worker
processes, exporting HTML, writing manifests and indexes, and swapping reports in atomically.
May import every other package; nothing imports it but the command line.
"""

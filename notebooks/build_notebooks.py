"""Write the step notebooks from their cell lists (run after editing; committed without outputs).

Keeping the cells here makes notebook diffs reviewable; ``tests/test_notebooks.py`` checks the
committed ``.ipynb`` files match this script, have no outputs and use the ``cxwb`` kernel.
"""
from __future__ import annotations

from pathlib import Path

import nbformat

KERNELSPEC = {"name": "cxwb", "display_name": "Python (cx-workbook)", "language": "python"}
PARAMETERS = 'client_dir = ""  # the client folder (set by cxwb run)\nreport_dir = ""  # where this run writes its files (set by cxwb run)'
NOTEBOOKS: dict[str, list[tuple[str, str]]] = {
    "00_overview": [
        ("markdown", "# 00 · Data profile\n\nConsultant notes (not shown in the report): the data appendix of every deliverable. "
                     "Run `cxwb validate` first; report text comes from `cxlib/catalogue.yaml`."),
        ("parameters", PARAMETERS),
        ("code", 'import cxlib\nfrom cxlib import profile\n\nreport = cxlib.setup(client_dir)\nclient, t = report.client, report.t\n'
                 'report.title("00_overview")\nreport.say("overview.intro")'),
        ("code", 'report.heading("overview.inventory_heading")\nreport.table(profile.inventory(client, t))'),
        ("code", 'report.heading("overview.survey_heading")\nif report.require("survey"):\n'
                 '    survey = client.tables["survey"]\n'
                 '    report.say("overview.survey_text", **profile.survey_facts(client, t))\n'
                 '    if "date" in survey:\n'
                 '        report.chart(profile.monthly_volume(survey["date"], survey.get("segment"), t("overview.survey_volume_title"), t("overview.axis.segment"), t))\n'
                 '    for column in ("segment", "channel"):\n'
                 '        if column in survey:\n'
                 '            report.chart(profile.share_chart(survey[column], t(f"overview.{column}_title"), t(f"overview.axis.{column}"), t))'),
        ("code", 'report.heading("overview.journey_heading")\nif report.require("journey"):\n    report.chart(profile.journey_chart(client, t))'),
        ("code", 'report.heading("overview.interactions_heading")\nif report.require("interactions"):\n'
                 '    report.say("overview.interactions_text", **profile.interactions_facts(client, t))\n'
                 '    report.chart(profile.monthly_volume(client.tables["interactions"]["timestamp"], profile.interactions_by_channel(client),\n'
                 '                                        t("overview.interactions_title"), t("overview.axis.channel"), t))'),
        ("code", 'report.heading("overview.employees_heading")\nif report.require("employees"):\n    report.chart(profile.employees_chart(client, t))'),
        ("code", 'report.heading("overview.missing_heading")\nmissing = profile.missing_chart(client, t)\n'
                 'report.chart(missing) if missing is not None else report.say("overview.no_missing")'),
    ],
}


def build(name: str, cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook(metadata={"kernelspec": KERNELSPEC, "language_info": {"name": "python"}})
    for index, (kind, source) in enumerate(cells):
        cell_id = f"{name.split('_')[0]}-{index:02d}"
        if kind == "markdown":
            notebook.cells.append(nbformat.v4.new_markdown_cell(source, id=cell_id))
        else:
            cell = nbformat.v4.new_code_cell(source, id=cell_id)
            if kind == "parameters":
                cell.metadata["tags"] = ["parameters"]
            notebook.cells.append(cell)
    return notebook


def main() -> None:
    for name, cells in NOTEBOOKS.items():
        nbformat.write(build(name, cells), Path(__file__).with_name(f"{name}.ipynb"))


if __name__ == "__main__":
    main()

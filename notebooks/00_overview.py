# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags
#     notebook_metadata_filter: kernelspec,-jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python (cx-workbook)
#     language: python
#     name: cxwb
# ---

# %% [markdown]
# # 00 · Data profile
#
# Consultant notes (not shown in the report): the data appendix of every deliverable. Run `cxwb validate`
# first; report text comes from `cxlib/catalogue.yaml`.

# %% tags=["parameters"]
client_dir = ""  # the client folder (set by cxwb run)
report_dir = ""  # where this run writes its files (set by cxwb run; empty: reports/<slug>/interactive/)
cut = ""  # one segment only (set by cxwb run --cut, e.g. segment and PyME); empty: the whole client

# %%
import cxlib
from cxlib.steps import overview

report = cxlib.setup(client_dir, report_dir, cut)
client, t, report_dir = report.client, report.t, report.report_dir
report.title("00_overview")
report.say("overview.intro")

# %%
report.heading("overview.inventory_heading")
report.table(overview.inventory(client, t))
report.consultant("overview.check.files", files=overview.source_files(client))
for reading in overview.scale_readings(client, t):
    report.consultant("overview.check.scale", **reading)

# %%
report.heading("overview.survey_heading")
if report.require("survey"):
    survey = client.tables["survey"]
    summary_key, facts = overview.survey_summary(client, t)
    report.say(summary_key, **facts)
    if "date" in survey:
        report.chart(
            overview.monthly_volume(
                survey["date"],
                survey.get("segment"),
                t("overview.survey_volume_title"),
                t("overview.axis.segment"),
                t,
            )
        )
    for column in (*client.segment_dimensions, "channel"):
        if column in survey:
            axis = t(f"overview.axis.{column}")
            title = t("overview.responses_by", group=t.inline(axis))
            report.chart(overview.share_chart(survey[column], title, axis, t))
    report.heading("overview.checks_heading", level=3, anchor="data-checks")
    report.say("overview.checks_text")
    report.table(overview.data_checks(client, t))
    report.heading("overview.coverage_heading", level=3)
    report.say("overview.coverage_text")
    report.table(overview.answer_coverage(client, t))

# %%
report.heading("overview.journey_heading")
if report.require("journey"):
    report.chart(overview.journey_chart(client, t))

# %%
report.heading("overview.interactions_heading")
if report.require("interactions"):
    report.say("overview.interactions_text", **overview.interactions_facts(client, t))
    report.chart(
        overview.monthly_volume(
            client.tables["interactions"]["timestamp"],
            overview.interactions_by_channel(client),
            t("overview.interactions_title"),
            t("overview.axis.channel"),
            t,
        )
    )

# %%
report.heading("overview.employees_heading")
if report.require("employees"):
    report.chart(overview.employees_chart(client, t))

# %%
report.heading("overview.missing_heading")
missing = overview.missing_chart(client, t)
report.chart(missing) if missing is not None else report.say("overview.no_missing")
report.end()

# %% [markdown]
# Explore, in JupyterLab only (never in the report): the filter bar recomputes this step's figures on the
# chosen segment, unit, channel, touchpoint or dates; click a bar or point to list what lies behind it.

# %%
from cxlib import explore

explore.explorer(report, "00_overview")

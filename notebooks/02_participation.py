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
# # 02 · Customer participation and connected experiences
#
# Consultant notes (not shown in the report): the ladder and next steps per touchpoint, connected-experience
# archetypes, the four myth checks and willingness to participate.

# %% tags=["parameters"]
client_dir = ""  # the client folder (set by cxwb run)
report_dir = ""  # where this run writes its files (set by cxwb run; empty: reports/<slug>/interactive/)
cut = ""  # one segment only (set by cxwb run --cut, e.g. segment and PyME); empty: the whole client

# %%
import cxlib
from cxlib.render import results
from cxlib.steps import participation

report = cxlib.setup(client_dir, report_dir, cut)
client, t, report_dir = report.client, report.t, report.report_dir
journey = client.tables["journey"]
report.title("02_participation")
report.say("participation.intro")

# %%
report.heading("participation.ladder_heading")
report.say("participation.ladder_text")
report.table(participation.ladder_table(t, participation.industry_key(client.config.industry)))
if "participation_level" in journey:
    steps = participation.recommendations(journey, t.language)
    report.chart(participation.ladder_chart(steps, t))
    counts = participation.step_counts(steps)
    report.say("participation.steps_summary", **counts)
    if counts["unfit"]:
        report.say("participation.steps_unfit", count=t.number(counts["unfit"]))
    report.table(participation.recommendation_table(steps, t))
    for status in ("not_assessed", "no_target", "unfit"):
        if touchpoints := participation.touchpoints_with(steps, status):
            report.consultant(f"participation.check.{status}", touchpoints=touchpoints)
else:
    report.caution("participation.no_levels")
    report.consultant("participation.check.no_levels")

# %%
report.heading("participation.connected_heading")
experiences = participation.connected_experiences(journey, t.language)
report.say("participation.connected_text", **participation.continuity_facts(experiences, t))
report.chart(participation.needs_matrix_chart(experiences, t))

# %%
report.heading("participation.myths_heading", anchor="myths")
report.say("participation.myths_text")
checks = participation.myth_checks(client, t)
report.table(participation.myth_table(checks, t))
if any(check.myth == "internal" and check.status == "risk" for check in checks):
    report.consultant("participation.check.internal")
report.end()
results.publish(report_dir, "02_participation", participation.step_results(checks, experiences))

# %%
report.heading("participation.willingness_heading")
willing = {dimension: participation.willingness(client, dimension) for dimension in client.segment_dimensions}
willing = {dimension: table for dimension, table in willing.items() if table is not None}
for dimension, table in willing.items():
    report.chart(participation.willingness_chart(table, t, dimension))
if not willing:
    report.caution("participation.no_willingness")
    report.consultant("participation.check.no_willingness")

# %% [markdown]
# Explore, in JupyterLab only (never in the report): the filter bar recomputes this step's figures on the
# chosen segment, unit, channel, touchpoint or dates; click a bar or point to list what lies behind it.

# %%
from cxlib import explore

explore.explorer(report, "02_participation")

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
# # 06 · 9C ecosystem balance
#
# Consultant notes (not shown in the report): the nine dimensions of experiential capital with evidence,
# linked to the pillar findings of the diagnosis.

# %% tags=["parameters"]
client_dir = ""  # the client folder (set by cxwb run)
report_dir = ""  # where this run writes its files (set by cxwb run; empty: reports/<slug>/interactive/)
cut = ""  # one segment only (set by cxwb run --cut, e.g. segment and PyME); empty: the whole client

# %%
import cxlib
from cxlib.render import results
from cxlib.steps import ecosystem, ecosystem_time, legitimacy

report = cxlib.setup(client_dir, report_dir, cut)
client, t, report_dir = report.client, report.t, report.report_dir
report.title("06_ecosystem")
report.caution("ecosystem.intro")
table = ecosystem.balance(client.tables["ecosystem"])
published = {figure.step: results.load(report_dir, figure.step) for figure in ecosystem.QUOTED_FIGURES}
evidence, quoted = ecosystem.measured_evidence(table, published, t)
table = table.assign(evidence=evidence)
for check in quoted:
    report.consultant("ecosystem.check.quoted", **check)

# %%
report.chart(ecosystem.radar(table.dropna(subset=["score"]), t))
report.say("ecosystem.balance", **ecosystem.balance_facts(table, t))
report.say("ecosystem.strengths", names=ecosystem.names(ecosystem.strengths(table), t))
report.say("ecosystem.weaknesses", names=ecosystem.names(ecosystem.weaknesses(table), t))
if table["score"].isna().any():
    report.caution(
        "ecosystem.unscored", names=ecosystem.names(table.index[table["score"].isna()].tolist(), t)
    )

# %%
diagnosis = results.load(report_dir, "01_diagnosis")
report.table(ecosystem.dimension_table(table, diagnosis, t))

# %%
report.heading("ecotime.heading", anchor="over-time")
if ecosystem_time.has_time(table):
    scores = ecosystem_time.over_time(table)
    report.say("ecotime.text")
    report.chart(ecosystem_time.spiral_chart(scores, t))
    report.say("ecotime.facts", **ecosystem_time.time_facts(scores, t))
    report.table(ecosystem_time.time_table(scores, t))
else:
    report.say("ecotime.none")
    report.consultant("ecotime.check.none")

# %%
report.heading("ecotime.actors_heading", anchor="actors")
actors = ecosystem_time.actors_frame(client.config.actors)
if len(actors):
    report.say("ecotime.actors_text")
    report.chart(ecosystem_time.actors_map(actors, t))
    report.table(ecosystem_time.actors_table(actors, t))
else:
    report.say("ecotime.no_actors")
    report.consultant("ecotime.check.no_actors")

# %%
report.heading("legitimacy.heading", anchor="legitimacy")
evidence_sources = legitimacy.sources(
    diagnosis, client.tables.get("assessment"), client.tables.get("employees"), table, actors
)
estimate = legitimacy.indicator(evidence_sources)
report.say("legitimacy.text")
if estimate is None:
    report.caution("legitimacy.no_measure")
else:
    report.say("legitimacy.estimate", **legitimacy.estimate_facts(estimate, t))
    if estimate["disagree"]:
        report.caution("legitimacy.disagree")
    if estimate["small"]:
        report.caution("legitimacy.small")
if len(evidence_sources):
    report.table(legitimacy.sources_table(evidence_sources, t))
for check in legitimacy.judgement_checks(evidence_sources, estimate, t):
    report.consultant("legitimacy.check.judgement", **check)
report.end()
results.publish(report_dir, "06_ecosystem", ecosystem.step_results(table))

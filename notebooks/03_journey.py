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
# # 03 · Journey map and touchpoint monitoring
#
# Consultant notes (not shown in the report): the map, moments of truth, scorecard and control charts.
# Monitoring is incremental: `monitoring.state.json` in the report folder remembers what earlier runs
# processed.

# %% tags=["parameters"]
client_dir = ""  # the client folder (set by cxwb run)
report_dir = ""  # where this run writes its files (set by cxwb run; empty: reports/<slug>/interactive/)
cut = ""  # one segment only (set by cxwb run --cut, e.g. segment and PyME); empty: the whole client

# %%
import cxlib
from cxlib.render import results
from cxlib.stats import monitoring
from cxlib.steps import emotions as comment_emotions
from cxlib.steps import hypotheses, journey, target_journey

report = cxlib.setup(client_dir, report_dir, cut)
client, t, report_dir = report.client, report.t, report.report_dir
report.title("03_journey")
report.say("journey.intro")
if client.config.strategic_question:
    report.say("journey.strategic_question", question=client.config.strategic_question)

# %%
run = card = None
if client.has("interactions"):
    run = monitoring.monitor(
        client.tables["interactions"],
        client.config.touchpoint_promises,
        report_dir / "monitoring.state.json",
    )
    card = journey.scorecard(client, run)
workbook = journey.export_workbook(report_dir / "03_journey_map.xlsx", client, t, card, run)

# %%
report.heading("journey.map_heading")
report.chart(journey.journey_map(client, t), printed=journey.printed_map(client, t))
report.say("journey.map_text")
report.download(workbook, "journey.download")

# %%
report.heading("target.heading", anchor="target")
initiatives = client.tables.get("initiatives")
target = target_journey.target_touchpoints(client.tables["journey"], initiatives)
if not target["changes"].any():
    report.say("target.none")
    report.consultant("target.check.none")
else:
    target_stages = target_journey.stage_targets(target)
    report.say("target.text")
    measured = journey.measured_emotion(client) if client.has("survey") else None
    report.chart(target_journey.target_chart(target_stages, measured, t))
    report.say("target.summary", **target_journey.target_facts(target, target_stages, t))
    report.table(target_journey.changes_table(target, t))

# %%
reading = comment_emotions.read_emotions(client) if client.has("survey") else None
if reading is not None:
    report.heading("emotions.journey_heading", anchor="journey-emotions")
    tones = comment_emotions.tone_by_stage(client, reading)
    if tones is None:
        report.say("emotions.journey_none")
    else:
        report.say("emotions.journey_text")
        report.chart(comment_emotions.curve_chart(tones, journey.measured_emotion(client), t))
        for figure in comment_emotions.journey_charts(client, reading, t):
            report.chart(figure)

# %%
report.heading("journey.moments_heading")
weights = journey.stage_drivers(client) if client.has("survey") else None
if weights is None:
    report.caution("journey.no_moments")
else:
    investment = journey.investment_by_stage(client)
    report.say("journey.moments_text")
    report.chart(journey.moments_chart(weights, investment, t))
    facts = journey.moments_facts(weights, investment, t)
    report.say("journey.moments_found", **facts)
    if investment is not None:
        report.say(journey.investment_balance(weights, investment), **facts)

# %%
report.heading("hypotheses.heading", anchor="hypotheses")
tested = None
if not client.config.hypotheses:
    report.say("hypotheses.none")
    report.consultant("hypotheses.check.none")
elif report.require("survey"):
    data = hypotheses.hypothesis_data(client)
    tested = hypotheses.evaluate_hypotheses(client.config.hypotheses, data, client)
    report.say("hypotheses.text")
    report.table(hypotheses.hypotheses_table(tested, t))
    report.say("hypotheses.summary", **hypotheses.summary_facts(tested, t))
    if tested["small"].any():
        report.caution("hypotheses.small")
    for row in tested.loc[tested["verdict"] == "not_testable"].itertuples():
        report.consultant("hypotheses.check.not_testable", statement=row.statement, reason=row.reason)

# %%
report.heading("journey.scorecard_heading")
if report.require("interactions"):
    report.say("journey.scorecard_text")
    report.table(journey.scorecard_table(card, t))
    takeaway, facts = journey.scorecard_takeaway(card, t)
    report.say(takeaway, **facts)

# %%
report.heading("journey.monitoring_heading", anchor="alerts")
if run is not None:
    report.say("journey.monitoring_text", **monitoring.monitoring_facts(t))
    report.say(f"journey.since.{run.mode}", **journey.since_facts(run, t))
    if run.mode == "incremental":
        report.consultant("journey.check.incremental", since=t.date(run.since))
    in_alarm = card.loc[card["status"] == "alarm"]
    if len(in_alarm):
        report.caution("journey.in_alarm", touchpoints=", ".join(in_alarm["touchpoint"]))
    else:
        report.say("journey.none_in_alarm")
    report.table(journey.alert_table(run, client, t)) if len(run.alerts) else report.say("journey.no_alerts")
    if unpromised := journey.unpromised_touchpoints(run, client):
        report.consultant("journey.check.no_promise", touchpoints=unpromised)
    for touchpoint_id, label in journey.alarm_touchpoints(run, client)[:4]:
        report.chart(journey.control_chart(run, touchpoint_id, label, t))

# %%
report.heading("journey.alert_log_heading", anchor="alert-log")
alert_statuses = journey.alert_log(report_dir)
if alert_statuses.empty:
    report.say("journey.alert_log_none")
    report.consultant("journey.check.alert_log")
else:
    report.say("journey.alert_log_summary", **journey.alert_log_facts(alert_statuses, t))
    report.table(journey.alert_log_table(alert_statuses, t))

# %%
report.end()
published = journey.step_results(client, run, card, weights)
if tested is not None:
    published["hypotheses"] = hypotheses.published(tested)
results.publish(report_dir, "03_journey", published)

# %% [markdown]
# Explore, in JupyterLab only (never in the report): the filter bar recomputes this step's figures on the
# chosen segment, unit, channel, touchpoint or dates; click a bar or point to list what lies behind it.

# %%
from cxlib import explore

explore.explorer(report, "03_journey")

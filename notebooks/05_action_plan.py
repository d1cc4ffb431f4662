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
# # 05 · Action plan
#
# Consultant notes (not shown in the report): initiatives evaluated with the results the earlier steps
# published in the report folder (`*.results.json`); the three-wave roadmap.

# %% tags=["parameters"]
client_dir = ""  # the client folder (set by cxwb run)
report_dir = ""  # where this run writes its files (set by cxwb run; empty: reports/<slug>/interactive/)
cut = ""  # one segment only (set by cxwb run --cut, e.g. segment and PyME); empty: the whole client

# %%
import cxlib
from cxlib import explore
from cxlib.render import results
from cxlib.render.summary import progress
from cxlib.steps import action_plan, pros_cons
from cxlib.steps import waves as survey_waves

report = cxlib.setup(client_dir, report_dir, cut)
client, t, report_dir = report.client, report.t, report.report_dir
earlier = {
    step: results.load(report_dir, step) for step in ("01_diagnosis", "02_participation", "03_journey")
}
diagnosis = earlier["01_diagnosis"]
value_chain = results.load(report_dir, "04_human_value_chain")
outcome = (diagnosis or {}).get("impact_outcome") or "nps"
report.title("05_action_plan")
report.say("plan.intro")
missing = [t(f"step.{step}") for step, published in earlier.items() if published is None]
if missing:
    report.caution("plan.missing_steps", steps=", ".join(missing))

# %%
report.heading("plan.evaluation_heading", anchor="initiatives")
evaluation = action_plan.evaluate(client, diagnosis, earlier["02_participation"], earlier["03_journey"])
evaluation = action_plan.valued(evaluation, value_chain, outcome, t)
if evaluation["impact"].notna().any():
    report.say(
        "plan.evaluation_text",
        outcome=t(f"metric.{outcome}"),
        closure=t.percent(action_plan.CLOSURE_SCENARIOS["central"]),
        low=t.percent(action_plan.CLOSURE_SCENARIOS["low"]),
        high=t.percent(action_plan.CLOSURE_SCENARIOS["high"]),
    )
    report.chart(action_plan.priority_chart(evaluation, outcome, client.config.currency, t))
    report.say("plan.top_sentence", names=", ".join(evaluation["name"].head(3)))
elif diagnosis and diagnosis.get("impact_outcome"):
    report.caution("plan.no_link", outcome=t(f"metric.{outcome}"))
else:
    report.caution("plan.no_diagnosis")
report.table(action_plan.evaluation_table(evaluation, outcome, client.config.currency, t))
for flag, key in (
    ("no_experience_case", "plan.no_case_sentence"),
    ("loads_capacity", "plan.capacity_sentence"),
):
    flagged = evaluation.loc[evaluation[flag], "name"]
    if len(flagged):
        report.caution(key, plural=len(flagged), names=", ".join(flagged))

# %%
report.heading("pros.heading", anchor="pros-cons")
report.say("pros.text")
weighed = pros_cons.weigh(evaluation, client.tables.get("journey"))
report.table(pros_cons.pros_cons_table(weighed, outcome, client.config.currency, t))
report.say("pros.front_sentence", names=pros_cons.names(weighed, "front"))
if weighed["ferrari"].any():
    report.caution(
        "pros.ferrari_sentence", plural=weighed["ferrari"].sum(), names=pros_cons.names(weighed, "ferrari")
    )
if weighed["utility"].any():
    report.say("pros.utility_sentence", names=pros_cons.names(weighed, "utility"))

# %%
report.heading("plan.roadmap_heading", anchor="roadmap")
report.say("plan.roadmap_text")
plan = action_plan.schedule(evaluation, action_plan.plan_start(client))
report.chart(action_plan.gantt(plan, t))
report.table(action_plan.wave_table(plan, diagnosis, outcome, t))
unscheduled = evaluation.loc[evaluation["wave_source"].eq("unscheduled"), "name"]
if len(unscheduled):
    report.say("plan.unscheduled_sentence", plural=len(unscheduled), names=", ".join(unscheduled))
if evaluation["wave_source"].eq("derived").any():
    report.say("plan.waves_derived")
for conflict in action_plan.sequencing_facts(evaluation, t):
    report.consultant("plan.check.sequencing", **conflict)
waves = action_plan.wave_predictions(plan, diagnosis, outcome)
if waves:
    report.say(
        "plan.full_effect",
        date=t.month(action_plan.horizons(plan)["full"]),
        outcome=t(f"metric.{outcome}"),
        value=t.interval(*waves["full"]),
    )

# %% [markdown]
# Each initiative's forecast, line by line: reach × gap closed × slope × ramp-up = points.

# %%
ramp = action_plan.own_wave_progress(plan)
lines = action_plan.decomposition(plan, action_plan.pillar_model(diagnosis), ramp)
link = action_plan.internal_link(value_chain, outcome)
internal = action_plan.internal_lines(plan, link, ramp)
if len(lines) or len(internal):
    report.heading("plan.decomposition_heading", anchor="decomposition")
    report.say("plan.decomposition_text", months=t.number(action_plan.forecast.DEFAULT_MONTHS_TO_EFFECT))
    report.table(action_plan.decomposition_table(lines, outcome, t, internal))
if len(internal):
    key, values = action_plan.internal_text(link, outcome, t)
    report.say(key, **values)

# %%
sensitivity = action_plan.sensitivity(plan, diagnosis, outcome)
if len(sensitivity):
    report.heading("plan.sensitivity_heading", anchor="sensitivity")
    report.say("plan.sensitivity_text")
    report.chart(action_plan.tornado_chart(sensitivity, outcome, t))

# %%
report.heading("plan.money_heading", anchor="money")
report.say("plan.money_text", years=action_plan.RETURN_HORIZON_MONTHS // 12)
if evaluation["value_per_point"].isna().all():
    report.caution("plan.no_value", outcome=t(f"metric.{outcome}"))
report.table(action_plan.money_table(evaluation, client.config.currency, t))
scale = action_plan.money_scale_facts(evaluation, value_chain, client, outcome, t)
if scale:
    report.consultant("plan.check.money_scale", **scale)

# %% [markdown]
# Follow-up measurements: the baseline plan's forecast for the initiatives now done, against the
# change measured between the two measurements.

# %%
baseline = action_plan.baseline_dir(client, report_dir)
changes = progress(report_dir, baseline) if baseline is not None else None
checked = None
if changes is not None:
    report.heading("plan.backtest_heading", anchor="backtest")
    done = action_plan.done_initiatives(client)
    checked = action_plan.backtest(
        results.load(baseline, "05_action_plan"), results.load(baseline, "01_diagnosis"), changes, done
    )
    if len(checked):
        report.say("plan.backtest_text", names=", ".join(evaluation.loc[evaluation.index.isin(done), "name"]))
        report.table(action_plan.backtest_table(checked, t))
    else:
        report.caution("plan.backtest_none")
wave_list = survey_waves.load_waves(client, report_dir, t("waves.current"))
if wave_list:
    report.heading("waves.backtest_heading", anchor="wave-backtest")
    wave_pairs = survey_waves.backtest_pairs(wave_list, survey_waves.analyse(wave_list))
    for pair in wave_pairs:
        report.say("waves.backtest_text", **survey_waves.backtest_facts(pair))
        checked_wave = action_plan.backtest(pair.plan, pair.diagnosis, pair.changes, pair.done)
        report.table(action_plan.backtest_table(checked_wave, t))
    if not wave_pairs:
        report.say("waves.backtest_none")
        report.consultant("waves.check.no_backtest")
report.end()
results.publish(
    report_dir,
    "05_action_plan",
    action_plan.step_results(evaluation, outcome, waves, client.config.currency, checked),
)

# %% [markdown]
# What-if, in JupyterLab only (never in the report): select initiatives, move each one's reach and time to
# full effect, the gap a +2 effect closes and the budget; the waves' forecast, the tornado and the money
# are recomputed by the functions above.

# %%
explore.what_if(report, evaluation, diagnosis, action_plan.plan_start(client))

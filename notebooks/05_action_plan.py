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
from cxlib.render import results
from cxlib.steps import action_plan

report = cxlib.setup(client_dir, report_dir, cut)
client, t, report_dir = report.client, report.t, report.report_dir
earlier = {
    step: results.load(report_dir, step) for step in ("01_diagnosis", "02_participation", "03_journey")
}
diagnosis = earlier["01_diagnosis"]
outcome = (diagnosis or {}).get("impact_outcome") or "nps"
report.title("05_action_plan")
report.say("plan.intro")
missing = [t(f"step.{step}") for step, published in earlier.items() if published is None]
if missing:
    report.caution("plan.missing_steps", steps=", ".join(missing))

# %%
report.heading("plan.evaluation_heading", anchor="initiatives")
evaluation = action_plan.evaluate(client, diagnosis, earlier["02_participation"], earlier["03_journey"])
if diagnosis and diagnosis.get("impact_outcome"):
    report.say(
        "plan.evaluation_text",
        outcome=t(f"metric.{outcome}"),
        closure=t.percent(action_plan.CLOSURE_SCENARIOS["central"]),
        low=t.percent(action_plan.CLOSURE_SCENARIOS["low"]),
        high=t.percent(action_plan.CLOSURE_SCENARIOS["high"]),
    )
    report.chart(action_plan.priority_chart(evaluation, outcome, client.config.currency, t))
    report.say("plan.top_sentence", names=", ".join(evaluation["name"].head(3)))
else:
    report.caution("plan.no_diagnosis")
report.table(action_plan.evaluation_table(evaluation, outcome, client.config.currency, t))
for flag, key in (
    ("no_experience_case", "plan.no_case_sentence"),
    ("loads_capacity", "plan.capacity_sentence"),
):
    if evaluation[flag].any():
        report.caution(key, names=", ".join(evaluation.loc[evaluation[flag], "name"]))

# %%
report.heading("plan.roadmap_heading", anchor="roadmap")
report.say("plan.roadmap_text")
plan = action_plan.schedule(evaluation, action_plan.plan_start(client))
report.chart(action_plan.gantt(plan, t))
report.table(action_plan.wave_table(plan, diagnosis, outcome, t))
waves = action_plan.wave_predictions(plan, diagnosis, outcome)
report.end()
results.publish(
    report_dir, "05_action_plan", action_plan.step_results(evaluation, outcome, waves, client.config.currency)
)

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
    "01_diagnosis": [
        ("markdown", "# 01 · Diagnosis on the six pillars\n\nConsultant notes (not shown in the report): self-assessment against the "
                     "customer view, metrics with intervals, key drivers, targets and comments. The last cell opens the workshop editor "
                     "for the self-assessment (JupyterLab only)."),
        ("parameters", PARAMETERS),
        ("code", 'import cxlib\nfrom cxlib import assessment, diagnosis, results\n\nreport = cxlib.setup(client_dir)\nclient, t = report.client, report.t\n'
                 'survey = client.tables["survey"]\nself_scores = targets = weights = comparison = slopes = None\n'
                 'report.title("01_diagnosis")\nreport.say("diagnosis.intro")'),
        ("code", 'report.heading("diagnosis.metrics_heading")\nreport.say("diagnosis.metrics_text")\n'
                 'report.table(diagnosis.metric_table(diagnosis.overall_metrics(survey, client.survey_scales), t))\n'
                 'for metric, by in diagnosis.available_breakdowns(client):\n'
                 '    report.chart(diagnosis.breakdown_chart(diagnosis.breakdown(client, metric, by), metric, by, t))\n'
                 'for metric in diagnosis.available_trends(client):\n'
                 '    report.chart(diagnosis.trend_chart(diagnosis.breakdown(client, metric, "month"), metric, t))'),
        ("code", 'if "nps" in survey and "segment" in survey:\n    report.heading("diagnosis.segment_tests_heading", level=3)\n'
                 '    report.say("diagnosis.segment_tests_text")\n    report.table(diagnosis.segment_test_table(client, t))'),
        ("code", 'report.heading("diagnosis.assessment_heading")\nif report.require("assessment"):\n'
                 '    answers = client.tables["assessment"]\n    bank = assessment.question_bank(client.config)\n'
                 '    self_scores = assessment.pillar_scores(answers)\n    items = assessment.item_scores(answers, bank, t.language)\n'
                 '    report.say("diagnosis.assessment_text", respondents=answers["respondent"].nunique(), items=answers["item_id"].nunique())\n'
                 '    report.table(diagnosis.self_assessment_table(self_scores, t))\n'
                 '    report.heading("diagnosis.disagreement_heading", level=3)\n'
                 '    if items["disagreement"].any():\n'
                 '        report.say("diagnosis.disagreement_text", n=int(items["disagreement"].sum()))\n'
                 '        report.table(diagnosis.disagreement_table(items, t))\n'
                 '    else:\n        report.say("diagnosis.no_disagreement")\n'
                 '    evidence = assessment.evidence_table(answers, bank, t.language)\n'
                 '    report.heading("diagnosis.evidence_heading", level=3)\n'
                 '    report.say("diagnosis.evidence_text", unsupported=int((~evidence["supported"]).sum()), total=len(evidence))\n'
                 '    report.table(diagnosis.evidence_display(evidence, t), collapsed_key="diagnosis.show_evidence")'),
        ("code", 'report.heading("diagnosis.customer_pillars_heading")\nif not client.survey_items:\n    report.caution("diagnosis.no_items")\n'
                 'else:\n    pillar_frame = diagnosis.customer_pillar_frame(client)\n'
                 '    customer_scores = diagnosis.customer_pillar_scores(pillar_frame)\n    report.say("diagnosis.customer_pillars_text")\n'
                 '    if client.has("assessment"):\n'
                 '        comparison = diagnosis.self_vs_customer(self_scores, customer_scores)\n'
                 '        report.chart(diagnosis.pillar_comparison_chart(comparison, t))\n'
                 '        overconfident = diagnosis.overconfident_pillars(comparison, t)\n'
                 '        report.say("diagnosis.overconfident", pillars=overconfident) if overconfident else report.say("diagnosis.no_overconfident")'),
        ("code", 'report.heading("diagnosis.drivers_heading", anchor="drivers")\nif client.survey_items and diagnosis.outcome(client):\n'
                 '    weights = diagnosis.pillar_drivers(client, pillar_frame)\n    report.say("diagnosis.drivers_text")\n'
                 '    report.chart(diagnosis.driver_chart(weights, t))\n    report.say("diagnosis.top_drivers", **diagnosis.top_driver_facts(weights, t))\n'
                 '    priority_figure, matrix = diagnosis.priority_chart(weights, customer_scores["value"], t)\n'
                 '    report.chart(priority_figure)\n    slopes = diagnosis.impact_slopes(client, pillar_frame)\n    fix = diagnosis.fix_first(matrix, t)\n    report.say("diagnosis.fix_first", pillars=fix) if fix else report.say("diagnosis.no_fix")\n'
                 'else:\n    report.caution("diagnosis.no_drivers")'),
        ("code", 'if client.survey_items:\n    report.heading("diagnosis.target_heading", anchor="targets")\n'
                 '    targets = diagnosis.pillar_targets(client, pillar_frame, customer_scores)\n'
                 '    report.chart(diagnosis.target_chart(targets, t))\n    gap = diagnosis.largest_gap(targets, t)\n'
                 '    if gap:\n        report.say("diagnosis.largest_gap", **gap)\n    report.table(diagnosis.target_table(targets, t))'),
        ("code", 'if "segment" in survey:\n    report.heading("diagnosis.profile_heading")\n    report.table(diagnosis.segment_profile(client, t))'),
        ("code", 'report.heading("diagnosis.emotions_heading")\nif "comment" in survey and survey["comment"].notna().any():\n'
                 '    sentiment, themes = diagnosis.comment_analysis(client)\n    report.say("diagnosis.emotions_text", n=t.number(len(sentiment)))\n'
                 '    if "nps" in survey:\n        report.chart(diagnosis.sentiment_chart(client, sentiment, t))\n'
                 '        report.table(diagnosis.theme_table(client, themes, t))\n'
                 '    report.heading("diagnosis.quotes_heading", level=3)\n    report.table(diagnosis.example_quotes(client, sentiment, themes, t))\n'
                 'else:\n    report.caution("diagnosis.no_comments")'),
        ("code", 'results.publish(report_dir, "01_diagnosis", diagnosis.step_results(\n'
                 '    client, diagnosis.overall_metrics(survey, client.survey_scales), targets, weights, comparison, slopes))'),
        ("markdown", "## Workshop\n\nIn JupyterLab, the next cell opens the self-assessment editor: type a respondent's name, press Load, "
                     "answer each question with evidence, press Save (the previous table is kept in `backups/`)."),
        ("code", 'from cxlib.workshop import assessment_editor\n\nassessment_editor(client_dir)'),
    ],
    "02_participation": [
        ("markdown", "# 02 · Customer participation and connected experiences\n\nConsultant notes (not shown in the report): the ladder "
                     "and next steps per touchpoint, connected-experience archetypes, the four myth checks and willingness to participate."),
        ("parameters", PARAMETERS),
        ("code", 'import cxlib\nfrom cxlib import participation, results\n\nreport = cxlib.setup(client_dir)\nclient, t = report.client, report.t\n'
                 'journey = client.tables["journey"]\nreport.title("02_participation")\nreport.say("participation.intro")'),
        ("code", 'report.heading("participation.ladder_heading")\nreport.say("participation.ladder_text")\nreport.table(participation.ladder_table(t))\n'
                 'if "participation_level" in journey:\n    steps = participation.recommendations(journey, t.language)\n'
                 '    report.chart(participation.ladder_chart(steps, t))\n    report.say("participation.steps_summary", **participation.step_counts(steps))\n'
                 '    report.table(participation.recommendation_table(steps, t))\nelse:\n    report.caution("participation.no_levels")'),
        ("code", 'report.heading("participation.connected_heading")\nexperiences = participation.connected_experiences(journey, t.language)\n'
                 'report.say("participation.connected_text", **participation.continuity_facts(experiences, t))\n'
                 'report.chart(participation.needs_matrix_chart(experiences, t))'),
        ("code", 'report.heading("participation.myths_heading", anchor="myths")\nreport.say("participation.myths_text")\n'
                 'checks = participation.myth_checks(client, t)\nreport.table(participation.myth_table(checks, t))\n'
                 'results.publish(report_dir, "02_participation", participation.step_results(checks, experiences))'),
        ("code", 'report.heading("participation.willingness_heading")\nwilling = participation.willingness(client)\n'
                 'report.chart(participation.willingness_chart(willing, t)) if willing is not None else report.caution("participation.no_willingness")'),
    ],
    "03_journey": [
        ("markdown", "# 03 · Journey map and touchpoint monitoring\n\nConsultant notes (not shown in the report): the map, moments of truth, "
                     "scorecard and control charts. Monitoring is incremental: `monitoring.state.json` in the report folder remembers "
                     "what earlier runs processed."),
        ("parameters", PARAMETERS),
        ("code", 'from pathlib import Path\n\nimport cxlib\nfrom cxlib import journey, monitoring, results\n\nreport = cxlib.setup(client_dir)\n'
                 'client, t = report.client, report.t\nreport.title("03_journey")\nreport.say("journey.intro")\n'
                 'if client.config.strategic_question:\n    report.say("journey.strategic_question", question=client.config.strategic_question)'),
        ("code", 'run = card = None\nif client.has("interactions"):\n'
                 '    run = monitoring.monitor(client.tables["interactions"], client.config.touchpoint_promises, Path(report_dir) / "monitoring.state.json")\n'
                 '    card = journey.scorecard(client, run)\n'
                 'workbook = journey.export_workbook(Path(report_dir) / "03_journey_map.xlsx", client, t, card, run)'),
        ("code", 'report.heading("journey.map_heading")\nreport.chart(journey.journey_map(client, t), wide=True)\n'
                 'report.say("journey.map_text", file=workbook.name)\nreport.download(workbook, "journey.download")'),
        ("code", 'report.heading("journey.moments_heading")\nweights = journey.stage_drivers(client) if client.has("survey") else None\n'
                 'if weights is None:\n    report.caution("journey.no_moments")\nelse:\n'
                 '    investment = journey.investment_by_stage(client)\n    report.say("journey.moments_text")\n'
                 '    report.chart(journey.moments_chart(weights, investment, t))\n    facts = journey.moments_facts(weights, investment, t)\n'
                 '    report.say("journey.moments_found", **facts)\n    if investment is not None:\n        report.say("journey.investment_gap", **facts)'),
        ("code", 'report.heading("journey.scorecard_heading")\nif report.require("interactions"):\n'
                 '    report.say("journey.scorecard_text")\n    report.table(journey.scorecard_table(card, t))'),
        ("code", 'report.heading("journey.monitoring_heading", anchor="alerts")\nif run is not None:\n    report.say("journey.monitoring_text")\n'
                 '    report.say(f"journey.since.{run.mode}", **journey.since_facts(run, t))\n'
                 '    in_alarm = card.loc[card["status"] == "alarm"]\n'
                 '    if len(in_alarm):\n        report.caution("journey.in_alarm", touchpoints=", ".join(in_alarm["touchpoint"] + " (" + in_alarm.index + ")"))\n'
                 '    else:\n        report.say("journey.none_in_alarm")\n'
                 '    report.table(journey.alert_table(run, client, t)) if len(run.alerts) else report.say("journey.no_alerts")\n'
                 '    for touchpoint_id, label in journey.alarm_touchpoints(run, client)[:4]:\n'
                 '        report.chart(journey.control_chart(run, touchpoint_id, label, t))'),
        ("code", 'results.publish(report_dir, "03_journey", journey.step_results(client, run, card, weights))'),
    ],
    "04_human_value_chain": [
        ("markdown", "# 04 · Human value chain\n\nConsultant notes (not shown in the report): pillar × role enablement, the unit-level "
                     "linkage employees → customers → results, outlying units, and culture → behaviours."),
        ("parameters", PARAMETERS),
        ("code", 'import cxlib\nfrom cxlib import results, value_chain\n\nreport = cxlib.setup(client_dir)\nclient, t = report.client, report.t\n'
                 'employees = client.tables["employees"]\nroles = links = model = ex = None\nreport.title("04_human_value_chain")\nreport.say("value_chain.intro")'),
        ("code", 'report.heading("value_chain.matrix_heading")\nif value_chain.enablement_columns(employees):\n'
                 '    report.say("value_chain.matrix_text")\n    roles = value_chain.pillar_role_matrix(employees, "role")\n'
                 '    report.chart(value_chain.matrix_chart(roles, t("value_chain.role_title"), t("value_chain.role_axis"), t))\n'
                 '    report.say("value_chain.weakest", cells=value_chain.weakest_text(roles, t))\n'
                 '    if "office" in employees:\n'
                 '        offices = value_chain.pillar_role_matrix(employees.assign(office=employees["office"].map(lambda key: t(f"office.{key}"), na_action="ignore")), "office")\n'
                 '        report.chart(value_chain.matrix_chart(offices, t("value_chain.office_title"), t("value_chain.office_axis"), t))\n'
                 'else:\n    report.caution("value_chain.no_enablement")'),
        ("code", 'report.heading("value_chain.linkage_heading", anchor="linkage")\nunits = value_chain.unit_scores(client) if client.has("survey") else None\n'
                 'ex = value_chain.ex_measure(units) if units is not None else None\n'
                 'if ex is None or "nps" not in units:\n    report.caution("value_chain.no_linkage")\n'
                 'elif not value_chain.enough_units(units):\n    report.caution("value_chain.few_units", n=int((~units["thin"]).sum()), minimum=value_chain.MIN_UNITS)\n    ex = None\nelse:\n'
                 '    report.say("value_chain.linkage_text")\n    outcomes = value_chain.result_columns(units)\n'
                 '    links = value_chain.linkage(units, ex, "nps", outcomes)\n'
                 '    report.say("value_chain.ex_cx_finding" if links[0].finding else "value_chain.ex_cx_none", **value_chain.correlation_facts(links[0], t))\n'
                 '    report.table(value_chain.correlation_table(links, t))\n    report.caution("value_chain.caveat", n=links[0].n)\n'
                 '    if units["thin"].any():\n        report.caution("value_chain.thin_units", units=", ".join(units.index[units["thin"]]))\n'
                 '    if outcomes:\n        model = value_chain.path_model(units.loc[~units["thin"], ex], units.loc[~units["thin"], "nps"], units.loc[~units["thin"], outcomes[0]])\n'
                 '        report.heading("value_chain.path_heading", level=3, result=t(f"value_chain.measure.{outcomes[0]}"))\n'
                 '        report.say("value_chain.path_text", **value_chain.path_facts(model, t))\n'
                 '        report.say("value_chain.path_finding" if model.finding else "value_chain.path_none")'),
        ("code", 'if ex is not None and "nps" in units:\n    report.heading("value_chain.quadrant_heading")\n'
                 '    outliers = value_chain.outlier_units(units, ex, "nps")\n'
                 '    report.chart(value_chain.quadrant_chart(units, ex, "nps", outliers, t))\n'
                 '    if outliers:\n        report.say("value_chain.outliers_text")\n'
                 '        report.table(value_chain.explain_outliers(client, units, outliers, ex, "nps", t))\n'
                 '    else:\n        report.say("value_chain.no_outliers")'),
        ("code", 'report.heading("value_chain.culture_heading")\nculture = value_chain.culture_behaviour(employees)\n'
                 'if culture is None:\n    report.caution("value_chain.no_culture")\nelse:\n    report.say("value_chain.culture_text")\n'
                 '    report.chart(value_chain.culture_chart(culture, t))\n    report.say("value_chain.strongest_culture", **value_chain.strongest_culture(culture, t))'),
        ("code", 'results.publish(report_dir, "04_human_value_chain", value_chain.step_results(links, model, ex, roles))'),
    ],
    "05_action_plan": [
        ("markdown", "# 05 · Action plan\n\nConsultant notes (not shown in the report): initiatives evaluated with the results the earlier "
                     "steps published in the report folder (`*.results.json`); the three-wave roadmap."),
        ("parameters", PARAMETERS),
        ("code", 'import cxlib\nfrom cxlib import action_plan, results\n\nreport = cxlib.setup(client_dir)\nclient, t = report.client, report.t\n'
                 'earlier = {step: results.load(report_dir, step) for step in ("01_diagnosis", "02_participation", "03_journey")}\n'
                 'diagnosis = earlier["01_diagnosis"]\noutcome = (diagnosis or {}).get("impact_outcome") or "nps"\n'
                 'report.title("05_action_plan")\nreport.say("plan.intro")\n'
                 'missing = [t(f"step.{step}") for step, published in earlier.items() if published is None]\n'
                 'if missing:\n    report.caution("plan.missing_steps", steps=", ".join(missing))'),
        ("code", 'report.heading("plan.evaluation_heading", anchor="initiatives")\n'
                 'evaluation = action_plan.evaluate(client, diagnosis, earlier["02_participation"], earlier["03_journey"])\n'
                 'if diagnosis and diagnosis.get("impact_outcome"):\n'
                 '    report.say("plan.evaluation_text", outcome=t(f"metric.{outcome}"), closure=t.percent(action_plan.FULL_EFFECT_CLOSURE))\n'
                 '    report.chart(action_plan.priority_chart(evaluation, outcome, client.config.currency, t))\n'
                 '    report.say("plan.top_sentence", names=", ".join(evaluation["name"].head(3)))\nelse:\n    report.caution("plan.no_diagnosis")\n'
                 'report.table(action_plan.evaluation_table(evaluation, outcome, t))\n'
                 'for flag, key in (("no_experience_case", "plan.no_case_sentence"), ("loads_capacity", "plan.capacity_sentence")):\n'
                 '    if evaluation[flag].any():\n        report.caution(key, names=", ".join(evaluation.loc[evaluation[flag], "name"]))'),
        ("code", 'report.heading("plan.roadmap_heading", anchor="roadmap")\nreport.say("plan.roadmap_text")\n'
                 'plan = action_plan.schedule(evaluation, action_plan.plan_start(client))\nreport.chart(action_plan.gantt(plan, t))\n'
                 'report.table(action_plan.wave_table(plan, diagnosis, outcome, t))\n'
                 'results.publish(report_dir, "05_action_plan", action_plan.step_results(evaluation, outcome))'),
    ],
    "06_ecosystem": [
        ("markdown", "# 06 · 9C ecosystem balance\n\nConsultant notes (not shown in the report): the nine dimensions of experiential "
                     "capital with evidence, linked to the pillar findings of the diagnosis."),
        ("parameters", PARAMETERS),
        ("code", 'import cxlib\nfrom cxlib import ecosystem, results\n\nreport = cxlib.setup(client_dir)\nclient, t = report.client, report.t\n'
                 'report.title("06_ecosystem")\nreport.caution("ecosystem.intro")\ntable = ecosystem.balance(client.tables["ecosystem"])'),
        ("code", 'report.chart(ecosystem.radar(table.dropna(subset=["score"]), t))\nreport.say("ecosystem.balance", **ecosystem.balance_facts(table, t))\n'
                 'report.say("ecosystem.strengths", names=ecosystem.names(ecosystem.strengths(table), t))\n'
                 'report.say("ecosystem.weaknesses", names=ecosystem.names(ecosystem.weaknesses(table), t))\n'
                 'if table["score"].isna().any():\n    report.caution("ecosystem.unscored", names=ecosystem.names(table.index[table["score"].isna()].tolist(), t))'),
        ("code", 'report.table(ecosystem.dimension_table(table, results.load(report_dir, "01_diagnosis"), t))\n'
                 'results.publish(report_dir, "06_ecosystem", ecosystem.step_results(table))'),
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

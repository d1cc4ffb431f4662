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
# # 01 · Diagnosis on the six pillars
#
# Consultant notes (not shown in the report): self-assessment against the customer view, metrics with
# intervals, key drivers, targets and comments. The last cell opens the workshop editor for the
# self-assessment (JupyterLab only).

# %% tags=["parameters"]
client_dir = ""  # the client folder (set by cxwb run)
report_dir = ""  # where this run writes its files (set by cxwb run; empty: reports/<slug>/interactive/)
cut = ""  # one segment only (set by cxwb run --cut, e.g. segment and PyME); empty: the whole client

# %%
import cxlib
from cxlib.inputs.outcomes import mapped_outcomes
from cxlib.inputs.question_bank import question_bank
from cxlib.render import results
from cxlib.steps import diagnosis, outcomes, overview, units
from cxlib.steps import emotions as comment_emotions
from cxlib.steps import waves as survey_waves

report = cxlib.setup(client_dir, report_dir, cut)
client, t, report_dir = report.client, report.t, report.report_dir
survey = client.tables["survey"]
self_scores = targets = weights = comparison = slopes = None
report.title("01_diagnosis")
report.say("diagnosis.intro")

# %%
report.heading("diagnosis.metrics_heading")
report.say("diagnosis.metrics_text")
weighting = diagnosis.weighting_facts(client, t)
if weighting:
    report.say("diagnosis.weighted", **weighting)
if client.margins:
    report.table(diagnosis.representativeness_table(client, t))
report.table(diagnosis.metric_table(diagnosis.overall_metrics(survey, client.survey_scales), t))
if "ces" in client.survey_scales:
    report.say(
        "diagnosis.ces_note",
        low=client.survey_scales["ces"].bounds[0],
        high=client.survey_scales["ces"].bounds[1],
    )
for metric, by in diagnosis.available_breakdowns(client):
    table = diagnosis.breakdown(client, metric, by)
    report.chart(diagnosis.breakdown_chart(table, metric, by, t))
for metric in diagnosis.available_trends(client):
    report.chart(diagnosis.trend_chart(diagnosis.breakdown(client, metric, "month"), metric, t))
    takeaway, facts = diagnosis.trend_takeaway(client, metric, t)
    report.say(takeaway, **facts)

# %%
if client.segment_dimensions and mapped_outcomes(client):
    report.heading("diagnosis.segment_tests_heading", level=3)
    if "nps" in survey:
        report.say("diagnosis.segment_tests_text")
    if outcomes.segment_outcomes(client):
        report.say("diagnosis.segment_outcomes_text")
    for dimension in client.segment_dimensions:
        if "nps" in survey:
            report.table(diagnosis.segment_test_table(client, t, dimension))
        if outcomes.segment_outcomes(client):
            report.table(outcomes.segment_table(client, t, dimension))

# %%
league = units.league_tables(client)
if league:
    report.heading("units.heading", anchor="units")
    report.say("units.text", **units.funnel_facts(t))
    for metric, table in league.items():
        report.chart(units.funnel_chart(table, metric, t))
        note = units.dispersion_note(table, metric, t)
        if note:
            report.say(note[0], **note[1])
        report.table(units.league_display(table, metric, t))
    if units.hidden_count(league):
        report.caution(
            "units.hidden", count=units.hidden_count(league), minimum=client.config.privacy.min_group
        )
elif "unit" in survey:
    report.consultant(
        "units.check.no_league", minimum=units.MIN_UNITS, min_group=client.config.privacy.min_group
    )
for depth in range(1, len(units.hierarchy(client)) + 1):
    report.heading("units.level_heading", level=3, **units.level_facts(client, depth, t))
    level_league = units.league_tables(client, level=depth)
    for metric, table in level_league.items():
        report.chart(units.funnel_chart(table, metric, t))
        report.table(units.league_display(table, metric, t))
    if not level_league:
        report.table(units.level_table(client, depth, t))

# %%
wave_list = survey_waves.load_waves(client, report_dir, t("waves.current"))
wave_analysis = survey_waves.analyse(wave_list) if wave_list else None
if wave_analysis is not None:
    report.heading("waves.heading", anchor="waves")
    report.say("waves.text", **survey_waves.intro_facts(wave_analysis, t))
    for figure in (
        survey_waves.metrics_chart(wave_analysis.table, wave_analysis.changes, t),
        survey_waves.pillars_chart(wave_analysis.table, wave_analysis.changes, t),
    ):
        if figure is not None:
            report.chart(figure)
    report.table(survey_waves.trend_display(wave_analysis.table, wave_analysis.trends, t))
    report.table(
        survey_waves.change_display(wave_analysis.changes, wave_analysis.labels, t),
        collapsed_key="waves.show_changes",
    )

# %%
report.heading("diagnosis.assessment_heading")
if report.require("assessment"):
    answers = client.tables["assessment"]
    bank = question_bank(client.config)
    self_scores = diagnosis.assessment_pillar_scores(answers)
    items = diagnosis.assessment_item_scores(answers, bank, t.language)
    report.say(
        "diagnosis.assessment_text",
        respondents=answers["respondent"].nunique(),
        items=answers["item_id"].nunique(),
    )
    report.table(diagnosis.self_assessment_table(self_scores, t))
    report.heading("diagnosis.disagreement_heading", level=3)
    if items["disagreement"].any():
        report.say("diagnosis.disagreement_text", n=int(items["disagreement"].sum()))
        report.table(diagnosis.disagreement_table(items, t))
    else:
        report.say("diagnosis.no_disagreement")
    evidence = diagnosis.assessment_evidence(answers, bank, t.language)
    report.heading("diagnosis.evidence_heading", level=3)
    report.say(
        "diagnosis.evidence_text", unsupported=int((~evidence["supported"]).sum()), total=len(evidence)
    )
    report.table(diagnosis.evidence_display(evidence, t), collapsed_key="diagnosis.show_evidence")

# %%
report.heading("diagnosis.customer_pillars_heading")
if not client.survey_items:
    report.caution("diagnosis.no_items")
    report.consultant("diagnosis.check.no_items")
else:
    pillar_frame = diagnosis.customer_pillar_frame(client)
    customer_scores = diagnosis.customer_pillar_scores(pillar_frame, weights=survey.get("weight"))
    report.say("diagnosis.customer_pillars_text")
    if client.has("assessment"):
        comparison = diagnosis.self_vs_customer(self_scores, customer_scores)
        report.chart(diagnosis.pillar_comparison_chart(comparison, t))
        overconfident = diagnosis.overconfident_pillars(comparison, t)
        report.say("diagnosis.overconfident", pillars=overconfident) if overconfident else report.say(
            "diagnosis.no_overconfident"
        )
        underconfident = diagnosis.overconfident_pillars(comparison, t, "underconfident")
        if underconfident:
            report.say("diagnosis.underconfident", pillars=underconfident)
        report.small_sample(int(comparison["self_n"].min()))

# %%
report.heading("diagnosis.drivers_heading", anchor="drivers")
if client.survey_items and diagnosis.outcome(client):
    weights = diagnosis.pillar_drivers(client, pillar_frame)
    verdict, fit = diagnosis.model_fit(weights, t)
    report.say(verdict, **fit)
    if weights.attrs["explains"]:
        report.say("diagnosis.drivers_text")
        report.chart(diagnosis.driver_chart(weights, t))
        top_key, top = diagnosis.top_driver_facts(weights, t)
        report.say(top_key, **top)
        priority_figure, matrix = diagnosis.priority_chart(weights, customer_scores["value"], t)
        report.chart(priority_figure)
        slopes = diagnosis.impact_slopes(client, pillar_frame)
        priority_key, priority = diagnosis.priority_sentence(
            matrix, diagnosis.pillar_targets(client, pillar_frame, customer_scores), t
        )
        report.say(priority_key, **priority)
    item_weights = diagnosis.item_drivers(client)
    if item_weights is not None:
        report.heading("diagnosis.item_drivers_heading", level=3)
        verdict, fit = diagnosis.model_fit(item_weights, t)
        report.say(verdict, **fit)
        if item_weights.attrs["explains"]:
            report.say("diagnosis.item_drivers_text")
            report.chart(diagnosis.item_driver_chart(item_weights, client, t))
    models = {
        name: weights
        if name == weights.attrs["outcome"]
        else diagnosis.pillar_drivers(client, pillar_frame, target=name)
        for name in mapped_outcomes(client)
    }
    if len(models) > 1:
        report.heading("diagnosis.outcomes_heading", level=3)
        report.say("diagnosis.outcomes_text", count=len(models))
        report.table(outcomes.driver_table(models, t))
else:
    report.caution("diagnosis.no_drivers")
for check, facts in outcomes.agreement_checks(
    client, *outcomes.agreement(client, pillar_frame if client.survey_items else None), t
):
    report.consultant(check, **facts)

# %%
if client.survey_items:
    report.heading("diagnosis.target_heading", anchor="targets")
    targets = diagnosis.pillar_targets(client, pillar_frame, customer_scores)
    report.chart(diagnosis.target_chart(targets, t))
    gap = diagnosis.largest_gap(targets, t)
    if gap:
        report.say("diagnosis.largest_gap", **gap)
    report.table(diagnosis.target_table(targets, t))

# %%
if "segment" in survey:
    report.heading("diagnosis.profile_heading")
    for dimension in client.segment_dimensions:
        report.table(diagnosis.segment_profile(client, t, dimension))
        takeaway, facts = diagnosis.profile_takeaway(client, t, dimension)
        report.say(takeaway, **facts)

# %%
emotion_metric = comment_emotions.outcome_metric(client)
behaviour = comment_emotions.buying_behaviour(client, emotion_metric) if emotion_metric else None
if behaviour is not None:
    report.heading("emotions.buying_heading", level=3 if "segment" in survey else 2)
    report.say("emotions.buying_text")
    report.table(comment_emotions.buying_table(behaviour, emotion_metric, t))
    takeaway, facts = comment_emotions.buying_takeaway(behaviour, emotion_metric, t)
    report.say(takeaway, **facts)

# %%
report.heading("diagnosis.emotions_heading")
if not client.comments().empty:
    if overview.comments_templated(client.comments()):
        repeated = {
            key: t.number(value) for key, value in overview.comment_repeats(client.comments()).items()
        }
        report.caution("diagnosis.comments_templated", **repeated)
        report.consultant("diagnosis.check.comments_templated", **repeated)
    comments = diagnosis.comment_analysis(client)
    report.say("diagnosis.emotions_text", n=t.number(len(comments.comments)))
    method, facts = diagnosis.sentiment_method(comments, t)
    report.say(method, **facts)
    report.say("diagnosis.themes_discovered" if comments.discovered else "diagnosis.themes_keywords")
    if comments.discovered:
        report.consultant("diagnosis.check.themes_names")
    if "nps" in survey:
        if comments.calibration.method == "classifier":
            report.say("diagnosis.sentiment_chart_lexicon")
        report.chart(diagnosis.sentiment_chart(client, comments, t))
    if diagnosis.theme_outcome(client):
        report.table(diagnosis.theme_table(client, comments, t))
        takeaway, facts = diagnosis.theme_takeaway(client, comments, t)
        report.say(takeaway, **facts)
        for metric in diagnosis.theme_outcomes(client)[1:]:
            takeaway, facts = diagnosis.theme_takeaway(client, comments, t, metric)
            report.say(takeaway, **facts)
    if diagnosis.hidden_theme_count(comments):
        report.caution(
            "diagnosis.themes_hidden",
            count=t.number(diagnosis.hidden_theme_count(comments)),
            minimum=t.number(diagnosis.MIN_THEME_MENTIONS),
        )
    report.heading("diagnosis.quotes_heading", level=3)
    report.table(diagnosis.example_quotes(client, comments, t))
else:
    report.caution("diagnosis.no_comments")

# %%
reading = comment_emotions.read_emotions(client)
by_outcome = shuffled = None
if reading is not None:
    report.heading("emotions.heading", level=3, anchor="comment-emotions")
    report.say("emotions.text")
    if comment_emotions.present(reading.flags):
        report.table(comment_emotions.overall_table(reading, t))
    if comment_emotions.absent(reading.flags):
        report.say(
            "emotions.absent",
            plural=len(comment_emotions.absent(reading.flags)),
            names=comment_emotions.absent_names(reading.flags, t),
        )
    for figure in comment_emotions.journey_charts(client, reading, t):
        report.chart(figure)
    if emotion_metric:
        report.heading("emotions.outcome_heading", level=3)
        report.say("emotions.outcome_text")
        by_outcome = comment_emotions.outcome_comparison(client, reading, emotion_metric)
        report.table(comment_emotions.outcome_table(by_outcome, emotion_metric, t))
        takeaway, facts = comment_emotions.outcome_takeaway(by_outcome, emotion_metric, t)
        report.say(takeaway, **facts)
        shuffled = comment_emotions.shuffled_findings(client, reading, emotion_metric)
        report.say("emotions.null", plural=shuffled)

# %%
report.end()
results.publish(
    report_dir,
    "01_diagnosis",
    diagnosis.step_results(
        client, diagnosis.overall_metrics(survey, client.survey_scales), targets, weights, comparison, slopes
    )
    | {"league": units.league_results(league)}
    | (
        {"emotions": comment_emotions.published(reading, emotion_metric, by_outcome, shuffled)}
        if reading is not None
        else {}
    )
    | ({"waves": survey_waves.waves_results(wave_analysis)} if wave_analysis is not None else {}),
)

# %% [markdown]
# ## Explore
#
# In JupyterLab only (never in the report): the filter bar recomputes this step's figures on the chosen
# segment, unit, channel, touchpoint or dates; click a bar or point to list what lies behind it; the driver
# explorer fits the outcome on the predictors you choose, on the same view.

# %%
from cxlib import explore

explore.explorer(report, "01_diagnosis", drivers=True)

# %% [markdown]
# ## Workshop
#
# In JupyterLab, the next cell opens the self-assessment editor: type a respondent's name, press Load, answer
# each question with evidence, press Save (the previous table is kept in `backups/`).

# %%
from cxlib.inputs.workshop import assessment_editor

assessment_editor(client.directory)

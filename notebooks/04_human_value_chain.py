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
# # 04 · Human value chain
#
# Consultant notes (not shown in the report): pillar × role enablement, the unit-level linkage employees →
# customers → results, outlying units, and culture → behaviours.

# %% tags=["parameters"]
client_dir = ""  # the client folder (set by cxwb run)
report_dir = ""  # where this run writes its files (set by cxwb run; empty: reports/<slug>/interactive/)
cut = ""  # one segment only (set by cxwb run --cut, e.g. segment and PyME); empty: the whole client

# %%
import cxlib
from cxlib.render import results
from cxlib.steps import chain, human_value_chain

report = cxlib.setup(client_dir, report_dir, cut)
client, t, report_dir = report.client, report.t, report.report_dir
employees = client.tables["employees"]
roles = links = ex = slope = value = None
chains = []
report.title("04_human_value_chain")
report.say("value_chain.intro")
enps = human_value_chain.employee_nps(employees)
if enps is not None:
    report.say("value_chain.enps", value=t.interval(enps.value, enps.low, enps.high), n=t.number(enps.n))
    report.small_sample(enps.n)

# %%
report.heading("value_chain.matrix_heading")
if human_value_chain.enablement_columns(employees):
    min_group = client.config.privacy.min_group
    report.say("value_chain.matrix_text", minimum=t.number(human_value_chain.cell_minimum(min_group)))
    roles = human_value_chain.pillar_role_matrix(employees, "role", min_group)
    report.chart(
        human_value_chain.matrix_chart(roles, t("value_chain.role_title"), t("value_chain.role_axis"), t)
    )
    if "office" in employees:
        offices = human_value_chain.pillar_role_matrix(
            employees.assign(
                office=employees["office"].map(lambda key: t(f"office.{key}"), na_action="ignore")
            ),
            "office",
            min_group,
        )
        report.chart(
            human_value_chain.matrix_chart(
                offices, t("value_chain.office_title"), t("value_chain.office_axis"), t
            )
        )
else:
    report.caution("value_chain.no_enablement")
    report.consultant("value_chain.check.no_enablement")

# %%
report.heading("value_chain.linkage_heading", anchor="linkage")
units = human_value_chain.unit_scores(client) if client.has("survey") else None
ex = human_value_chain.ex_measure(units) if units is not None else None
if ex is None or "nps" not in units:
    report.caution("value_chain.no_linkage")
elif not human_value_chain.enough_units(units):
    report.caution(
        "value_chain.few_units", n=int((~units["thin"]).sum()), minimum=human_value_chain.MIN_UNITS
    )
    ex = None
else:
    report.say("value_chain.linkage_text")
    outcomes = human_value_chain.result_columns(units)
    links = human_value_chain.linkage(units, ex, "nps", outcomes)
    slope = human_value_chain.ex_cx_slope(units, ex)
    report.say(
        "value_chain.ex_cx_finding" if links[0].finding else "value_chain.ex_cx_none",
        **human_value_chain.correlation_facts(links[0], t),
    )
    report.table(human_value_chain.correlation_table(links, t))
    report.caution("value_chain.caveat", n=links[0].n)
    if units["thin"].any():
        report.caution("value_chain.thin_units", units=", ".join(units.index[units["thin"]]))
    value = human_value_chain.point_value(units)
    if value is not None:
        report.say(
            "value_chain.point_value", **human_value_chain.point_value_facts(value, client.config.currency, t)
        )

# %%
if ex is not None and "nps" in units:
    report.heading("value_chain.chain.heading", anchor="chain")
    chains = chain.fit_chains(units, ex)
    if chains:
        report.say("value_chain.chain.text")
    else:
        report.caution("value_chain.chain.none")
    for fitted in chains:
        report.chart(chain.chain_chart(fitted, t))
        report.table(chain.chain_table(fitted, t))
        if fitted.permutations:
            report.say("value_chain.chain.null", **chain.null_facts(fitted, t))
        report.caution(
            "value_chain.chain.few_units" if fitted.few_units else "value_chain.chain.exploratory",
            **chain.few_units_facts(fitted, t),
        )

# %%
if ex is not None and "nps" in units:
    report.heading("value_chain.quadrant_heading")
    outliers = human_value_chain.outlier_units(units, ex, "nps")
    report.chart(human_value_chain.quadrant_chart(units, ex, "nps", outliers, t))
    if outliers:
        report.say("value_chain.outliers_text")
        report.table(human_value_chain.explain_outliers(client, units, outliers, ex, "nps", t))
    else:
        report.say("value_chain.no_outliers")

# %%
report.heading("value_chain.culture_heading")
culture = human_value_chain.culture_behaviour(employees)
if culture is None:
    report.caution("value_chain.no_culture")
    report.consultant("value_chain.check.no_culture")
else:
    report.say("value_chain.culture_text")
    report.chart(human_value_chain.culture_chart(culture, t))
    report.say("value_chain.strongest_culture", **human_value_chain.strongest_culture(culture, t))

# %%
report.end()
results.publish(
    report_dir,
    "04_human_value_chain",
    human_value_chain.step_results(links, ex, roles, enps, slope=slope, value=value)
    | {"chains": chain.chain_results(chains)},
)

# %% [markdown]
# Explore, in JupyterLab only (never in the report): the filter bar recomputes this step's figures on the
# chosen segment, unit, channel, touchpoint or dates; click a bar or point to list what lies behind it.

# %%
from cxlib import explore

explore.explorer(report, "04_human_value_chain")

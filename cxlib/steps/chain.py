"""Step 04's one human value chain: the unit scores of the value chain step read as one serial path
model, culture → employee experience → employee behaviour → customer experience → customer
behaviour → results (:func:`cxlib.stats.value_chain.chain_model`), drawn as a diagram with each
link's standardised coefficient and interval, a table, and a verdict saying where the chain holds
and where it breaks.

The unit scores come from :func:`cxlib.steps.human_value_chain.unit_scores` (the notebook passes
them; steps exchange results, not imports). A node enters the chain only when it is measured: the
culture and behaviour items of the employee survey, the EX measure, the customers' NPS, retention
from the units' results (the customers' behaviour) and each business result.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cxlib.core.i18n import Translator
from cxlib.render.charts import with_takeaway
from cxlib.stats.value_chain import FEW_UNITS, ChainModel, chain_model

#: Which unit-score column measures each node; ``ex`` and the results are filled in per client.
NODE_COLUMNS = {"culture": "culture", "employee_behaviour": "employee_behaviour", "cx": "nps"}
#: Customer behaviour per unit, first present wins (retention from the units' results, else the
#: survey's buying behaviour); the results reached through it (what customers who stay bring).
CUSTOMER_BEHAVIOUR = ("retention", "repurchase", "cross_sell")
RESULTS = ("revenue_per_customer",)
#: Results read straight after the customers' experience, never after their behaviour: a complaint
#: comes before a customer leaves, so "retention → complaints" would read the chain backwards.
EXPERIENCE_RESULTS = ("complaints_rate",)
HOLDS_COLOUR, BROKEN_COLOUR, NODE_COLOUR = "#1E8449", "#C0392B", "#1B4F72"
#: Half a node box's width, in the diagram's node spacing (the arrows fill the rest).
BOX_HALF_WIDTH = 0.36


def chain_columns(units: pd.DataFrame, ex: str) -> list[tuple[str, ...]]:
    """The measured chain for each result: the unit-score columns from culture to that result, in
    order, skipping nodes this client does not measure (at least three nodes, else none). The
    results of :data:`RESULTS` follow the customers' behaviour; those of
    :data:`EXPERIENCE_RESULTS` (complaints) follow the customers' experience directly."""
    usable = units[~units["thin"]]

    def measured(column: str) -> bool:
        return column in usable and usable[column].notna().sum() > 0

    nodes = [NODE_COLUMNS["culture"], ex, NODE_COLUMNS["employee_behaviour"], NODE_COLUMNS["cx"]]
    experience = tuple(column for column in nodes if measured(column))
    behaviour = next((c for c in CUSTOMER_BEHAVIOUR if measured(c)), None)
    head = experience + ((behaviour,) if behaviour else ())
    chains = [head + (result,) for result in RESULTS if measured(result)] or [head]
    chains += [experience + (result,) for result in EXPERIENCE_RESULTS if measured(result)]
    return [chain for chain in chains if len(chain) >= 3]


def fit_chains(units: pd.DataFrame, ex: str, seed: int = 0) -> list[ChainModel]:
    """:func:`~cxlib.stats.value_chain.chain_model` of each of :func:`chain_columns` over the units
    that are not thin (the employee-side columns shuffled in its null test)."""
    usable = units[~units["thin"]]
    employee_side = (NODE_COLUMNS["culture"], ex, NODE_COLUMNS["employee_behaviour"])
    models = [chain_model(usable, chain, employee_side, seed=seed) for chain in chain_columns(units, ex)]
    return [model for model in models if model is not None]


def _name(node: str, t: Translator) -> str:
    return t(f"value_chain.measure.{node}")


def verdict(model: ChainModel, t: Translator) -> tuple[str, dict[str, str]]:
    """The catalogue key and figures of the sentence that says whether the chain holds, how much of
    the first node's association with the result it carries, and where it breaks."""
    facts = {
        "start": _name(model.nodes[0], t),
        "end": _name(model.nodes[-1], t),
        "indirect": t.interval(model.indirect, model.low, model.high, 2),
        "n": t.number(model.n),
        "p": t.p_value(model.permutation_p),
    }
    weakest = model.weakest
    if weakest is not None:
        facts |= {
            "source": _name(weakest.source, t),
            "target": _name(weakest.target, t),
            "beta": t.interval(weakest.beta, weakest.low, weakest.high, 2),
        }
        return "value_chain.chain.breaks", facts
    if not model.finding:
        return "value_chain.chain.product_unclear", facts
    if model.carried == model.carried:  # the total differs from zero: the share is meaningful
        facts["carried"] = t.interval(model.carried, model.carried_low, model.carried_high, 0, percent=True)
        return "value_chain.chain.holds_carried", facts
    return "value_chain.chain.holds", facts


def null_facts(model: ChainModel, t: Translator) -> dict[str, str]:
    """The figures of ``value_chain.chain.null``: the permutation p-value and how many
    permutations it counts."""
    return {"p": t.p_value(model.permutation_p), "permutations": t.number(model.permutations)}


def few_units_facts(model: ChainModel, t: Translator) -> dict[str, str]:
    """The figures of ``value_chain.chain.few_units`` and ``value_chain.chain.exploratory``."""
    return {"n": t.number(model.n), "minimum": t.number(FEW_UNITS)}


def chain_chart(model: ChainModel, t: Translator) -> go.Figure:
    """The chain as a diagram: one box per node, left to right, and an arrow per link labelled with
    its standardised coefficient and 95% interval, green where the interval excludes zero and red
    (dashed) where it does not; the verdict is its takeaway."""
    figure = go.Figure()
    count = len(model.nodes)
    for position, node in enumerate(model.nodes):
        figure.add_shape(
            type="rect",
            x0=position - BOX_HALF_WIDTH,
            x1=position + BOX_HALF_WIDTH,
            y0=-0.3,
            y1=0.3,
            fillcolor=NODE_COLOUR,
            line={"width": 0},
        )
        figure.add_annotation(
            x=position,
            y=0,
            text="<br>".join(_wrapped(_name(node, t))),
            showarrow=False,
            font={"color": "white", "size": 11},
        )
    for position, link in enumerate(model.links):
        colour = HOLDS_COLOUR if link.finding else BROKEN_COLOUR
        figure.add_annotation(
            x=position + 1 - BOX_HALF_WIDTH,
            y=0,
            ax=position + BOX_HALF_WIDTH,
            ay=0,
            xref="x",
            yref="y",
            axref="x",
            ayref="y",
            showarrow=True,
            arrowhead=3,
            arrowsize=1.4,
            arrowwidth=2.5 if link.finding else 1.5,
            arrowcolor=colour,
            text="",
        )
        figure.add_annotation(
            x=position + 0.5,
            y=0.52,
            text=f"β = {t.number(link.beta, 2)}<br>{t.bounds(link.low, link.high, 2)}",
            showarrow=False,
            font={"color": colour, "size": 12},
        )
    figure.add_annotation(
        x=(count - 1) / 2,
        y=-0.62,
        text=t(
            "value_chain.chain.indirect_label",
            indirect=t.interval(model.indirect, model.low, model.high, 2),
            n=t.number(model.n),
        ),
        showarrow=False,
        font={"size": 13},
    )
    figure.update_xaxes(visible=False, range=[-0.6, count - 0.4])
    figure.update_yaxes(visible=False, range=[-0.9, 0.8])
    figure.update_layout(
        title=t("value_chain.chain.title", end=_name(model.nodes[-1], t), n=model.n),
        height=300,
        showlegend=False,
        plot_bgcolor="white",
    )
    key, facts = verdict(model, t)
    return with_takeaway(figure, key, **facts)


def _wrapped(text: str, width: int = 13) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + len(word) < width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def chain_table(model: ChainModel, t: Translator) -> pd.DataFrame:
    """Each link with its standardised coefficient, interval and p-value and whether it holds,
    then the indirect effect (bootstrap interval) and the total association of the chain's ends."""
    rows = [
        {
            t("value_chain.col.link"): f"{_name(link.source, t)} → {_name(link.target, t)}",
            t("value_chain.chain.col.beta"): t.interval(link.beta, link.low, link.high, 2),
            t("value_chain.chain.col.p"): t.p_cell(link.p_value),
            t("value_chain.col.finding"): _finding(link.finding, t),
        }
        for link in model.links
    ]
    ends = f"{_name(model.nodes[0], t)} → {_name(model.nodes[-1], t)}"
    rows.append(
        {
            t("value_chain.col.link"): t("value_chain.chain.indirect_row", ends=ends),
            t("value_chain.chain.col.beta"): t.interval(model.indirect, model.low, model.high, 2),
            t("value_chain.chain.col.p"): "–",
            t("value_chain.col.finding"): _finding(model.finding, t),
        }
    )
    rows.append(
        {
            t("value_chain.col.link"): t("value_chain.chain.total_row", ends=ends),
            t("value_chain.chain.col.beta"): t.interval(model.total, model.total_low, model.total_high, 2),
            t("value_chain.chain.col.p"): "–",
            t("value_chain.col.finding"): _finding(model.total_low > 0 or model.total_high < 0, t),
        }
    )
    return pd.DataFrame(rows)


def _finding(excludes_zero: bool, t: Translator) -> str:
    return t("value_chain.finding_yes" if excludes_zero else "value_chain.finding_no")


def chain_results(models: list[ChainModel]) -> list[dict]:
    """What the step publishes of each chain: its nodes, links, indirect effect, share carried and
    where it breaks."""
    return [
        {
            "nodes": list(model.nodes),
            "links": [
                {
                    "source": link.source,
                    "target": link.target,
                    "beta": link.beta,
                    "low": link.low,
                    "high": link.high,
                    "p": link.p_value,
                    "finding": link.finding,
                }
                for link in model.links
            ],
            "indirect": {"value": model.indirect, "low": model.low, "high": model.high},
            "total": {"value": model.total, "low": model.total_low, "high": model.total_high},
            "carried": {"value": model.carried, "low": model.carried_low, "high": model.carried_high},
            "permutation_p": model.permutation_p,
            "holds": model.holds,
            "breaks_at": None if model.weakest is None else [model.weakest.source, model.weakest.target],
            "n": model.n,
        }
        for model in models
    ]

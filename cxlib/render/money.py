"""The action plan's money as the client reads it, written one way for the plan's page and the deck.

The action plan (:func:`cxlib.steps.action_plan.returns`) computes per initiative the yearly
benefit at full effect, the return over its horizon and the payback month, each central, low and
high, where a value of one outcome point exists (declared with its source, or measured by the
human value chain), and the cost per expected point everywhere. It publishes those columns
(:data:`MONEY_COLUMNS`) in its results; :func:`money_cells` turns them into the texts both the
plan's money table and the deck's initiatives table show, so the two tell one story.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from cxlib.core.i18n import Translator

#: The money measures, each with ``_low`` and ``_high`` bounds.
MONEY_MEASURES = ("benefit", "return", "payback", "cost_per_point")
#: The columns the plan publishes per initiative for its money (:func:`money_cells` reads them).
MONEY_COLUMNS = (
    *(f"{measure}{suffix}" for measure in MONEY_MEASURES for suffix in ("", "_low", "_high")),
    "value_source",
    "valued",
)


def _ranged(money: pd.DataFrame, measure: str, shown: Callable[[float], str]) -> list[str]:
    """``central [low; high]`` per row ("–" where the central figure is missing)."""
    return [
        f"{shown(value)} [{shown(low)}; {shown(high)}]" if pd.notna(value) else "–"
        for value, low, high in money[[measure, f"{measure}_low", f"{measure}_high"]].to_numpy()
    ]


def money_cells(money: pd.DataFrame, currency: str, horizon_months: int, t: Translator) -> pd.DataFrame:
    """The texts of each initiative's money (``money``: :data:`MONEY_COLUMNS`), same index:
    ``benefit``, ``return`` and ``payback`` where a point's value exists (``valued``), with their
    ``[low; high]``, a payback beyond the horizon written as such (``> 36``); ``cost_per_point``
    everywhere; ``value_source`` or "–"."""
    valued = money["valued"].fillna(False).astype(bool)

    def months(value: float) -> str:
        return (
            t.number(value) if pd.notna(value) else t("plan.payback_beyond", months=t.number(horizon_months))
        )

    cells = pd.DataFrame(
        {
            "cost_per_point": _ranged(money, "cost_per_point", lambda value: t.money(value, currency)),
            "benefit": _ranged(money, "benefit", lambda value: t.money(value, currency)),
            "return": _ranged(money, "return", t.percent),
            "payback": [
                f"{months(value)} [{months(low)}; {months(high)}]"
                for value, low, high in money[["payback", "payback_low", "payback_high"]].to_numpy()
            ],
            "value_source": money["value_source"].where(valued).fillna("–").astype(str).to_numpy(),
        },
        index=money.index,
    )
    cells.loc[~valued.to_numpy(), ["benefit", "return", "payback"]] = "–"
    return cells

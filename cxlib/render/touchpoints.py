"""How a client page names a touchpoint: by the client's own name for it, never by its code."""

from __future__ import annotations

import pandas as pd


def touchpoint_names(journey: pd.DataFrame) -> pd.Series:
    """Touchpoint id → the name a client page shows: the touchpoint's name, with its channel when two
    touchpoints share that name. The id is the consultant's code (checks page), never the client's.

    Parameters
    ----------
    journey
        The journey table (``touchpoint_id``, ``touchpoint``, optionally ``channel``).

    Returns
    -------
    pandas.Series
        Names indexed by touchpoint id.
    """
    table = journey.set_index("touchpoint_id")
    names = table["touchpoint"].fillna("").astype(str)
    channels = (
        table["channel"].fillna("").astype(str) if "channel" in table else pd.Series("", index=table.index)
    )
    return names.where(~names.duplicated(keep=False) | channels.eq(""), names + " · " + channels)

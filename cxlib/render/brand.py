"""The client's brand on every deliverable: the logo and colours of ``brand:`` in ``client.yaml``.

Pages, the bundle and the PDF take the colours through the stylesheet's custom properties and carry
the logo embedded as a ``data:`` URI (no file beside the report, no request when opened); charts are
recoloured from the house colours (:data:`cxlib.render.charts.PRIMARY` and
:data:`~cxlib.render.charts.ACCENT`) to the brand's as they are rendered, so step code draws in house
colours only. Without ``brand:`` the house style applies.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cxlib.inputs.config import ClientConfig, read_logo
from cxlib.render.charts import ACCENT, PRIMARY


@dataclass(frozen=True)
class Brand:
    """A client's colours and embedded logo, ready to render."""

    primary: str = PRIMARY
    accent: str = ACCENT
    #: The logo as a ``data:`` URI ("" without a logo).
    logo: str = ""
    #: The client's name, the logo's alternative text.
    name: str = ""

    def css(self) -> str:
        """The stylesheet lines that put the brand's colours on a page."""
        return f":root {{ --cx-accent: {self.primary}; --cx-accent-2: {self.accent}; }}"

    def logo_html(self) -> str:
        """The logo's ``<img>`` for the top of a page ("" without a logo)."""
        if not self.logo:
            return ""
        return f'<img class="cx-logo" alt="{html.escape(self.name)}" src="{self.logo}">'

    def recolour(self, value: object) -> object:
        """``value`` (a plotly figure as a dict, or any part of one) with the house colours replaced by
        the brand's."""
        colours = {PRIMARY.upper(): self.primary, ACCENT.upper(): self.accent}

        def swap(part: object) -> object:
            if isinstance(part, str):
                return colours.get(part.upper(), part)
            if isinstance(part, dict):
                return {key: swap(item) for key, item in part.items()}
            if isinstance(part, list | tuple):
                return [swap(item) for item in part]
            if isinstance(part, np.ndarray) and part.dtype.kind in "UO":
                return [swap(item) for item in part.tolist()]
            return part

        return swap(value)


HOUSE = Brand()


def brand_of(config: ClientConfig, client_dir: Path) -> Brand:
    """The brand of a validated client (its logo read again through
    :func:`cxlib.inputs.config.read_logo`, inside the client folder and decoded whole)."""
    settings = config.brand
    logo = ""
    if settings.logo is not None:
        mime, data = read_logo(settings, client_dir)
        logo = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    return Brand(
        primary=settings.primary or PRIMARY, accent=settings.accent or ACCENT, logo=logo, name=config.name
    )

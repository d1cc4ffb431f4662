"""Images a deliverable embeds (the client's logo, the commentary's figures): recognised by decoding
their bytes with Pillow, never by their name or first bytes alone, and capped in size, since every
page carries them."""

from __future__ import annotations

import io
import warnings

from PIL import Image

#: Every page embeds the image as a ``data:`` URI, so it is kept small.
MAX_IMAGE_BYTES = 512 * 1024
#: Pillow's format name → MIME type of the raster images every browser, PDF and PowerPoint shows.
RASTER_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}


def image_type(data: bytes, formats: tuple[str, ...] = tuple(RASTER_TYPES)) -> str | None:
    """The MIME type of ``data`` when it decodes whole as one of ``formats`` (Pillow names), else
    ``None``: a text file named ``.png``, a truncated PNG or a decompression bomb is no image."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format
                image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None
    return RASTER_TYPES.get(kind) if kind in formats else None

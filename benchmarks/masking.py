"""Precision and recall of the personal-data masker, per kind, on the labelled corpus of
``tests/masking_corpus.py`` (generated, seeded, Spanish and English: every kind of personal data
the masker handles and ordinary text that looks like it).

Recall per kind: true spans masked with the right tag. Precision per tag: masked spans that lie on
personal data of a kind with that tag (a masked aircraft type or date is a false positive).

    python benchmarks/masking.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from masking_corpus import corpus, scores  # noqa: E402

from cxlib.stats.personal_data import mask_personal_data  # noqa: E402


def main() -> None:
    """Print the corpus size and the recall and precision tables."""
    examples = corpus()
    masked = mask_personal_data(pd.Series([text for text, _ in examples])).tolist()
    recall, precision = scores(examples, masked)
    look_alikes = sum(not truth for _, truth in examples)
    print(f"{len(examples)} texts ({look_alikes} with no personal data)\n")
    print(recall.to_string(float_format="{:.3f}".format), "\n")
    print(precision.to_string(float_format="{:.3f}".format))
    wrong = [
        (text, out) for (text, truth), out in zip(examples, masked, strict=True) if not truth and text != out
    ]
    print(f"\nlook-alikes changed: {len(wrong)}", *(f"  {t!r} → {o!r}" for t, o in wrong), sep="\n")


if __name__ == "__main__":
    main()

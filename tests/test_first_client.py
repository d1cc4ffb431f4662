"""A first client in ten minutes: ``cxwb new --industry`` writes examples of the client's trade (or
neutral ones) that validate, and ``cxwb map`` prints a survey mapping that validates after the edits
it lists."""

from __future__ import annotations

import pytest

from cxlib.cli import main
from cxlib.inputs.industries import INDUSTRIES, industry_examples

#: Words of a bank's examples that no other industry's scaffold may carry.
BANK_WORDS = ("bank", "banca", "account", "cuenta", "branch", "sucursal", "kyc")


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("industry", INDUSTRIES)
def test_every_industry_scaffolds_a_client_that_validates(tmp_path, capsys, industry, language):
    folder = tmp_path / f"{industry}-{language}"
    assert main(["new", str(folder), "--industry", industry, "--language", language]) == 0
    assert main(["validate", str(folder)]) == 0, capsys.readouterr().out
    examples = industry_examples()[industry][language]
    text = "\n".join(path.read_text(encoding="utf-8") for path in sorted(folder.iterdir())).casefold()
    for key in ("industry", "touchpoint", "initiative", "role", "unit", "evidence", "value_promise"):
        assert examples[key].casefold() in text, key
    assert all(segment.casefold() in text for segment in examples["segments"])
    if industry != "bank":
        assert not [word for word in BANK_WORDS if word in text]


def test_every_industry_gives_every_example_in_both_languages():
    keys = set(industry_examples()["generic"]["en"])
    for industry in INDUSTRIES:
        assert set(industry_examples()[industry]) == {"es", "en"}
        for language in ("es", "en"):
            assert set(industry_examples()[industry][language]) == keys, (industry, language)
    hotel = industry_examples()["hotel"]
    assert hotel["es"]["touchpoint"] != hotel["en"]["touchpoint"]


def test_an_unknown_industry_is_one_cxwb_line(tmp_path, capsys):
    assert main(["new", str(tmp_path / "x"), "--industry", "bakery"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("cxwb: argument --industry: invalid choice: 'bakery'") and "hotel" in error
    assert not (tmp_path / "x").exists()

"""Nothing is read from outside the client folder: every reader of client files goes through
:mod:`cxlib.core.guard`, and this test throws the same escapes at each of them.

Each reader gets a file whose content is a secret kept outside the client folder, reached three
ways: a symbolic link in the client folder, a ``..`` path, and an absolute path (where the reader
takes a name from ``client.yaml``). The validation must name the file and say it is outside, and
the secret must appear nowhere in what was loaded.
"""

from __future__ import annotations

import base64
import io
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
import synthetic
import yaml
from PIL import Image

from cxlib.core.guard import MAX_TABLE_BYTES, ClientFileError, client_file, read_client_bytes
from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.client import check_client

SECRET = "SECRET-FROM-OUTSIDE"


def png(colour: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), colour).save(buffer, "PNG")
    return buffer.getvalue()


def edit_config(folder: Path, **changes) -> None:
    synthetic.edit_config(folder, lambda config: config.update(changes))


def units_frame() -> pd.DataFrame:
    units = pd.read_csv(DEMO_CLIENTS_DIR / "demo" / "units.csv", dtype=str)
    units.loc[0, "region"] = SECRET
    return units


def write_units(path: Path) -> None:
    """The demo's units table, with a secret cell, in the format the name's extension says."""
    frame = units_frame()
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    elif path.suffix == ".xlsx":
        frame.to_excel(path, index=False)
    elif path.suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        pyreadstat.write_sav(frame, str(path))


def population(path: Path) -> None:
    path.write_text(f"field,category,share\nSegmento,{SECRET},1\n", encoding="utf-8")


def commentary(path: Path) -> None:
    path.write_text(f"## summary\n\n{SECRET}\n", encoding="utf-8")


def image(path: Path) -> None:
    path.write_bytes(png())


#: reader → (the name client.yaml or the folder gives it, how to write the outside file, how to
#: point the client at it given that name, the problem's prefix).
Setup = Callable[[Path, str], None]


def table_reader(extension: str) -> tuple[str, Callable[[Path], None], Setup, str]:
    def point(folder: Path, name: str) -> None:
        (folder / "units.csv").unlink()

    return f"units{extension}", write_units, point, f"units{extension}: is a link"


def point_population(folder: Path, name: str) -> None:
    edit_config(folder, weighting={"by": ["Segmento"], "population": name})


def point_commentary(folder: Path, name: str) -> None:
    pass


def point_image(folder: Path, name: str) -> None:
    (folder / "commentary.md").write_text(
        f"## summary\n\nThe verdict.\n\n![chart]({name})\n", encoding="utf-8"
    )


def point_logo(folder: Path, name: str) -> None:
    edit_config(folder, brand={"logo": name})


def point_inbox(folder: Path, name: str) -> None:
    (folder / "inbox").mkdir(exist_ok=True)


def inbox_rows(path: Path) -> None:
    path.write_text(f"timestamp,touchpoint_id,score\n2025-03-01 10:00,{SECRET},4\n", encoding="utf-8")


def configuration(path: Path) -> None:
    config = yaml.safe_load((DEMO_CLIENTS_DIR / "demo" / "client.yaml").read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump({**config, "name": SECRET}, allow_unicode=True), encoding="utf-8")


def point_configuration(folder: Path, name: str) -> None:
    (folder / name).unlink()


READERS = {
    "client.yaml": ("client.yaml", configuration, point_configuration, "client.yaml: is a link"),
    "table csv": table_reader(".csv"),
    "table xlsx": table_reader(".xlsx"),
    "table parquet": table_reader(".parquet"),
    "table sav": table_reader(".sav"),
    "population": ("population.csv", population, point_population, "client.yaml: weighting.population:"),
    "commentary": ("commentary.md", commentary, point_commentary, "commentary.md: is a link"),
    "commentary image": ("chart.png", image, point_image, "commentary.md:5: image chart.png: is a link"),
    "logo": ("logo.png", image, point_logo, "client.yaml: brand.logo: 'logo.png' is a link"),
    "inbox file": (
        "inbox/interactions-001.csv",
        inbox_rows,
        point_inbox,
        "inbox/interactions-001.csv: is a link",
    ),
}
#: Readers that take the name from client.yaml (or a commentary), so a path can try to escape too.
NAMED = {"population", "commentary image", "logo"}


def loaded_text(client) -> str:
    """Everything the validation loaded, as text: tables, commentary, margins."""
    parts = [table.to_csv() for table in client.tables.values()]
    if client.commentary is not None:
        parts += list(client.commentary.sections.values())
    parts += [series.to_csv() for series in client.margins.values()]
    return "\n".join(parts)


def secret_is_absent(client) -> bool:
    text = loaded_text(client)
    encoded = base64.b64encode(png()).decode("ascii")
    return SECRET not in text and encoded not in text


@pytest.fixture
def client_and_outside(tmp_path) -> tuple[Path, Path]:
    folder = tmp_path / "client" / "demo"
    shutil.copytree(DEMO_CLIENTS_DIR / "demo", folder)
    outside = tmp_path / "outside"
    outside.mkdir()
    return folder, outside


@pytest.mark.parametrize("reader", READERS)
def test_a_link_leading_outside_the_client_folder_is_refused_by_every_reader(client_and_outside, reader):
    folder, outside = client_and_outside
    name, write, point, expected = READERS[reader]
    target = outside / Path(name).name
    write(target)
    point(folder, name)
    (folder / name).parent.mkdir(exist_ok=True)
    os.symlink(target, folder / name)
    client, problems = check_client(folder)
    messages = [str(problem) for problem in problems]
    assert any(message.startswith(expected) for message in messages), messages
    assert all(str(outside) not in message for message in messages)  # says what, not where
    assert client is None or secret_is_absent(client)


@pytest.mark.parametrize("reader", sorted(NAMED))
@pytest.mark.parametrize("escape", ["dotdot", "absolute"])
def test_a_name_leading_outside_the_client_folder_is_refused(client_and_outside, reader, escape):
    folder, outside = client_and_outside
    name, write, point, _ = READERS[reader]
    target = outside / Path(name).name
    write(target)
    given = os.path.relpath(target, folder) if escape == "dotdot" else str(target)
    point(folder, given)
    client, problems = check_client(folder)
    assert any("is outside the client folder" in str(problem) for problem in problems), problems
    assert client is None or secret_is_absent(client)


def test_population_outside_through_many_dotdots_is_a_problem_not_a_traceback(demo_copy):
    edit_config(demo_copy, weighting={"by": ["Segmento"], "population": "../" * 12 + "etc/passwd"})
    messages = [str(problem) for problem in check_client(demo_copy)[1]]
    assert messages == [
        "client.yaml: weighting.population: ../../../../../../../../../../../../etc/passwd is outside the "
        "client folder; copy the population shares into the client folder and name it relative to client.yaml"
    ]


def test_a_link_inside_the_client_folder_is_read(client_and_outside):
    folder, _ = client_and_outside
    (folder / "data").mkdir()
    (folder / "units.csv").rename(folder / "data" / "units.csv")
    os.symlink(Path("data") / "units.csv", folder / "units.csv")
    client, problems = check_client(folder)
    assert problems == [] and len(client.tables["units"]) > 0


def test_the_guard_refuses_a_folder_a_dangling_link_and_a_file_over_its_size(tmp_path):
    (tmp_path / "folder.csv").mkdir()
    os.symlink(tmp_path / "nowhere.csv", tmp_path / "dangling.csv")
    (tmp_path / "big.csv").write_bytes(b"x" * 2048)
    with pytest.raises(ClientFileError, match="is a folder"):
        client_file(tmp_path, "folder.csv")
    with pytest.raises(ClientFileError, match="link to a missing file"):
        client_file(tmp_path, "dangling.csv")
    with pytest.raises(ClientFileError, match=r"big.csv: is 2.0 KB, more than the 1.0 KB allowed"):
        read_client_bytes(tmp_path, "big.csv", "the table", limit=1024)
    assert read_client_bytes(tmp_path, "big.csv") == b"x" * 2048


def test_a_table_larger_than_the_limit_is_refused_before_it_is_read(demo_copy, monkeypatch):
    """A sparse file of 1 GB and a byte: refused by its size, without reading it (no memory used)."""
    with open(demo_copy / "survey.csv", "r+b") as stream:
        stream.truncate(MAX_TABLE_BYTES + 1)
    messages = [str(problem) for problem in check_client(demo_copy)[1]]
    assert any(
        message.startswith("survey.csv: is 1.0 GB, more than the 1.0 GB allowed") for message in messages
    )


def test_an_empty_workbook_and_a_five_megabyte_line_are_located_not_crashes(demo_copy):
    import openpyxl

    (demo_copy / "units.csv").unlink()
    openpyxl.Workbook().save(demo_copy / "units.xlsx")
    messages = [str(problem) for problem in check_client(demo_copy)[1]]
    assert "units.xlsx: is empty; add a header row and data, or delete the file" in messages
    (demo_copy / "units.xlsx").unlink()
    units = (DEMO_CLIENTS_DIR / "demo" / "units.csv").read_text(encoding="utf-8").splitlines()
    long_cell = "x" * 5_000_000
    ragged = [units[0], f"{units[1]},{long_cell}", *units[2:]]
    (demo_copy / "units.csv").write_text("\n".join(ragged) + "\n", encoding="utf-8")
    messages = [str(problem) for problem in check_client(demo_copy)[1]]
    assert any(
        message.startswith("units.csv:2: cannot be read (Expected 6 fields in line 2") for message in messages
    )
    header, first, *rest = units
    cells = first.split(",")
    cells[1] = long_cell  # a five-megabyte region name is read, and it is just a long cell
    (demo_copy / "units.csv").write_text("\n".join([header, ",".join(cells), *rest]) + "\n", encoding="utf-8")
    client, problems = check_client(demo_copy)
    assert problems == [] and client.tables["units"]["region"].str.len().max() == 5_000_000

"""Both demo clients end to end, and the HTML checked for content."""

from __future__ import annotations

import base64
import json
import re

import nbformat
import pandas as pd
import pytest
from plotly.offline import get_plotlyjs_version

from cxlib.core.exceptions import ParameterError
from cxlib.core.i18n import translator
from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.client import load_client
from cxlib.render.bundle import bundle_name
from cxlib.render.charts import PRIMARY
from cxlib.render.export import PLOTLY_FILE, PLOTLY_JS_VERSION, REPORT_TRACES, plotly_js
from cxlib.render.report import chart_html
from cxlib.run.execute import StepResult
from cxlib.run.runner import ClientRun, _finish_client, check_parameters, run
from cxlib.steps import ANNEXES, STEPS, Step, report_order

EXTERNAL_ASSET = re.compile(
    r"""<(?:script[^>]*\ssrc|link[^>]*\shref)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE
)
TITLES = {
    ("demo", "00_overview"): ("Perfil de los datos", "Banco Meridiano", "Tablas de entrada"),
    ("northwind", "00_overview"): ("Data profile", "Northwind Mobile", "Input tables"),
    ("demo", "01_diagnosis"): (
        "Diagnóstico de la experiencia actual",
        "Indicadores del cliente",
        "Wald ajustado",
        "Sin evidencia",
        "La empresa se califica mejor de lo que la perciben sus clientes en: Tiempo y esfuerzo",
        "El pilar que más explica NPS (media de la puntuación 0-10) es Resolución",
        "claramente por delante de Personalización",
    ),
    ("northwind", "01_diagnosis"): (
        "Diagnosis of the current experience",
        "Customer metrics",
        "Adjusted Wald",
        "No evidence",
        "The pillar that explains NPS (mean of the 0-10 score) most is Time &amp; effort",
        "clearly ahead of Expectations",
    ),
    ("demo", "02_participation"): (
        "Participación del cliente",
        "Sin participación",
        "Clientes que diseñan con el banco una cuenta",
        "propiedad intelectual",
        "1. Más conexión siempre es mejor",
        "⚠ Riesgo",
        "No hay recorridos internos mapeados",
    ),
    ("northwind", "02_participation"): (
        "Customer participation",
        "Co-creation",
        "coverage gaps on a map other customers see",
        "content moderation",
        "4. They only serve external customers",
        "internal touchpoints mapped",
        "This is a census",
    ),
    ("demo", "03_journey"): (
        "Mapa del recorrido y monitoreo",
        "Pregunta estratégica",
        "Los momentos de verdad medidos son Soporte, Resolución de problemas",
        "Puntos de contacto en alarma ahora: Transferencias SPEI en app.",
        "Tus transferencias SPEI llegan en segundos, siempre",
        "Descargar el mapa en Excel",
    ),
    ("northwind", "03_journey"): (
        "Journey map and touchpoint monitoring",
        "Strategic question",
        "The measured moments of truth are Set up, Get help",
        "Touchpoints in alarm now: In-store device setup.",
        "Your new phone set up in store in under 20 minutes",
        "Data as of 31 Dec 2025: monitoring covers every measurement",
    ),
    ("demo", "04_human_value_chain"): (
        "Cadena de valor humana",
        "Pilares × roles",
        "Las unidades con mejor experiencia de colaboradores tienen clientes más satisfechos",
        "Advertencias: una correlación no prueba causalidad",
        "Sí (el intervalo excluye 0)",
        "Unidades atípicas",
    ),
    ("northwind", "04_human_value_chain"): (
        "Human value chain",
        "Pillars × roles",
        "Units with better employee experience have more satisfied customers",
        "Caveats: a correlation does not prove causation",
        "Yes (interval excludes 0)",
        "The strongest link is",
    ),
    ("demo", "05_action_plan"): (
        "Plan de acción",
        "objetivos internos",
        "Sin caso de experiencia: CRM corporativo",
        "Carga la capacidad humana fija",
        "Hoja de ruta en tres olas",
        "NPS esperado al cierre",
    ),
    ("northwind", "05_action_plan"): (
        "Action plan",
        "Highest impact per cost",
        "No experience case: Enterprise CRM replacement",
        "Three-wave roadmap",
        "Expected NPS at the end",
    ),
    ("demo", "06_ecosystem"): (
        "Balance 9C del ecosistema",
        "n = 1",
        "Fortalezas: Canales y circulación",
        "Debilidades:",
        "Sin panel de clientes",
    ),
    ("northwind", "06_ecosystem"): (
        "9C ecosystem balance",
        "n = 1",
        "Strengths: Channels &amp; circulation",
        "Weaknesses:",
        "Monthly CX board review",
    ),
}
CHART_TITLES = {
    ("demo", "00_overview"): ("Respuestas por segmento", "Mediciones por mes y canal"),
    ("northwind", "00_overview"): ("Responses by customer type", "Measurements per month by channel"),
    ("demo", "01_diagnosis"): (
        "NPS por segmento (IC 95 %)",
        "Peso de cada pilar sobre NPS",
        "Matriz de prioridades",
    ),
    ("northwind", "01_diagnosis"): (
        "NPS by customer type (95% CI)",
        "Weight of each pillar on NPS",
        "Priority matrix",
    ),
    ("demo", "02_participation"): (
        "Puntos de contacto por nivel de participación",
        "Clientes dispuestos a participar, por segmento",
    ),
    ("northwind", "02_participation"): (
        "Touchpoints by participation level",
        "Customer needs covered by each connected experience",
    ),
    ("demo", "03_journey"): (
        "Recorrido del cliente de Banco Meridiano",
        "Gráficos de control: Transferencias SPEI en app",
    ),
    ("northwind", "03_journey"): (
        "Northwind Mobile customer journey",
        "Control charts: In-store device setup",
    ),
    ("demo", "04_human_value_chain"): (
        "Habilitación de los pilares por rol (0-100)",
        "Experiencia de colaboradores frente a la de clientes",
    ),
    ("northwind", "04_human_value_chain"): (
        "Pillar enablement by role (0-100)",
        "Employee against customer experience",
    ),
    ("demo", "05_action_plan"): (
        "Matriz de priorización: impacto en NPS frente a costo",
        "Hoja de ruta por ola y área",
    ),
    ("northwind", "05_action_plan"): (
        "Prioritisation matrix: impact on NPS against cost",
        "Roadmap by wave and office",
    ),
    ("demo", "06_ecosystem"): ("Balance 9C del capital experiencial (1-5)",),
    ("northwind", "06_ecosystem"): ("9C balance of experiential capital (1-5)",),
}


def visible_text(html: str) -> str:
    """The page without its inline scripts and styles (plotly.js and CSS are not prose)."""
    return re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.DOTALL | re.IGNORECASE)


def without_print_only(html: str) -> str:
    """The page as a screen shows it: each ``cx-print-only`` block (the journey map's printed tables)
    cut out with the ``div`` elements nested in it."""
    kept, position = [], 0
    for block in re.finditer(r'<div class="cx-print-only', html):
        if block.start() < position:
            continue
        depth = 0
        for tag in re.finditer(r"<(/?)div\b[^>]*>", html[block.start() :]):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                kept.append(html[position : block.start()])
                position = block.start() + tag.end()
                break
    return "".join(kept) + html[position:]


def charts_without_a_sentence(html: str) -> int:
    """Charts not followed by a paragraph before the next chart, heading or table, on screen."""
    html = without_print_only(re.sub(r"<script.*?</script>", "", html, flags=re.S))
    following = (
        re.search(r'<p[ >]|class="plotly-graph-div"|<h[1-6][ >]|<table|<footer', html[chart.end() :])
        for chart in re.finditer(r'class="plotly-graph-div"', html)
    )
    return sum(1 for found in following if found is None or not found.group(0).startswith("<p"))


@pytest.mark.parametrize("slug", ["demo", "northwind"])
def test_step_reports_are_clean_offline_deliverables(demo_reports, slug):
    for step in STEPS:
        html = (demo_reports / slug / f"{step.name}.html").read_text(encoding="utf-8")
        text = visible_text(html)
        for title in TITLES[slug, step.name]:
            assert title in text
        for title in CHART_TITLES[slug, step.name]:
            assert json.dumps(title)[1:-1] in html, title  # plotly's JSON escapes non-ASCII
        charts = html.count("data-cx-chart=")  # each chart's figure, as a JSON block
        assert 'class="plotly-graph-div"' in html and charts >= len(CHART_TITLES[slug, step.name])
        assert not EXTERNAL_ASSET.search(html)
        assert charts_without_a_sentence(html) == 0, f"{step.name}: a chart has no takeaway under it"
        if step.name == "03_journey":  # the page links the workbook beside it; the bundle carries it
            assert 'href="03_journey_map.xlsx"' in html
        for forbidden in (
            "In [",
            "Out[",
            "In&nbsp;[",
            "import cxlib",
            "cxlib.setup",
            "client_dir",
            "Traceback",
        ):
            assert forbidden not in text, forbidden
        for word in ("jupyter", "papermill"):
            assert word not in text.lower(), word
        assert f'<html lang="{"es" if slug == "demo" else "en"}">' in html
        assert (demo_reports / slug / f"{step.name}.ipynb").is_file()


def test_every_step_has_expectations():
    assert {step for _, step in TITLES} == {step.name for step in STEPS} == {step for _, step in CHART_TITLES}


def test_client_text_is_escaped_in_tables_and_prose(monkeypatch, tmp_path):
    import cxlib.render.report
    from cxlib.core.i18n import translator

    shown = []
    monkeypatch.setattr(cxlib.render.report, "display", lambda item, **_: shown.append(item.data))
    report = cxlib.render.report.Report(
        load_client(DEMO_CLIENTS_DIR / "demo"), translator("es", "es_MX"), report_dir=tmp_path
    )
    report.table(pd.DataFrame({"Comentario": ["Pésimo servicio <b>telefónico</b> & muchas vueltas"]}))
    report.say("journey.strategic_question", question="<script>alert(1)</script>")
    html = "".join(shown)
    assert "Pésimo servicio &lt;b&gt;telefónico&lt;/b&gt; &amp; muchas vueltas" in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html


def test_no_raw_markup_from_client_data_in_any_report(demo_reports):
    for slug, raw in (("demo", "<b>telefónico</b>"), ("northwind", "<staff>")):
        for path in (demo_reports / slug).glob("*.html"):
            assert raw not in path.read_text(encoding="utf-8"), path.name


def test_second_run_is_incremental_and_keeps_the_state(demo_reports, tmp_path):
    import shutil

    out = tmp_path / "out"
    shutil.copytree(demo_reports, out)
    assert run(["northwind"], out, step_names=["03"]) == 0
    html = (out / "northwind" / "03_journey.html").read_text(encoding="utf-8")
    assert "monitoring adds 0 measurements dated after" in html
    assert (out / "northwind" / "monitoring.state.json").is_file() and (
        out / "northwind" / "03_journey_map.xlsx"
    ).is_file()


def test_spanish_report_uses_spanish_months_and_numbers(demo_reports):
    text = visible_text((demo_reports / "demo" / "00_overview.html").read_text(encoding="utf-8"))
    assert "ene 2025" in text and "6,000 respuestas" in text  # es_MX groups thousands with a comma


def test_manifest_records_the_run(demo_reports):
    manifest = json.loads((demo_reports / "demo" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "ok" and manifest["language"] == "es"
    assert set(manifest["inputs"]) >= {"client.yaml", "survey.csv", "interactions.csv"}
    assert all(len(digest) == 64 for digest in manifest["inputs"].values())
    assert manifest["packages"]["papermill"] != "not installed"
    step = manifest["steps"][0]
    assert (
        step["status"] == "ok"
        and step["seconds"] > 0
        and set(step["parameters"]) == {"client_dir", "report_dir", "cut"}
    )


def test_indexes_link_every_step_and_client(demo_reports):
    top = (demo_reports / "index.html").read_text(encoding="utf-8")
    assert 'href="demo/index.html"' in top and 'href="northwind/index.html"' in top
    client_index = (demo_reports / "northwind" / "index.html").read_text(encoding="utf-8")
    for step in STEPS:
        assert f'href="{step.name}.html"' in client_index
    assert 'data-status="ok"' in client_index and "Ready" not in client_index
    assert not EXTERNAL_ASSET.search(client_index)


def test_report_order_moves_the_annexes_to_the_end():
    order = [step.name for step in report_order(STEPS)]
    assert order[-len(ANNEXES) :] == list(ANNEXES) and sorted(order) == sorted(step.name for step in STEPS)
    assert order[: -len(ANNEXES)] == [step.name for step in STEPS if step.name not in ANNEXES]


@pytest.mark.parametrize(
    ("slug", "annex"), [("demo", "Anexo: Perfil de los datos"), ("northwind", "Annex: Data profile")]
)
def test_the_data_profile_closes_the_index_and_the_bundle_as_an_annex(demo_reports, slug, annex):
    """The index lists the data profile last, named an annex; the bundle (and so the PDF) holds it
    after every other step, in its pages and its table of contents, and its links still lead to it."""
    expected = [step.name for step in report_order(STEPS)]
    index = (demo_reports / slug / "index.html").read_text(encoding="utf-8")
    listed = re.findall(r'<tr class="cx-step"[^>]*>\s*<td><a href="(\d\d_[a-z_]+)\.html">([^<]+)</a>', index)
    assert [page for page, _ in listed] == expected and listed[-1] == ("00_overview", annex)
    bundle = (demo_reports / slug / bundle_name(slug)).read_text(encoding="utf-8")
    sections = re.findall(r'<section class="cx-bundle-page" id="page-([^"]+)">', bundle)
    contents = re.findall(r'<span class="cx-toc-page" data-target="page-([^"]+)">', bundle)
    assert sections == contents == ["index", *expected]
    assert 'href="#page-00_overview"' in bundle


def test_client_data_is_escaped_and_absent_tables_are_explained(scaffolded, tmp_path):
    config = scaffolded / "client.yaml"
    config.write_text(
        config.read_text().replace('name: "acme"', 'name: "Acme <script>alert(1)</script> & Co"')
    )
    (scaffolded / "employees.csv").unlink()
    out = tmp_path / "out"
    assert run([str(scaffolded)], out) == 0
    html = (out / "acme" / "00_overview.html").read_text(encoding="utf-8")
    assert "Acme &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html and "<script>alert(1)" not in html
    assert "The Employee survey table was not provided." in html and "employees.csv" not in html
    index = (out / "acme" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in index and "<script>alert" not in index
    checks = (out / "acme" / "checks.html").read_text(encoding="utf-8")  # the consultant's page
    assert "add it as employees.csv or employees.xlsx in the client folder" in checks
    bundle = (out / "acme" / "acme-report.html").read_text(encoding="utf-8")
    assert 'href="checks.html"' in index and "checks.html" not in bundle


def test_parameters_must_match_the_notebook(tmp_path):
    notebook = nbformat.v4.new_notebook(
        metadata={"kernelspec": {"name": "cxwb", "display_name": "cxwb", "language": "python"}}
    )
    cell = nbformat.v4.new_code_cell('client_dir = ""\nlanguage = "es"')
    cell.metadata["tags"] = ["parameters"]
    notebook.cells.append(cell)
    nbformat.write(notebook, tmp_path / "99_bad.ipynb")
    with pytest.raises(
        ParameterError,
        match=r"declared but not passed: \['language'\]; passed but not declared: \['cut', 'report_dir'\]",
    ):
        check_parameters(Step("99_bad", directory=tmp_path))


def test_failed_step_never_replaces_a_good_report(tmp_path):
    out = tmp_path / "out"
    good = out / "demo"
    good.mkdir(parents=True)
    (good / "manifest.json").write_text(json.dumps({"status": "ok"}))
    build = out / ".build-demo"
    build.mkdir()
    client_run = ClientRun(
        load_client(DEMO_CLIENTS_DIR / "demo"), build, __import__("datetime").datetime.now()
    )
    client_run.results = {
        step.name: StepResult(step.name, "failed", error="ValueError: boom") for step in STEPS
    }
    status, target = _finish_client(client_run, out)
    assert status == "failed" and target == out / "demo.failed"
    assert json.loads((good / "manifest.json").read_text())["status"] == "ok"
    index = (target / "index.html").read_text(encoding="utf-8")
    assert 'data-status="failed"' in index and translator("es", "es_MX")("report.step_failed") in index


def test_steps_option_keeps_the_other_steps(demo_reports, tmp_path):
    import shutil

    out = tmp_path / "out"
    shutil.copytree(demo_reports, out)
    before = (out / "northwind" / "00_overview.html").read_text(encoding="utf-8")
    assert run(["northwind"], out, step_names=["01"]) == 0
    manifest = json.loads((out / "northwind" / "manifest.json").read_text(encoding="utf-8"))
    assert [step["status"] for step in manifest["steps"]] == ["ok"] * len(STEPS)
    assert (out / "northwind" / "00_overview.html").read_text(encoding="utf-8") == before


def test_a_one_row_client_runs_every_step_with_cautions(scaffolded, tmp_path):
    out = tmp_path / "out"
    assert run([str(scaffolded)], out, jobs=2) == 0
    manifest = json.loads((out / "acme" / "manifest.json").read_text(encoding="utf-8"))
    assert [step["status"] for step in manifest["steps"]] == ["ok"] * len(STEPS)
    chain = (out / "acme" / "04_human_value_chain.html").read_text(encoding="utf-8")
    assert "Only 0 units have at least 10 customer and employee responses" in chain
    diagnosis = (out / "acme" / "01_diagnosis.html").read_text(encoding="utf-8")
    assert "⚠ Small sample in every row (n &lt; 30)" in diagnosis  # one note per table, not per row
    assert "⚠ n &lt; 30: small sample" not in diagnosis


def test_no_workbook_the_reports_produce_holds_a_formula(demo_reports):
    """Every .xlsx a run writes is scanned: client text never becomes a live formula."""
    import openpyxl

    workbooks = sorted(demo_reports.glob("*/*.xlsx"))
    assert workbooks
    for path in workbooks:
        cells = [cell for sheet in openpyxl.load_workbook(path) for row in sheet.iter_rows() for cell in row]
        assert not [cell.coordinate for cell in cells if cell.data_type == "f"], path.name


@pytest.mark.parametrize("slug", ["demo", "northwind"])
def test_pages_share_one_plotly_and_the_bundle_holds_every_page(demo_reports, slug):
    shared = demo_reports / "assets" / PLOTLY_FILE
    plotly_head = plotly_js()[:200]
    assert shared.read_text(encoding="utf-8").startswith(plotly_head)
    for step in STEPS:
        html = (demo_reports / slug / f"{step.name}.html").read_text(encoding="utf-8")
        assert f'<script src="../assets/{PLOTLY_FILE}"></script>' in html and plotly_head not in html
    bundle = (demo_reports / slug / bundle_name(slug)).read_text(encoding="utf-8")
    assert bundle.count(plotly_head) == 1 and "<script src=" not in bundle
    assert not EXTERNAL_ASSET.search(bundle)
    text = visible_text(bundle)
    for step in STEPS:
        assert f'id="page-{step.name}"' in bundle and f'href="#page-{step.name}"' in bundle
        for title in TITLES[slug, step.name]:
            assert title in text
    assert not re.search(r'href="(?:index|\d\d_[a-z_]+)\.html', bundle)  # every page link stays inside
    assert 'href="data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64,' in bundle
    assert bundle.count('class="cx-footer"') == 1 and '<nav class="cx-nav">' not in bundle


def test_the_reports_plotly_js_draws_every_trace_the_reports_use(demo_reports):
    """The partial plotly.js bundle matches the plotly Python package's version (rebuild it with
    tools/plotly-bundle/build.sh after upgrading plotly) and registers every trace type in the reports."""
    assert get_plotlyjs_version() == PLOTLY_JS_VERSION
    used = set()
    for path in demo_reports.glob("*/0*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            for output in cell.get("outputs", []):
                figure = output.get("data", {}).get("application/vnd.plotly.v1+json")
                used |= {trace.get("type", "scatter") for trace in (figure or {}).get("data", [])}
    assert used and used <= set(REPORT_TRACES), used - set(REPORT_TRACES)


def test_a_clients_brand_is_on_every_page_chart_and_the_bundle(demo_reports):
    """northwind's client.yaml gives a logo and colours: every page and the bundle embed the logo
    (no file reference) and use the colours, and charts are drawn in them instead of the house
    colours; the demo has no brand and keeps the house style."""
    logo = base64.b64encode((DEMO_CLIENTS_DIR / "northwind" / "logo.png").read_bytes()).decode("ascii")
    pages = [*(f"{step.name}.html" for step in STEPS), "index.html", bundle_name("northwind")]
    for page in pages:
        text = (demo_reports / "northwind" / page).read_text(encoding="utf-8")
        assert 'class="cx-logo"' in text and f'src="data:image/png;base64,{logo}"' in text, page
        assert "--cx-accent: #0B5FFF; --cx-accent-2: #D35400;" in text, page
        assert "logo.png" not in text, page
    for slug, present, absent in (("northwind", "#0B5FFF", PRIMARY), ("demo", PRIMARY, "#0B5FFF")):
        colours = ""
        for path in (demo_reports / slug).glob("0*.ipynb"):
            for cell in nbformat.read(path, as_version=4).cells:
                for output in cell.get("outputs", []):
                    colours += output.get("data", {}).get("text/html", "")
        assert present in colours and absent not in colours, slug
    assert 'class="cx-logo"' not in (demo_reports / "demo" / "index.html").read_text(encoding="utf-8")


def test_a_chart_block_cannot_be_closed_or_bent_by_client_text():
    """Text from client data inside a chart's JSON block (a segment named like markup) stays data."""
    hostile = "</script><script>alert(1)</script><!--<script>"
    figure = {"data": [{"type": "bar", "x": [1], "y": [hostile]}], "layout": {"title": {"text": hostile}}}
    page = chart_html(figure, {"responsive": True})
    assert page.count("</script>") == 1 and "<!--" not in page and "alert(1)</script>" not in page
    block = re.search(r'<script type="application/json" data-cx-chart="[^"]+">(.*)</script>', page).group(1)
    assert json.loads(block)["layout"]["title"]["text"] == hostile

"""The package layout shows the architecture: imports flow one way between cxlib's packages.

core → stats → inputs → render → steps → run, then the command line and the consultant's widgets
(``cxlib.explore``, which drive a step's functions). A module may import its own
package and the packages before it, never one after it (a back-edge); step modules never import
one another (a step reads another's results from its published JSON); and no module inside a
package goes through the public re-export modules (``cxlib.metrics``, ``cxlib.drivers``,
``cxlib.text``) or the command line.
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import cxlib

PACKAGE_DIR = Path(cxlib.__file__).parent
LAYERS = ("core", "stats", "inputs", "render", "steps", "run")
PUBLIC_REEXPORTS = {"cxlib.metrics", "cxlib.drivers", "cxlib.text"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every ``cxlib`` module a file imports, at top level or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("cxlib")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cxlib"):
            found.add(node.module)
            # ``from cxlib.steps import overview`` imports the module cxlib.steps.overview
            found |= {
                f"{node.module}.{alias.name}"
                for alias in node.names
                if (PACKAGE_DIR.parent / node.module.replace(".", "/") / f"{alias.name}.py").is_file()
            }
    return found


def import_graph() -> dict[str, set[str]]:
    return {_module_name(path): _imports(path) for path in sorted(PACKAGE_DIR.rglob("*.py"))}


def _package(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def test_every_module_lives_in_a_layer_or_is_an_entry_point():
    top_level = {
        module
        for module in import_graph()
        if _package(module) is None and not module.startswith("cxlib.explore.")  # the widgets' package
    }
    assert top_level == {"cxlib", "cxlib.__main__", "cxlib.cli", "cxlib.explore"} | PUBLIC_REEXPORTS
    counts = Counter(_package(module) for module in import_graph() if _package(module))
    assert set(counts) == set(LAYERS)


def test_imports_flow_one_way():
    back_edges = []
    for module, imported in import_graph().items():
        package = _package(module)
        if package is None:
            continue
        for target in imported:
            target_package = _package(target)
            if target in PUBLIC_REEXPORTS or target in {"cxlib", "cxlib.cli", "cxlib.explore"}:
                back_edges.append(f"{module} → {target} (use the module inside its package)")
            elif target_package and LAYERS.index(target_package) > LAYERS.index(package):
                back_edges.append(f"{module} ({package}) → {target} ({target_package})")
            elif package == target_package == "steps" and "cxlib.steps" not in (module, target):
                back_edges.append(f"{module} → {target} (steps exchange results, not imports)")
    assert back_edges == []


def test_public_api_keeps_its_import_paths():
    from cxlib.drivers import relative_weights
    from cxlib.metrics import nps
    from cxlib.stats import drivers, metrics, text
    from cxlib.stats import themes as theme_module
    from cxlib.text import sentiment, themes

    assert callable(cxlib.setup) and cxlib.setup.__module__ == "cxlib.render.report"
    assert (nps, relative_weights) == (metrics.nps, drivers.relative_weights)
    assert (sentiment, themes) == (text.sentiment, theme_module.themes)


#: Calls that open or copy a file by its path.
FILE_OPENERS = {
    "open", "fdopen", "read_bytes", "read_text", "read_csv", "read_excel", "read_parquet", "read_sav",
    "read_dta",
    "load_workbook", "copy2", "copyfile", "copytree",
}  # fmt: skip
#: Every function that opens a file by path, and why that is not a way round the guard on client
#: files (:mod:`cxlib.core.guard`). A new reader fails this test until it is listed here: a reader
#: of client files must take its path from the guard.
FILE_READERS = {
    "cxlib.core.guard.read_client_bytes": "the guard itself",
    "cxlib.core.files.write_bytes_atomic": "writes the workbook's own outputs",
    "cxlib.core.images.image_type": "decodes bytes already read through the guard",
    "cxlib.core.i18n.<module>": "package data",
    "cxlib.inputs.question_bank._standard_bank": "package data",
    "cxlib.inputs.scales.known_scales": "package data",
    "cxlib.inputs.industries.industry_examples": "package data",
    "cxlib.inputs.commentary.step_anchors": "the notebooks' sources",
    "cxlib.stats.text._language_lexicon": "package data",
    "cxlib.stats.text.rules": "package data",
    "cxlib.stats.emotions.lexicon_data": "package data",
    "cxlib.steps.participation._definitions": "package data",
    "cxlib.inputs.tables.read_table": "opens the path client_file or check_size returned",
    "cxlib.inputs.tables._repeated_headers": "the path read_table checked",
    "cxlib.inputs.tables._arrow_cells": "parses text in memory",
    "cxlib.inputs.tables.read_csv_cells": "parses text in memory",
    "cxlib.inputs.tables.read_appended_csv": "opens the path client_file returned, without following links",
    "cxlib.inputs.workshop.AssessmentStore._lock": "its lock file, checked by client_file",
    "cxlib.inputs.workshop.AssessmentStore._replace": "backs up the table client_file checked",
    "cxlib.inputs.client.save_validated": "the run's build folder",
    "cxlib.inputs.client.load_validated": "the run's build folder",
    "cxlib.inputs.alert_log.append_events": "the report folder's alert log",
    "cxlib.inputs.alert_log.read_events": "the report folder's alert log",
    "cxlib.stats.monitoring._read_state": "the report folder's watch state",
    "cxlib.render.bundle.write_bundle": "the run's own pages",
    "cxlib.render.export.plotly_js": "package data",
    "cxlib.render.export.report_css": "package data",
    "cxlib.render.results.load": "the run's published results",
    "cxlib.render.checks.load_checks": "the consultant's checks the run's steps wrote in its report folder",
    "cxlib.render.slides.draw_charts": "charts the run drew",
    "cxlib.render.bundle.embed_downloads.embedded": "a download a step wrote in the report folder",
    "cxlib.run.cluster._sees": "the run's probe file in --out",
    "cxlib.run.kernels.start_worker": "the null device",
    "cxlib.run.output.ClientLock.acquire": "the run's lock file",
    "cxlib.run.output.carry_watch_files": "the watcher's files in the report folder",
    "cxlib.run.output.watch_files_lock": "the run's lock file",
    "cxlib.run.runner._previous_manifest": "the previous report's manifest",
    "cxlib.run.runner._seed_build": "the previous report's files",
    "cxlib.run.runner.write_all_clients_index": "the reports' manifests",
    "cxlib.run.watch.WatchState.read": "the watcher's state in the report folder",
    "cxlib.run.watch.Watcher._quarantine": "writes the quarantine's error list",
    "cxlib.run.watch.Watcher._refresh_report": "the refresh's own log",
    "cxlib.steps.action_plan.baseline_dir": "the run's pointer to the baseline's build folder",
}


def file_readers() -> set[str]:
    """``module.function`` of every call in cxlib that opens or copies a file by path."""
    found = set()

    def visit(node: ast.AST, module: str, where: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                visit(child, module, f"{where}.{child.name}" if where else child.name)
                continue
            if isinstance(child, ast.Call):
                function = child.func
                name = getattr(function, "attr", None) or getattr(function, "id", None)
                if name in FILE_OPENERS:
                    found.add(f"{module}.{where or '<module>'}")
            visit(child, module, where)

    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        visit(ast.parse(path.read_text(encoding="utf-8")), _module_name(path), "")
    return found


def test_client_files_are_read_only_through_the_guard():
    """Nothing is read from outside the client folder: every function that opens a file is either
    the guard or listed with the reason it reads no client file but through the guard."""
    assert sorted(file_readers() - set(FILE_READERS)) == []
    assert sorted(set(FILE_READERS) - file_readers()) == []  # the list names no reader that is gone

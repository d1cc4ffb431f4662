"""The package layout shows the architecture: imports flow one way between cxlib's packages.

core → stats → inputs → render → steps → run, then the command line. A module may import its own
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
    top_level = {module for module in import_graph() if _package(module) is None}
    assert top_level == {"cxlib", "cxlib.__main__", "cxlib.cli"} | PUBLIC_REEXPORTS
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
            if target in PUBLIC_REEXPORTS or target in {"cxlib", "cxlib.cli"}:
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
    from cxlib.text import sentiment, themes

    assert callable(cxlib.setup) and cxlib.setup.__module__ == "cxlib.render.report"
    assert (nps, relative_weights) == (metrics.nps, drivers.relative_weights)
    assert (sentiment, themes) == (text.sentiment, text.themes)

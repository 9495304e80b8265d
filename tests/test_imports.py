"""No module reaches into another module's private names.

A name that starts with ``_`` belongs to the module that defines it; a module whose name
starts with ``_`` belongs to its package. Anything another module needs is made public
(with a docstring) or moved to where both can import it. The test walks every
``darksocial/**/*.py`` with :mod:`ast`, so it sees imports inside functions too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import darksocial

PACKAGE = Path(darksocial.__file__).resolve().parent


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _allowed(importer: str, target: str) -> bool:
    """Whether ``importer`` may use ``target``, a dotted darksocial name."""
    parts = target.split(".")
    for i, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            owner = ".".join(parts[:i])
            if ".".join(parts[: i + 1]) in MODULES:
                # a private module belongs to its package: any module inside may use it
                return importer == owner or importer.startswith(owner + ".")
            return importer == owner  # a private name belongs to its module
    return True


def _absolute(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    base = package.split(".")[: len(package.split(".")) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def private_uses(module: str, path: Path) -> list[str]:
    """Every use in ``module`` of another module's private name, as ``line: target``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bound: dict[str, str] = {}  # local name -> darksocial module it stands for
    found = []

    def check(target: str, line: int) -> None:
        if not _allowed(module, target):
            found.append(f"{path.name}:{line}: {target}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "darksocial":
                    check(alias.name, node.lineno)
                    bound[alias.asname or alias.name.split(".")[0]] = (
                        alias.name if alias.asname else "darksocial"
                    )
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, path, node)
            if base.split(".")[0] != "darksocial":
                continue
            check(base, node.lineno)
            for alias in node.names:
                target = f"{base}.{alias.name}"
                check(target, node.lineno)
                if target in MODULES:
                    bound[alias.asname or alias.name] = target
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain = []
            value = node
            while isinstance(value, ast.Attribute):
                chain.append(value.attr)
                value = value.value
            if isinstance(value, ast.Name) and value.id in bound:
                check(".".join([bound[value.id], *reversed(chain)]), node.lineno)
    return found


def test_the_walk_finds_a_private_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from darksocial.campaign import _family\n"
        "import darksocial.io._text\n"
        "from darksocial.io._text import fail\n"
        "from darksocial import checks\n"
        "def f():\n"
        "    return checks._engine()\n"
    )
    assert sorted(private_uses("darksocial.bad", bad)) == [
        "bad.py:1: darksocial.campaign._family",
        "bad.py:2: darksocial.io._text",
        "bad.py:3: darksocial.io._text",
        "bad.py:3: darksocial.io._text.fail",
        "bad.py:6: darksocial.checks._engine",
    ]
    # inside its own package a private module is fair game
    assert sorted(private_uses("darksocial.io.bad", bad)) == [
        "bad.py:1: darksocial.campaign._family",
        "bad.py:6: darksocial.checks._engine",
    ]


def test_no_module_imports_another_modules_private_names():
    found = [
        f"{module}: {use}"
        for module, path in MODULES.items()
        for use in private_uses(module, path)
    ]
    assert not found, "private names used across modules:\n" + "\n".join(found)


# Functions moved to a new home keep their old import path (notebooks and user code
# written against it keep working): the old name is the new object, not a copy.
MOVED = {
    "darksocial.plotting": {
        "darksocial.explore": [
            "plot_direct_check",
            "plot_search_shares",
            "plot_trends_vs_search",
            "plot_weekday_profile",
            "plot_yearly_shape",
        ],
        "darksocial.attribution": ["plot_dark_social_share"],
        "darksocial.adlag": ["plot_ad_lag"],
        "darksocial.overview": ["plot_bucket_mix"],
        "darksocial.scorecard": ["plot_scorecard", "VERDICT_COLORS"],
        "darksocial.trust_plots": [
            "plot_placebo_in_space",
            "plot_placebo_in_time",
            "plot_power_curve",
            "plot_triangulation",
        ],
    },
    "darksocial.io": {"darksocial.planning": ["load_series"]},
    "darksocial.io.folder": {"darksocial.io": ["load_sample"]},
}


def test_moved_functions_keep_their_old_import_paths():
    import importlib

    for home, old in MOVED.items():
        new = importlib.import_module(home)
        for module, names in old.items():
            mod = importlib.import_module(module)
            for name in names:
                assert getattr(mod, name) is getattr(new, name), f"{module}.{name}"
                assert name in mod.__all__, f"{module}.__all__ lacks {name}"


def test_moved_functions_still_draw_from_their_old_path():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    from darksocial import portfolio

    table = pd.DataFrame(
        {
            "campaign": ["a", "b", "c"],
            "metric": "clicks",
            "content_type": "podcast",
            "estimate": [0.1, 0.2, 0.05],
            "std_err": [0.05, 0.04, 0.06],
        }
    )
    fig, ax = plt.subplots()
    out = portfolio.forest_plot(table, ax=ax)
    assert out is ax
    drawn = portfolio.forest_data(table)
    assert [t.get_text() for t in ax.get_yticklabels()] == drawn["label"].tolist()
    assert np.allclose(ax.containers[0].lines[0].get_xdata(), drawn["estimate"])
    plt.close(fig)

"""Build the API reference of the Scrapy-free modules with pdoc (offline, from docstrings).

    python scripts/api_docs.py [OUTPUT_DIR]     # default: docs/api (make docs)

Documents each package below and its public submodules (names without a leading
underscore), whatever the package's ``__all__`` re-exports.
"""

from __future__ import annotations

import pkgutil
import re
import sys
import warnings
from importlib import import_module
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
MODULES = (
    "eduscrape.adaptation",
    "eduscrape.housing",
    "eduscrape.variants",
    "eduscrape.mooc",
    "eduscrape.webometrics",
    "eduscrape.storage",
    "eduscrape.config",
    "eduscrape.arguments",
)


def public_modules(names: tuple[str, ...] = MODULES) -> list[str]:
    """*names* and the public submodules of the packages among them, sorted."""
    found = set(names)
    for name in names:
        module = import_module(name)
        for info in pkgutil.walk_packages(getattr(module, "__path__", []), prefix=f"{name}."):
            if not any(part.startswith("_") for part in info.name.split(".")):
                found.add(info.name)
    return sorted(found)


def build(output_dir: Path) -> Path:
    """Write the HTML reference into *output_dir*; returns its ``index.html``."""
    import pdoc
    import pdoc.render

    pdoc.render.configure(docformat="restructuredtext", show_source=False)
    # A package's spec already brings the submodules its __all__ does not hide;
    # naming them again is harmless (one page each), so pdoc's warning is noise.
    warnings.filterwarnings("ignore", message="The module specification .* adds a module")
    private = [f"!{re.escape(name)}\\._.*" for name in MODULES]
    pdoc.pdoc(*public_modules(), *private, output_directory=output_dir)
    return output_dir / "index.html"


if __name__ == "__main__":
    sys.path.insert(0, str(PROJECT_DIR))
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT_DIR / "docs" / "api"
    index = build(out)
    print(f"API reference: {index}")

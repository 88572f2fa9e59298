"""The package's layers: imports flow one way, top to bottom, and a package alone loads nothing.

docs/ARCHITECTURE.md draws the layers; this test holds the code to the drawing.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "chatbot"
# Lowest first: a module may import from its own layer and the layers below it.
LAYERS = [
    {"__init__", "errors", "config", "untrusted", "files", "text"},
    {"stories"},
    {"reading"},
    {"network"},
    {"evaluation"},
    {"training", "answering"},
    {"frontends"},
    {"cli", "cli_options", "__main__"},
]
SUBPACKAGES = ["stories", "reading", "network", "evaluation", "training", "answering", "frontends"]


def layer_of(module: str) -> int:
    """The layer of `chatbot.X...` by its first part X."""
    first = module.split(".")[1] if "." in module else "__init__"
    return next(n for n, names in enumerate(LAYERS) if first in names)


def imported_modules(path: Path) -> set[str]:
    """The chatbot modules a source file imports (inside functions too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("chatbot"))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("chatbot"):
            found.update(
                f"{node.module}.{alias.name}" if node.module == "chatbot" else node.module
                for alias in node.names
            )
    return found


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        yield ".".join(parts), path


@pytest.mark.parametrize("name, path", list(modules()), ids=lambda value: str(value))
def test_imports_flow_one_way(name, path):
    upward = [
        module
        for module in imported_modules(path)
        if module != "chatbot.__version__" and layer_of(module) > layer_of(name)
    ]
    assert upward == [], f"{name} imports from a layer above it: {upward}"


def test_every_module_is_in_a_layer():
    for name, _ in modules():
        layer_of(name)  # raises StopIteration for a module no layer holds


def test_the_subpackages_load_nothing_heavy():
    code = (
        "import sys\n"
        + "".join(f"import chatbot.{name}\n" for name in SUBPACKAGES)
        + "print(sorted(m for m in sys.modules if m.startswith(('chatbot.', 'keras', 'tensorflow'))"
        " and m.count('.') > 1 or m.split('.')[0] in ('keras', 'tensorflow')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout == "[]\n", result.stderr


def test_test_helpers_are_imported_one_way():
    """As `from cli_runner import run`: `from tests.cli_runner ...` works only under `python -m`."""
    tests = Path(__file__).resolve().parent
    found = [path.name for path in tests.glob("*.py") if "\nfrom tests." in path.read_text()]
    assert found == []

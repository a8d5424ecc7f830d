"""Apps are layers: threadr.lib < accounts < billing < generator (< publishing) < the project's top. import-linter
(`make lint`) checks the import statements; a lookup by name (`apps.get_model("generator", "Thread")`,
`import_module("generator.llm")`) is an import it cannot see, so this test reads the source for those."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ["threadr.lib", "accounts", "billing", "generator", "publishing"]  # bottom first; the rest of threadr is top
TOP = len(LAYERS)

LOOKUPS = [
    re.compile(r"""get_model\(\s*["'](?P<name>\w+)["']\s*,"""),  # get_model("generator", "Thread")
    re.compile(r"""get_model\(\s*["'](?P<name>\w+)\.\w+["']\s*\)"""),  # get_model("generator.Thread")
    re.compile(r"""import_module\(\s*["'](?P<name>[\w.]+)["']"""),  # import_module("generator.llm")
]


def layer_of(name: str) -> int | None:
    """The layer a module or app label belongs to, or None for names outside the project."""
    for rank, layer in reversed(list(enumerate(LAYERS))):
        if name == layer or name.startswith(layer + "."):
            return rank
    if name == "threadr" or name.startswith("threadr."):
        return TOP
    return None


def lookups_upward(source: str, layer: int) -> list[str]:
    """The names that `source`, a module of `layer`, looks up by string in a higher layer."""
    found = []
    for pattern in LOOKUPS:
        for match in pattern.finditer(source):
            target = layer_of(match["name"])
            if target is not None and target > layer:
                found.append(match["name"])
    return found


def modules(layer: str) -> list[Path]:
    """The layer's source files; migrations look up only their own app's models, as Django hands them over."""
    return [path for path in (ROOT / layer.replace(".", "/")).rglob("*.py") if "migrations" not in path.parts]


@pytest.mark.parametrize("layer", [layer for layer in LAYERS if (ROOT / layer.replace(".", "/")).is_dir()])
def test_it_finds_no_lookup_by_name_of_a_higher_layer(layer):
    rank = LAYERS.index(layer)
    upward = {
        str(path.relative_to(ROOT)): names
        for path in modules(layer)
        if (names := lookups_upward(path.read_text(encoding="utf-8"), rank))
    }

    assert upward == {}


def test_it_recognises_each_kind_of_lookup_by_name():
    source = """
        Thread = apps.get_model("generator", "Thread")
        Plan = apps.get_model('billing.Plan')
        import_module("generator.llm").warm_up()
        import_module("threadr.urls")
        User = global_apps.get_model("accounts", "User")
        style = self.get_model("Style")
        import_module("httpcore._sync.http11")
    """

    assert lookups_upward(source, LAYERS.index("accounts")) == ["generator", "billing", "generator.llm", "threadr.urls"]
    assert lookups_upward(source, LAYERS.index("generator")) == ["threadr.urls"]

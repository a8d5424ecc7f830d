"""The README's screenshots and the script that takes them agree: every picture the README shows is one
`make screenshots` writes, under the same caption, and every one it writes is committed, small, and shown."""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image

from tools.screenshots.states import DESKTOP, PHONE, SCENES, STATES

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "screenshots"
IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<path>docs/screenshots/[^)\s]+)\)")
MAX_BYTES = 300 * 1024


def readme_images() -> dict[str, str]:
    """The screenshots the README shows: file name -> alt text."""
    images = IMAGE.finditer((ROOT / "README.md").read_text())
    return {Path(match["path"]).name: match["alt"] for match in images}


def test_it_shows_in_the_readme_exactly_the_states_the_script_writes_under_their_captions():
    assert readme_images() == {f"{state.name}.png": state.caption for state in STATES}


def test_it_names_each_state_once():
    names = [state.name for state in STATES]
    assert len(names) == len(set(names))


def test_every_state_is_committed_small_at_its_viewport():
    sizes = {scene.viewport for scene in SCENES}
    assert sizes == {DESKTOP, PHONE}
    for scene in SCENES:
        for state in scene.states:
            path = SHOTS / f"{state.name}.png"
            assert path.exists(), f"{path.name} is missing: run `make screenshots`"
            assert path.stat().st_size < MAX_BYTES, f"{path.name} is {path.stat().st_size // 1024} KB"
            with Image.open(path) as image:
                assert image.size == scene.viewport, path.name


def test_no_stray_pictures_are_left_in_the_folder():
    written = {f"{state.name}.png" for state in STATES}
    assert {path.name for path in SHOTS.glob("*.png")} == written


def test_one_state_is_dark_and_the_rest_light():
    assert len([state for scene in SCENES if scene.dark for state in scene.states]) == 1

"""Write the README's screenshots to docs/screenshots/: `make screenshots`, or
`.venv/bin/python -m tools.screenshots [--only NAME ...]`.

It sets up its own stage (tools/screenshots/stage.py: a throwaway SQLite database unless SCREENSHOTS_DATABASE_URL
names an empty one, gunicorn with production settings, the fake OpenAI server) and drives Debian's Chromium through
the scenes in tools/screenshots/states.py. Requests that leave 127.0.0.1 are blocked and reported.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import Browser, ConsoleMessage, Page, Route, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from tools.screenshots import stage as stages
from tools.screenshots.states import STATES, Scene, StateNotReached

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"
FAILED = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
# Resolves once the page has stopped scrolling (a smooth scroll to the editor, say) for a few frames.
SETTLED = """() => new Promise((done) => {
  let last = -1, still = 0, frames = 0;
  const tick = () => {
    const now = window.scrollY;
    still = now === last ? still + 1 : 0;
    last = now;
    if (still >= 5 || ++frames > 120) done(); else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})"""
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def save_png(data: bytes, path: Path) -> int:
    """Save a screenshot with a 256-colour palette: interface pictures keep their look at a fraction of the size."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)
    return path.stat().st_size


def open_scene(browser: Browser, scene: Scene, stage: stages.Stage, problems: list[str]) -> Page:
    width, height = scene.viewport
    phone = width < 600
    context = browser.new_context(
        viewport={"width": width, "height": height},
        device_scale_factor=1,
        is_mobile=phone,
        has_touch=phone,
        color_scheme="dark" if scene.dark else "light",
        reduced_motion="reduce",
        base_url=stage.base_url,
    )

    def block(route: Route) -> None:
        problems.append(f"blocked a request off the machine: {route.request.url}")
        route.abort()

    context.route(lambda url: not url.startswith(stage.base_url), block)
    if scene.signed_in:
        context.add_cookies([stage.session_cookie])  # type: ignore[list-item]
    page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console error on {page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error on {page.url}: {error}"))
    return page


def play(browser: Browser, scene: Scene, stage: stages.Stage, out: Path, problems: list[str]) -> None:
    page = open_scene(browser, scene, stage, problems)

    def shoot(name: str) -> None:
        page.mouse.move(0, 0)  # no hover effects from wherever the last click left the pointer
        page.evaluate(SETTLED)
        size = save_png(page.screenshot(animations="disabled", caret="hide"), out / f"{name}.png")
        print(f"  {name}.png  {size // 1024} KB")

    try:
        scene.play(page, stage, shoot)
    except (StateNotReached, PlaywrightError) as error:
        FAILED.mkdir(exist_ok=True)
        page.screenshot(path=FAILED / "screenshots-failed.png", full_page=True)
        if isinstance(error, StateNotReached):
            raise
        names = " or ".join(state.name for state in scene.states)
        raise StateNotReached(names, str(error).splitlines()[0]) from error
    finally:
        page.context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description="Write the README's screenshots to docs/screenshots/.")
    parser.add_argument("--only", nargs="+", choices=[state.name for state in STATES], help="just these states")
    parser.add_argument("--out", type=Path, default=OUT, help="where the PNGs go (default: docs/screenshots/)")
    args = parser.parse_args()
    from tools.screenshots.states import SCENES

    wanted = set(args.only or [state.name for state in STATES])
    scenes = [scene for scene in SCENES if wanted & {state.name for state in scene.states}]
    args.out.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    try:
        with stages.running(database_url=os.environ.get("SCREENSHOTS_DATABASE_URL")) as stage, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            print(f"Writing screenshots to {args.out} (app on {stage.base_url})")
            for scene in scenes:
                play(browser, scene, stage, args.out, problems)
            browser.close()
    except StateNotReached as error:
        print(f"screenshots: {error}. The page as it stood: {FAILED / 'screenshots-failed.png'}", file=sys.stderr)
        return 1
    except stages.StageError as error:
        print(f"screenshots: the stage could not be set up: {error}", file=sys.stderr)
        return 1
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

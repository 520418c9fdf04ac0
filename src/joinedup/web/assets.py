"""Copy the GOV.UK Frontend build, and the fonts for PDF exports, from `node_modules`.

Run as `python -m joinedup.web.assets` after `npm ci` (the Makefile's `setup` does both).
The GOV.UK copy lives in `src/joinedup/web/static/govuk/`, the DejaVu fonts (Unicode, for names
like "Łukasz Wiśniewski" in a chronology's PDF) in `src/joinedup/chronology/fonts/`; git ignores
both: no third-party code is kept in the repository, and nothing is fetched at run time (no CDN).

The precompiled stylesheet names its fonts and images from the site root (`/assets/...`);
the copy points them at the folder beside it instead, so that they are served from
`/static/govuk/assets/` like everything else.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

PACKAGE = "govuk-frontend"
PINNED_VERSION = "6.3.0"  # the release govuk-frontend-jinja 4.1.0 declares; package.json agrees
STATIC = Path(__file__).parent / "static"
TARGET = STATIC / "govuk"
STYLESHEET = "govuk-frontend.min.css"
SCRIPT = "govuk-frontend.min.js"
FONT_PACKAGE = "dejavu-fonts-ttf"
FONT_VERSION = "2.37.3"  # package.json agrees
FONTS = Path(__file__).resolve().parents[1] / "chronology" / "fonts"
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
_ROOT_ASSETS = "url(/assets/"
_LOCAL_ASSETS = "url(assets/"


class AssetsError(RuntimeError):
    """The front-end assets cannot be built; the message says what to do."""


def project_root() -> Path:
    """The checkout holding `package.json` (this file sits at src/joinedup/web/assets.py)."""
    return Path(__file__).resolve().parents[3]


def installed_package(root: Path, package: str, pinned: str) -> Path:
    """The installed npm package's folder, after checking that it is the pinned release."""
    package_dir = root / "node_modules" / package
    manifest = package_dir / "package.json"
    if not manifest.is_file():
        raise AssetsError(
            f"{package} is not installed in {root / 'node_modules'}: run `npm ci` first"
        )
    version = json.loads(manifest.read_text(encoding="utf-8")).get("version")
    if version != pinned:
        raise AssetsError(f"{package} {version} is installed but {pinned} is pinned: run `npm ci`")
    return package_dir


def installed_dist(root: Path) -> Path:
    """The installed `dist/govuk` folder, after checking that it is the pinned release."""
    dist = installed_package(root, PACKAGE, PINNED_VERSION) / "dist" / "govuk"
    if not (dist / STYLESHEET).is_file():
        raise AssetsError(f"{dist} has no {STYLESHEET}: the package looks damaged; run `npm ci`")
    return dist


def copy_assets(dist: Path, target: Path = TARGET) -> Path:
    """Replace `target` with the stylesheet, script, fonts, images and manifest from `dist`."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in (SCRIPT, f"{SCRIPT}.map", f"{STYLESHEET}.map"):
        shutil.copy2(dist / name, target / name)
    shutil.copytree(dist / "assets", target / "assets")
    (target / STYLESHEET).write_text(_localise(dist / STYLESHEET), encoding="utf-8")
    (target / "VERSION").write_text(PINNED_VERSION + "\n", encoding="utf-8")
    return target


def _localise(stylesheet: Path) -> str:
    css = stylesheet.read_text(encoding="utf-8")
    if _ROOT_ASSETS not in css:
        raise AssetsError(f"{stylesheet} no longer names its assets as {_ROOT_ASSETS}...: check it")
    return css.replace(_ROOT_ASSETS, _LOCAL_ASSETS)


def copy_fonts(root: Path, target: Path = FONTS) -> Path:
    """Replace `target` with the DejaVu Sans regular and bold TrueType files and their licence."""
    package_dir = installed_package(root, FONT_PACKAGE, FONT_VERSION)
    missing = [name for name in FONT_FILES if not (package_dir / "ttf" / name).is_file()]
    if missing:
        raise AssetsError(f"{package_dir} has no ttf/{missing[0]}: run `npm ci`")
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in FONT_FILES:
        shutil.copy2(package_dir / "ttf" / name, target / name)
    shutil.copy2(package_dir / "LICENSE", target / "LICENSE")
    (target / "VERSION").write_text(FONT_VERSION + "\n", encoding="utf-8")
    return target


def build(root: Path | None = None) -> Path:
    return copy_assets(installed_dist(root or project_root()))


def main() -> int:
    try:
        target = build()
        fonts = copy_fonts(project_root())
    except AssetsError as problem:
        print(f"joinedup.web.assets: {problem}", file=sys.stderr)  # noqa: T201
        return 1
    print(f"GOV.UK Frontend {PINNED_VERSION} copied to {target}")  # noqa: T201
    print(f"DejaVu fonts {FONT_VERSION} copied to {fonts}")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Copy the GOV.UK Frontend build from `node_modules` into the package's static folder.

Run as `python -m joinedup.web.assets` after `npm ci` (the Makefile's `setup` does both).
The copy lives in `src/joinedup/web/static/govuk/`, which git ignores: no third-party code is
kept in the repository, and nothing is fetched at run time (no CDN).

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
_ROOT_ASSETS = "url(/assets/"
_LOCAL_ASSETS = "url(assets/"


class AssetsError(RuntimeError):
    """The front-end assets cannot be built; the message says what to do."""


def project_root() -> Path:
    """The checkout holding `package.json` (this file sits at src/joinedup/web/assets.py)."""
    return Path(__file__).resolve().parents[3]


def installed_dist(root: Path) -> Path:
    """The installed `dist/govuk` folder, after checking that it is the pinned release."""
    package_dir = root / "node_modules" / PACKAGE
    manifest = package_dir / "package.json"
    if not manifest.is_file():
        raise AssetsError(
            f"{PACKAGE} is not installed in {root / 'node_modules'}: run `npm ci` first"
        )
    version = json.loads(manifest.read_text(encoding="utf-8")).get("version")
    if version != PINNED_VERSION:
        raise AssetsError(
            f"{PACKAGE} {version} is installed but {PINNED_VERSION} is pinned: run `npm ci`"
        )
    dist = package_dir / "dist" / "govuk"
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


def build(root: Path | None = None) -> Path:
    return copy_assets(installed_dist(root or project_root()))


def main() -> int:
    try:
        target = build()
    except AssetsError as problem:
        print(f"joinedup.web.assets: {problem}", file=sys.stderr)  # noqa: T201
        return 1
    print(f"GOV.UK Frontend {PINNED_VERSION} copied to {target}")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

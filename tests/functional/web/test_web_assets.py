"""Building the GOV.UK Frontend assets: the pinned release, or a clear message saying what to do."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from joinedup.web import assets


def fake_install(root: Path, version: str) -> Path:
    package = root / "node_modules" / "govuk-frontend"
    dist = package / "dist" / "govuk"
    (dist / "assets" / "fonts").mkdir(parents=True)
    (package / "package.json").write_text(json.dumps({"version": version}))
    (dist / "assets" / "fonts" / "light.woff2").write_bytes(b"font")
    (dist / "assets" / "manifest.json").write_text("{}")
    (dist / assets.STYLESHEET).write_text("a{src:url(/assets/fonts/light.woff2)}")
    for name in (assets.SCRIPT, f"{assets.SCRIPT}.map", f"{assets.STYLESHEET}.map"):
        (dist / name).write_text("//")
    return dist


def test_without_npm_ci_the_build_says_to_run_it(tmp_path: Path) -> None:
    with pytest.raises(assets.AssetsError, match="run `npm ci` first"):
        assets.installed_dist(tmp_path)


def test_another_release_than_the_pinned_one_is_refused(tmp_path: Path) -> None:
    fake_install(tmp_path, "5.14.0")
    with pytest.raises(assets.AssetsError, match=r"5\.14\.0 is installed but 6\.3\.0 is pinned"):
        assets.installed_dist(tmp_path)


def test_the_copy_points_the_stylesheet_at_its_own_fonts(tmp_path: Path) -> None:
    dist = fake_install(tmp_path, assets.PINNED_VERSION)
    target = assets.copy_assets(assets.installed_dist(tmp_path), tmp_path / "static" / "govuk")
    assert (target / assets.STYLESHEET).read_text() == "a{src:url(assets/fonts/light.woff2)}"
    assert (target / "assets" / "fonts" / "light.woff2").read_bytes() == b"font"
    assert (target / "VERSION").read_text().strip() == assets.PINNED_VERSION
    assert (dist / assets.STYLESHEET).read_text().count("/assets/") == 1  # the source untouched


def test_the_pin_agrees_with_package_json_and_the_lock() -> None:
    root = assets.project_root()
    declared = json.loads((root / "package.json").read_text())["dependencies"]
    locked = json.loads((root / "package-lock.json").read_text())["packages"]
    assert declared["govuk-frontend"] == assets.PINNED_VERSION
    assert locked["node_modules/govuk-frontend"]["version"] == assets.PINNED_VERSION


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_the_real_install_builds(tmp_path: Path) -> None:
    root = assets.project_root()
    if not (root / "node_modules" / "govuk-frontend").is_dir():
        pytest.skip("node_modules not installed: run `npm ci`")
    target = assets.copy_assets(assets.installed_dist(root), tmp_path / "govuk")
    css = (target / assets.STYLESHEET).read_text()
    assert "url(/assets/" not in css and "url(assets/fonts/" in css
    for url in {part.split(")")[0] for part in css.split("url(assets/")[1:]}:
        assert (target / "assets" / url).is_file(), url

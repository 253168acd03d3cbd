"""The report as PDF through headless Chromium's print (the page's print stylesheet)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from vigie.errors import ConfigError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
# Offline and quiet: no sync, no updates, no network chatter, a throw-away profile.
_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
)


def find_chromium() -> str | None:
    """VIGIE_CHROMIUM if set, else the first Chromium-like browser on PATH."""
    chosen = os.environ.get("VIGIE_CHROMIUM")
    if chosen:
        return chosen if shutil.which(chosen) else None
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


def print_to_pdf(page: Path, target: Path, timeout: float = 120) -> Path:
    """Print `page` to `target` with headless Chromium; a clear error when it is missing."""
    browser = find_chromium()
    if browser is None:
        raise ConfigError(
            "--pdf needs Chromium (apt-get install chromium, or set VIGIE_CHROMIUM); "
            f"the HTML report is at {page}"
        )
    with tempfile.TemporaryDirectory(prefix="vigie-chromium-") as profile:
        command = [
            browser,
            *_FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={target}",
            page.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise ConfigError(f"{browser}: no PDF after {timeout:.0f} s") from None
    if done.returncode != 0 or not target.is_file():
        raise ConfigError(f"{browser}: printing {page.name} to PDF failed (exit {done.returncode})")
    return target

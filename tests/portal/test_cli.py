"""The portal verbs as a user runs them: `vigie demo` ends with a portal and a code to try,
`vigie portal build` writes a bundle, and a missing notify is one line, not a traceback."""

from __future__ import annotations

import re
from pathlib import Path

from tests.cli.runner import vigie
from vigie.portal import load_bundle


def test_demo_ends_with_a_portal_and_a_genuine_code(tmp_path: Path) -> None:
    run = vigie("-q", "demo", "--persons", "100", "--out", str(tmp_path / "demo"), timeout=600)
    assert run.code == 0, run.stderr
    found = re.search(r"vigie portal serve (\S+) .*\n.*verifier\?code=(\S+)", run.stdout)
    assert found, run.stdout
    bundle, code = Path(found.group(1)), found.group(2)
    assert load_bundle(bundle).verify(code) is not None


def test_build_before_notify_is_one_line(tmp_path: Path) -> None:
    assert vigie("init", str(tmp_path / "ws")).code == 0
    run = vigie("portal", "build", str(tmp_path / "ws"), "--output", str(tmp_path / "p"))
    assert run.code != 0
    assert "vigie notify" in run.stderr and "Traceback" not in run.stderr

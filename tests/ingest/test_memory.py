"""Memory stays bounded whatever the file size: a ~200 MB CSV in a subprocess.

Slow (about a minute), so it runs only with VIGIE_SLOW_TESTS=1 (or `-m slow` with it set).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SIZE = 200 * 1024 * 1024

_CHILD = """
import json, resource, sys
from pathlib import Path
from vigie.workspace import Workspace
from vigie.ingest import ingest_files
ws = Workspace.create(Path(sys.argv[1]))
with ws.connect():
    pass
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
report = ingest_files(ws, [Path(sys.argv[2])]).as_dict()["files"][0]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"base": base, "peak": peak, "rows": report["rows_stored"]}))
"""


def _write_csv(path: Path, size: int) -> int:
    header = "nir;nom;prenom;adresse;ville;date_prelevement;note\n"
    rows = 0
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(header)
        written = len(header)
        block: list[str] = []
        while written < size:
            n = rows + len(block)
            line = (
                f"{1850275000000 + n};Lefèvre{n % 997};Éloïse;{n % 300} rue de la Paix;"
                f'Saint-Étienne;2019-02-{1 + n % 28:02d};"bilan {n}, à revoir"\n'
            )
            block.append(line)
            written += len(line.encode())
            if len(block) == 10_000:
                handle.write("".join(block))
                rows += len(block)
                block = []
        handle.write("".join(block))
        rows += len(block)
    return rows


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("VIGIE_SLOW_TESTS"), reason="set VIGIE_SLOW_TESTS=1")
def test_large_csv_ingests_with_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    rows = _write_csv(path, SIZE)
    run = subprocess.run(
        [sys.executable, "-c", _CHILD, str(tmp_path / "ws"), str(path)],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ,
    )
    figures = json.loads(run.stdout.splitlines()[-1])
    assert figures["rows"] == rows
    growth = figures["peak"] - figures["base"]
    assert growth < path.stat().st_size / 2, figures

"""Same seed, same bytes; another seed, other data."""

from __future__ import annotations

from pathlib import Path

from vigie.synth import generate


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_same_seed_writes_identical_bytes(tmp_path: Path, small: Path) -> None:
    again = tmp_path / "again"
    generate(again, 2000, 11, progress=False)
    first, second = _files(small), _files(again)
    assert first.keys() == second.keys()
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []


def test_other_seed_writes_other_data(tmp_path: Path, small: Path) -> None:
    other = tmp_path / "other"
    generate(other, 2000, 12, progress=False)
    a, b = _files(small), _files(other)
    for name in (
        "leak/export_sil.sql",
        "leak/extraction_patients.csv",
        "leak/export_labo.xlsx",
        "leak/dossiers.jsonl",
        "truth/persons.csv",
    ):
        assert a[name] != b[name], name


def test_summary_lists_files_and_counts(tmp_path: Path) -> None:
    s = generate(tmp_path / "s", 300, 1, progress=False)
    assert s.persons_in_leak == 300
    assert s.persons_total > 300
    assert sum(s.rows_per_file.values()) == s.exam_rows
    assert "truth/leak_rows.csv" in s.files and "incident.yaml" in s.files
    assert s.registries == 28

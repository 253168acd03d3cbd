"""The template is editable, and a letter that does not fit one sheet is refused by name."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from tests.notify.pdftext import page_texts
from vigie.errors import ConfigError, InputError
from vigie.notify import codes, letters
from vigie.notify.address import Recipient, format_address
from vigie.notify.variants import IncidentText, letter_text

INC = IncidentText(
    date(2021, 2, 12), date(2021, 2, 23), "exfiltration", "Éditeur", True, date(2021, 3, 1), None
)


def _jobs(out: Path, count: int = 3) -> tuple[letters.PartTable, list[letters.BatchJob]]:
    parts = letters.PartTable()
    live = []
    for i in range(count):
        block = format_address(Recipient("F", "Anne", "Test", "1 rue A", "35000", "Rennes"))
        assert isinstance(block, tuple)
        text = letter_text(
            {"sex": "F"},
            address=block,
            minor=False,
            tier="high",
            elements=["identity.last_name", "national_id.nir"],
            sender="Laboratoire Test",
            dpo="dpo@example.org",
            inc=INC,
        )
        pages = {k: parts.add(k, v) for k, v in text.parts.items()}
        live.append(
            {**text.live, "id": f"L01-{i + 1:06d}", "code": codes.new_code(), "parts": pages}
        )
    return parts, [letters.BatchJob("batch-0001", out / "batch-0001.pdf", live)]


def _render(template: Path, out: Path) -> Path:
    parts, jobs = _jobs(out)
    build = out / "build"
    letters.prepare_build(template, build, parts)
    list(letters.render_batches(jobs, build, processes=1))
    return jobs[0].path


def test_identical_parts_are_typeset_once(tmp_path: Path) -> None:
    parts, _ = _jobs(tmp_path, count=5)
    assert len(parts.items) == 6  # one of each kind for five identical letters


def test_edited_template_text_appears_in_the_letters(tmp_path: Path) -> None:
    template = tmp_path / "template"
    shutil.copytree(letters.DEFAULT_TEMPLATE_DIR, template)
    parts = template / "parts.typ"
    parts.write_text(parts.read_text().replace("Vos droits", "Vos recours"))
    pages = page_texts(_render(template, tmp_path))
    assert len(pages) == 6
    assert "Vos recours" in pages[1] and "Vos droits" not in pages[1]


def test_letter_running_over_two_pages_is_named(tmp_path: Path) -> None:
    template = tmp_path / "template"
    shutil.copytree(letters.DEFAULT_TEMPLATE_DIR, template)
    layout = template / "letter.typ"
    layout.write_text(
        layout.read_text().replace(
            "  part(l.parts.rights)\n", "  part(l.parts.rights)\n  pagebreak()\n"
        )
    )
    with pytest.raises(InputError, match="letter L01-000001 does not fit on two pages"):
        _render(template, tmp_path)


def test_template_folder_must_hold_the_three_files(tmp_path: Path) -> None:
    (tmp_path / "letter.typ").write_text("")
    with pytest.raises(ConfigError, match=r"parts\.typ"):
        letters.template_dir(tmp_path)


def test_template_error_is_one_line_naming_the_file(tmp_path: Path) -> None:
    template = tmp_path / "template"
    shutil.copytree(letters.DEFAULT_TEMPLATE_DIR, template)
    (template / "parts.typ").write_text("#let parts = (")
    with pytest.raises(ConfigError, match=r"parts\.typ: the template does not compile"):
        _render(template, tmp_path)


def test_batches_beyond_one_worker_round_all_render(tmp_path: Path) -> None:
    """Workers are replaced every BATCHES_PER_WORKER batches; every batch still comes out
    (in the order they finish)."""
    parts, jobs = _jobs(tmp_path, count=2 * letters.BATCHES_PER_WORKER + 1)
    single = [
        letters.BatchJob(f"batch-{i:04d}", tmp_path / f"batch-{i:04d}.pdf", [one])
        for i, one in enumerate(jobs[0].letters, 1)
    ]
    build = tmp_path / "build"
    letters.prepare_build(letters.DEFAULT_TEMPLATE_DIR, build, parts)
    done = list(letters.render_batches(single, build, processes=2))
    assert sorted(name for name, _ in done) == [job.name for job in single]
    assert all(len(page_texts(job.path)) == 2 for job in single)

"""Verbs of the notify stage: `vigie notify` (letters, filings, tracking) and `vigie verify`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from vigie.cli import app
from vigie.cli._common import Result, open_workspace, verb, workspace_argument
from vigie.errors import ConfigError

PERSONAL = "these files hold personal data (owner-only, 0600): keep them inside WS/out"


class _DefaultGroup(click.Group):
    """`vigie notify WS ...` runs `notify run`; `vigie notify status WS` the subcommand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@app.group(cls=_DefaultGroup)
def notify() -> None:
    """Letters to every affected person, print batches, e-mail/SMS variants, filings.

    \b
    Example:
      vigie notify incident                       # same as `vigie notify run incident`
      vigie notify status incident --import returns.csv
      vigie notify incident --resend
    """


@notify.command("run")
@workspace_argument
@click.option(
    "--template",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    metavar="DIR",
    help="A copy of the default template folder, edited (letter.typ, parts.typ).",
)
@click.option("--batch-size", default=1000, show_default=True, help="Letters per PDF.")
@click.option("--jobs", default=2, show_default=True, help="Processes writing batches.")
@click.option("--date", "letter_date", metavar="YYYY-MM-DD", help="Date on the letters.")
@click.option("--verify-url", metavar="URL", help="Verification page printed and in the QR.")
@click.option("--reissue", is_flag=True, help="New letters and codes (old codes stay valid).")
@click.option("--resend", is_flag=True, help="Letters for returned mail, at a newer address.")
@click.option(
    "--accessible",
    is_flag=True,
    help="Tagged PDFs for screen readers (French, reading order, QR alt text); ~1.7x slower.",
)
@click.option(
    "--large-print",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    metavar="FILE",
    help="Persons whose letters are printed large: a letter reference (L01-000123) or a "
    "person_id a line, or a CSV with a letter_id or person_id column.",
)
@click.option("--shard", metavar="I/N", help="Render only shard I of N (docs/scale.md).")
@click.option("--merge", is_flag=True, help="Check and record the shard folders DIR… as one issue.")
@click.option(
    "--make-keys",
    is_flag=True,
    help="Only make the keys all shards share (before copying WS to other machines).",
)
@click.argument("shard_dirs", nargs=-1, metavar="[DIR…]",
                type=click.Path(file_okay=False, exists=True, path_type=Path))  # fmt: skip
@verb
def notify_run(
    workspace: Path,
    template: Path | None,
    batch_size: int,
    jobs: int,
    letter_date: str | None,
    verify_url: str | None,
    reissue: bool,
    resend: bool,
    accessible: bool,
    large_print: Path | None,
    shard: str | None,
    merge: bool,
    make_keys: bool,
    shard_dirs: tuple[Path, ...],
) -> Result:
    """Write a letter for every notifiable person, and the filings, under WS/out/notify/.

    Letters go in batch PDFs sorted by postcode with a manifest.csv for the print house;
    each carries a verification code (`vigie verify`). Deceased persons and persons with
    no usable address get no letter and are listed in not_sent.csv. Running again
    changes nothing once letters are issued (see --reissue, --resend). --accessible
    letters are tagged PDF for screen readers; --large-print letters are set in 16 pt on
    as many sheets as needed (PDF/UA-1), in their own batches, and stay large in later
    issues; once letters are out, --large-print alone issues large-print copies.

    \b
    Example:
      vigie notify incident --date 2021-03-01
      vigie notify run incident --template my-template --batch-size 500 --json
      vigie notify incident --large-print gros-caracteres.txt
      vigie notify incident --date 2021-03-01 --shard 2/3   # on each of 3 machines
      vigie notify incident --merge m1/shard-1-of-3 m2/shard-2-of-3 m3/shard-3-of-3
    """
    from vigie.notify.run import NotifyOptions, notify_workspace

    options = NotifyOptions(
        template=template,
        batch_size=batch_size,
        processes=max(1, jobs),
        letter_date=_parse_date(letter_date),
        verify_url=verify_url,
        reissue=reissue,
        accessible=accessible,
        large_print=large_print,
    )
    if resend and large_print:
        raise ConfigError("--resend and --large-print: run one, then the other")
    ws = open_workspace(workspace)
    if shard or merge or shard_dirs or make_keys:
        from vigie.cli.notify_shards import sharded

        return sharded(ws, options, shard, merge, list(shard_dirs), resend, make_keys)
    if resend:
        from vigie.notify.tracking import resend_returned

        data = resend_returned(ws, options)
        return Result(data, _resend_text(data))
    data = notify_workspace(ws, options)
    return Result(data, _copies_text(data) if data.get("kind") == "resend" else _text(data))


def _parse_date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(f"--date: not a YYYY-MM-DD date: {text[:20]}") from None


def _text(d: dict[str, Any]) -> str:
    if d.get("already_issued"):
        head = f"letters already issued (issue {d['issue']}): nothing changed; --reissue for new"
    else:
        head = f"{d['letters']:,} letters in {d['batches']} batch PDFs (issue {d['issue']})"
        if d.get("large_print"):
            head += f", {d['large_print']:,} in large print"
    not_sent = ", ".join(f"{r} {n:,}" for r, n in d["not_sent"].items() if n) or "none"
    lines = [
        head,
        f"persons {d['persons']:,} = letters {d['letters']:,} + not sent ({not_sent})",
        f"letters:  {d['out']}  ({PERSONAL})",
        f"filings:  {d.get('filings', '')}",
    ]
    if "channels" in d:
        c = d["channels"]
        lines.insert(2, f"e-mail variants {c['email']:,}, SMS variants {c['sms']:,}")
    return "\n".join(lines)


def _copies_text(d: dict[str, Any]) -> str:
    """Large-print copies once letters are out (`--large-print` without `--reissue`)."""
    not_sent = ", ".join(f"{r} {n:,}" for r, n in d["not_sent"].items() if n)
    if not d["letters"]:
        return f"no large-print letter: the persons named get no letter ({not_sent})"
    lines = [
        f"{d['letters']:,} large-print letters (issue {d['issue']}), each replacing the "
        "person's latest letter; the codes already mailed stay valid",
        f"letters:  {d['out']}  ({PERSONAL})",
    ]
    if not_sent:
        lines.insert(1, f"no letter for {not_sent}")
    return "\n".join(lines)


def _resend_text(d: dict[str, Any]) -> str:
    if not d["letters"]:
        return (
            f"no letter to resend ({d['returned']} returned, "
            f"{d['no_newer_address']} with no newer address)"
        )
    return (
        f"{d['letters']:,} letters resent at a newer address (issue {d['issue']}); "
        f"{d['no_newer_address']:,} returned letters have no newer address\n"
        f"letters:  {d['out']}  ({PERSONAL})"
    )


@notify.command("status")
@workspace_argument
@click.option(
    "--import",
    "import_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    metavar="FILE",
    help="CSV from the print house or La Poste: letter_id,status[,date].",
)
@verb
def notify_status(workspace: Path, import_file: Path | None) -> Result:
    """Record and show what became of each letter: sent, delivered, returned.

    The CSV has a header with `letter_id` and `status` (sent | delivered | returned;
    "NPAI" and "n'habite pas à l'adresse indiquée" mean returned) and optionally `date`.

    \b
    Example:
      vigie notify status incident --import laposte-retours.csv
      vigie notify status incident --json
    """
    from vigie.notify.tracking import import_status, status_counts

    ws = open_workspace(workspace)
    imported = import_status(ws, import_file) if import_file else None
    counts = status_counts(ws)
    data: dict[str, Any] = {"status": counts}
    lines = [f"{k}: {v:,}" for k, v in counts.items()]
    if imported is not None:
        data["imported"] = imported
        lines.insert(0, f"imported {imported['rows']:,} rows from {import_file}")
    return Result(data, "\n".join(lines))


@app.command()
@click.argument("workspace", required=False, type=click.Path(file_okay=False, path_type=Path),
                metavar="WS")  # fmt: skip
@click.argument("code", required=False)
@click.option("--qr", "qr_text", metavar="TEXT", help="A scanned QR's text: check its signature.")
@click.option("--bundle", type=click.Path(file_okay=False, exists=True, path_type=Path),
              metavar="DIR", help="Portal bundle holding the public key (with --qr).")  # fmt: skip
@verb
def verify(workspace: Path | None, code: str | None, qr_text: str | None,
           bundle: Path | None) -> Result:  # fmt: skip
    """Check a letter's verification code: genuine codes give the issuer and the date.

    Exit 0 for a genuine code, 1 for anything else. Nothing personal is shown. With --qr
    and a portal bundle, checks a QR code's signature offline (no store, no key).

    \b
    Example:
      vigie verify incident 7KQ2-M9XD-4TRB
      vigie verify --qr "https://verifier.example.org/verifier/?code=..." --bundle portal
    """
    from vigie.notify.run import verify_code

    if qr_text is not None:
        from vigie.portal.signing import check_with_bundle

        if bundle is None:
            raise ConfigError("--qr needs --bundle DIR (the portal bundle with the public key)")
        data = check_with_bundle(bundle, qr_text)
        if not data["signature_valid"]:
            return Result(data, "the QR code's signature is not valid: not from us", 1)
        to = f"{data['initials']} {data['postcode']}"
        text = (
            f"signed: letter {data['letter']} from {data['issuer']}, {data['issued_on']}, to {to}"
        )
        return Result(data, text)
    if workspace is None or code is None:
        raise ConfigError("give WS and CODE, or --qr TEXT --bundle DIR")

    found = verify_code(open_workspace(workspace), code)
    if found is None:
        return Result({"genuine": False}, "not a genuine code: this letter is not from us", 1)
    data = {"genuine": True, "issuer": found.issuer, "issued_on": found.issued_on.isoformat()}
    return Result(data, f"genuine: issued by {found.issuer} on {found.issued_on.isoformat()}")

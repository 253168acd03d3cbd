"""Verbs of the public portal: `vigie portal build` and `vigie portal serve`."""

from __future__ import annotations

from pathlib import Path

import click

from vigie.cli import app
from vigie.cli._common import Result, open_workspace, verb, workspace_argument

bundle_argument = click.argument(
    "bundle", type=click.Path(file_okay=False, exists=True, path_type=Path), metavar="DIR"
)


@app.group()
def portal() -> None:
    """The public verification page: a bundle with no personal data, and its server.

    \b
    Example:
      vigie portal build incident --output portal --base-url https://verifier.example.org
      vigie portal serve portal --port 8080
    """


@portal.command("build")
@workspace_argument
@click.option(
    "--output", required=True, type=click.Path(file_okay=False, path_type=Path), metavar="DIR"
)
@click.option("--base-url", metavar="URL", help="Where the portal will be served (public).")
@verb
def portal_build(workspace: Path, output: Path, base_url: str | None) -> Result:
    """Write the portal bundle: hashes of every issued code, issuers, public texts.

    Safe to copy to a public server: it holds no personal value. Build again after
    each `vigie notify` (reissue, resend): old codes stay valid.

    \b
    Example:
      vigie portal build incident --output portal
    """
    from vigie.portal import build_bundle

    data = build_bundle(open_workspace(workspace), output, base_url)
    return Result(data, f"portal bundle: {data['codes']} codes, {data['issuers']} issuers "
                        f"in {data['output']}")  # fmt: skip


@portal.command("serve")
@bundle_argument
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--rate", default=60, show_default=True, type=int,
              help="Requests per minute per client on the forms and the API.")  # fmt: skip
@click.option("--requests", "requests_file", default="requests.sealed", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Where sealed self-check requests are appended (unreadable here).")  # fmt: skip
@click.option("--forwarded-allow-ips", default="127.0.0.1", show_default=True,
              help="Reverse proxies whose X-Forwarded-For/-Proto are trusted.")  # fmt: skip
@verb
def portal_serve(
    bundle: Path, host: str, port: int, rate: int, requests_file: Path, forwarded_allow_ips: str
) -> Result:
    """Serve a portal bundle (uvicorn); stop with Ctrl-C.

    \b
    Example:
      vigie portal serve portal --host 127.0.0.1 --port 8080
    """
    from vigie.portal.server import serve

    serve(bundle, host=host, port=port, rate=rate, requests_file=requests_file,
          forwarded_allow_ips=forwarded_allow_ips)  # fmt: skip
    return Result({"served": str(bundle), "host": host, "port": port})


@portal.group("requests")
def portal_requests() -> None:
    """Sealed "Suis-je concerné ?" requests collected by the portal.

    \b
    Example:
      vigie portal requests import incident requests.sealed
    """


@portal_requests.command("import")
@workspace_argument
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--date", "letter_date", metavar="YYYY-MM-DD", help="Date on the answers.")
@click.option(
    "--verify-url",
    metavar="URL",
    help="Verification page on the letters (default: the last notify's, or the "
    "portal's /verifier).",
)
@verb
def portal_requests_import(workspace: Path, file: Path, letter_date: str | None,
                           verify_url: str | None) -> Result:  # fmt: skip
    """Open sealed requests with the store's key and answer each, by post only.

    Each request is matched with the leak and the registries by the link model:
    concerned (the person's letter again, to the address on record), known to a
    controller but not concerned (a note the same way), or to handle by hand (a list in
    out/portal/answers-NN/by_hand.csv). Requests imported before are skipped, so the
    portal's file can be imported again as it grows.

    \b
    Example:
      vigie portal requests import incident requests.sealed --json
    """
    from vigie.cli.notify_verbs import _parse_date
    from vigie.portal.answers import AnswerOptions, import_requests, last_verify_url

    ws = open_workspace(workspace)
    options = AnswerOptions(letter_date=_parse_date(letter_date),
                            verify_url=verify_url or last_verify_url(ws))  # fmt: skip
    data = import_requests(ws, file, options)
    shown = ("requests", "already_imported", "unreadable", "concerned", "not_concerned",
             "by_hand", "letters", "notes")  # fmt: skip
    text = ", ".join(f"{k.replace('_', ' ')} {data[k]}" for k in shown)
    if data.get("out"):
        text += f"\nanswers in {data['out']}"
        if data.get("issue"):
            text += f"; letters: notify issue {data['issue']}"
    return Result(data, f"portal requests: {text}")

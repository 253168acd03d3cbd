"""The `vigie` command: a verb per stage, each a few lines over the library."""

from __future__ import annotations

import logging
import sys

import click

from vigie import progress
from vigie.errors import ConfigError, VigieError


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="vigie")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars.")
@click.option("-v", "--verbose", count=True, help="More log detail on stderr (never data values).")
def app(quiet: bool, verbose: int) -> None:
    """vigie: breach response for personal health data.

    \b
    Example:
      vigie demo                      # synthetic incident through every stage
      vigie init ws && vigie ingest ws leak/*.sql leak/*.csv
    """
    progress.set_enabled(not quiet)
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="vigie: %(levelname)s: %(message)s", stream=sys.stderr)
    # Splink's own log reaches vigie's debug log during link (-vv): see vigie.link.quiet


def _register_verbs() -> None:
    # Each module adds its commands to `app`; imported here so `import vigie` stays light.
    from vigie.cli import (  # noqa: F401
        assess_verbs,
        console_verbs,
        demo_verbs,
        ingest_verbs,
        link_verbs,
        notify_verbs,
        portal_verbs,
        purge_verbs,
        report_verbs,
        scan_verbs,
        synth_verbs,
        workspace_verbs,
    )


def main(argv: list[str] | None = None) -> None:
    """Entry point: user mistakes end in one line on stderr and a non-zero exit."""
    _register_verbs()
    try:
        app.main(args=argv, prog_name="vigie", standalone_mode=False)
    except VigieError as exc:
        click.echo(f"vigie: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("vigie: aborted", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        click.echo("vigie: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:
        if not _out_of_memory(exc):
            raise
        click.echo(f"vigie: error: {OUT_OF_MEMORY}", err=True)
        sys.exit(ConfigError.exit_code)
    sys.exit(0)


OUT_OF_MEMORY = (
    "DuckDB needed more memory than its limit allows for this stage and could not spill "
    "it: raise VIGIE_MEMORY (4GB by default; VIGIE_LINK_MEMORY for link, VIGIE_SCAN_MEMORY "
    "for scan), or render letters in shards (vigie notify WS --shard I/N, docs/scale.md)"
)


def _out_of_memory(exc: BaseException) -> bool:
    """DuckDB's OutOfMemoryException (duckdb is imported by then if it was raised)."""
    duckdb = sys.modules.get("duckdb")
    return duckdb is not None and isinstance(exc, duckdb.OutOfMemoryException)

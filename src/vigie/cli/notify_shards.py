"""`vigie notify WS --shard I/N` and `vigie notify WS --merge DIR…` (vigie.notify.shards)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vigie.cli._common import Result
from vigie.errors import ConfigError
from vigie.notify.run import NotifyOptions
from vigie.workspace import Workspace

PERSONAL = "these files hold personal data (owner-only, 0600): keep them inside WS/out"


def sharded(ws: Workspace, options: NotifyOptions, shard: str | None, merge: bool,
            folders: list[Path], resend: bool, make_keys: bool = False) -> Result:  # fmt: skip
    """Dispatch --shard, --merge or --make-keys, refusing what means nothing together."""
    if resend:
        raise ConfigError("--resend is not sharded: run it without --shard or --merge")
    if options.large_print:
        raise ConfigError("--large-print is not sharded: run it after --merge, without --shard")
    if sum(map(bool, (shard, merge, make_keys))) > 1:
        raise ConfigError("--shard, --merge and --make-keys: one at a time")
    if folders and not merge:
        raise ConfigError("shard folders are given to --merge only")
    if make_keys:
        from vigie.notify.shards import make_keys as make

        data = make(ws)
        state = "made" if data["made"] else "already there"
        return Result(data, f"the keys all shards share are {state}: copy the workspace now")
    if shard:
        from vigie.notify.shards import Shard, render_shard

        data = render_shard(ws, options, Shard.parse(shard))
        return Result(data, _shard_text(data))
    from vigie.notify.shard_merge import merge_shards

    data = merge_shards(ws, folders, options)
    return Result(data, _merge_text(data))


def _shard_text(d: dict[str, Any]) -> str:
    not_sent = ", ".join(f"{r} {n:,}" for r, n in d["not_sent"].items() if n) or "none"
    return "\n".join([
        f"shard {d['shard']}/{d['of']} of issue {d['issue']}: {d['letters']:,} letters in "
        f"{d['batches']} batch PDFs",
        f"persons {d['persons']:,} = letters {d['letters']:,} + not sent ({not_sent})",
        f"letters:  {d['out']}  ({PERSONAL})",
        "nothing is recorded until `vigie notify WS --merge` has every shard's folder",
    ])  # fmt: skip


def _merge_text(d: dict[str, Any]) -> str:
    if d.get("already_issued"):
        return f"issue {d['issue']} already recorded: nothing changed"
    not_sent = ", ".join(f"{r} {n:,}" for r, n in d["not_sent"].items() if n) or "none"
    return "\n".join([
        f"{d['shards']} shards merged: {d['letters']:,} letters in {d['batches']} batch PDFs "
        f"(issue {d['issue']}), every person accounted for once",
        f"persons {d['persons']:,} = letters {d['letters']:,} + not sent ({not_sent})",
        f"letters:  {d['out']}  ({PERSONAL})",
        f"filings:  {d['filings']}",
    ])  # fmt: skip

"""Store keys: never inside the workspace, so copying the folder never copies the key."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import platformdirs

from vigie.errors import KeyMissingError

KEY_ENV = "VIGIE_KEY"
KEY_DIR_ENV = "VIGIE_KEY_DIR"


def key_directory() -> Path:
    """Where generated keys live: VIGIE_KEY_DIR, else the user's configuration directory."""
    override = os.environ.get(KEY_DIR_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir("vigie")) / "keys"


def key_path(workspace_id: str) -> Path:
    return key_directory() / f"{workspace_id}.key"


def create_key(workspace_id: str) -> str:
    """Return VIGIE_KEY when set, else generate a key into a 0600 file named by the id."""
    from_env = os.environ.get(KEY_ENV)
    if from_env:
        return from_env
    path = key_path(workspace_id)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_hex(32)
    # O_EXCL: never overwrite the key of an existing workspace with the same id.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key


def load_key(workspace_id: str) -> str:
    from_env = os.environ.get(KEY_ENV)
    if from_env:
        return from_env
    path = key_path(workspace_id)
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        raise KeyMissingError(
            f"no key for workspace {workspace_id}: expected {path} or the {KEY_ENV} "
            "environment variable (the key is never stored in the workspace)"
        ) from None
    except OSError as exc:
        raise KeyMissingError(f"cannot read the key file {path}: {exc.strerror}") from None
    if not key:
        raise KeyMissingError(f"the key file {path} is empty")
    return key

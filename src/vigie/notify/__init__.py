"""The notify stage: a verifiable letter for every affected person, and the filings.

`notify_workspace(ws, NotifyOptions(...))` issues the letters (docs/letters.md);
`verify_code(ws, code)` checks a letter's verification code.
"""

from vigie.notify.run import NotifyOptions, notify_workspace, verify_code

__all__ = ["NotifyOptions", "notify_workspace", "verify_code"]

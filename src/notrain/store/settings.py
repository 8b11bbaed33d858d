"""The person's settings: small JSON values kept in the database under dotted keys.

Settings that belong to a feature are named after it (``watch.email``, ``watch.feed``), so the
web app's settings page and the CLI read and write the same values.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from notrain.store.database import Database

__all__ = ["delete_setting", "get_setting", "set_setting"]


def get_setting(db: Database, key: str, default: Any = None) -> Any:
    """The value stored under ``key``, or ``default`` when there is none."""
    row = db.conn.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    return json.loads(row["value"]) if row else default


def set_setting(db: Database, key: str, value: Any) -> None:
    """Store ``value`` (anything JSON can hold) under ``key``, replacing what was there."""
    with db.conn:
        db.conn.execute(
            "INSERT INTO setting (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value, ensure_ascii=False, sort_keys=True)),
        )


def delete_setting(db: Database, key: str) -> bool:
    """Forget ``key``; False when nothing was stored under it."""
    with db.conn:
        return db.conn.execute("DELETE FROM setting WHERE key = ?", (key,)).rowcount == 1

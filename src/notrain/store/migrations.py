"""The database schema, as an append-only list of migrations.

Each entry moves the schema one version forward; ``PRAGMA user_version`` records
how many have been applied. Never edit a released migration: add a new one.
"""

from __future__ import annotations

__all__ = ["MIGRATIONS"]

MIGRATIONS: tuple[str, ...] = (
    # 1: the registry of protected images.
    """
    CREATE TABLE protected_image (
        id INTEGER PRIMARY KEY,
        input_path TEXT NOT NULL,
        input_sha256 TEXT NOT NULL,
        options_key TEXT NOT NULL,
        output_path TEXT NOT NULL,
        output_sha256 TEXT NOT NULL,
        platform TEXT NOT NULL,
        steps TEXT NOT NULL,
        input_width INTEGER NOT NULL,
        input_height INTEGER NOT NULL,
        output_width INTEGER NOT NULL,
        output_height INTEGER NOT NULL,
        output_bytes INTEGER NOT NULL,
        report TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX protected_image_input ON protected_image (input_sha256, options_key);
    CREATE INDEX protected_image_output ON protected_image (output_sha256);
    CREATE INDEX protected_image_output_path ON protected_image (output_path);
    """,
    # 2: the local identity, invisible-watermark payloads and perceptual hashes.
    """
    CREATE TABLE identity (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        contact TEXT NOT NULL,
        secret TEXT NOT NULL,
        owner_id INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        retired_at TEXT
    );
    CREATE INDEX identity_owner ON identity (owner_id);
    CREATE TABLE mark (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        owner_id INTEGER NOT NULL,
        job_key TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX mark_job ON mark (owner_id, job_key);
    ALTER TABLE protected_image ADD COLUMN mark_id INTEGER;
    ALTER TABLE protected_image ADD COLUMN payload TEXT;
    ALTER TABLE protected_image ADD COLUMN pdq TEXT;
    ALTER TABLE protected_image ADD COLUMN pdq_quality INTEGER;
    CREATE INDEX protected_image_payload ON protected_image (payload);
    CREATE TABLE pdq_band (
        band INTEGER NOT NULL,
        value INTEGER NOT NULL,
        image_id INTEGER NOT NULL,
        PRIMARY KEY (band, value, image_id)
    ) WITHOUT ROWID;
    """,
    # 3: objections and other rights requests, and the dated events of each.
    """
    CREATE TABLE rights_request (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        jurisdiction TEXT NOT NULL,
        platforms TEXT NOT NULL,
        device TEXT NOT NULL,
        name TEXT NOT NULL,
        email TEXT NOT NULL,
        language TEXT NOT NULL,
        role TEXT NOT NULL,
        posts TEXT NOT NULL,
        reason TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE rights_event (
        id INTEGER PRIMARY KEY,
        request_id INTEGER NOT NULL REFERENCES rights_request (id) ON DELETE CASCADE,
        status TEXT,
        on_date TEXT NOT NULL,
        note TEXT NOT NULL,
        reply TEXT NOT NULL,
        reference TEXT NOT NULL,
        attachment TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX rights_event_request ON rights_event (request_id, on_date);
    """,
    # 4: watched policy documents, their versions (texts stored once, by sha256), and where
    # each Open Terms Archive import stopped.
    """
    CREATE TABLE watch_document (
        key TEXT PRIMARY KEY,
        service TEXT NOT NULL,
        doc_type TEXT NOT NULL,
        jurisdiction TEXT NOT NULL,
        language TEXT NOT NULL,
        url TEXT NOT NULL,
        selectors TEXT NOT NULL,
        source TEXT NOT NULL,
        checked TEXT,
        added_by_user INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    );
    CREATE TABLE watch_text (
        sha256 TEXT PRIMARY KEY,
        text TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE watch_version (
        id INTEGER PRIMARY KEY,
        document TEXT NOT NULL REFERENCES watch_document (key) ON DELETE CASCADE,
        sha256 TEXT NOT NULL REFERENCES watch_text (sha256),
        captured TEXT NOT NULL,
        effective TEXT,
        broken INTEGER NOT NULL DEFAULT 0,
        broken_reason TEXT NOT NULL DEFAULT '',
        origin TEXT NOT NULL DEFAULT '',
        UNIQUE (document, sha256, captured)
    );
    CREATE INDEX watch_version_captured ON watch_version (document, captured);
    CREATE INDEX watch_version_sha256 ON watch_version (sha256);
    CREATE TABLE watch_ota_cursor (
        repo TEXT NOT NULL,
        branch TEXT NOT NULL,
        last_commit TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        PRIMARY KEY (repo, branch)
    ) WITHOUT ROWID;
    """,
    # 5: checking watched documents (validators for conditional requests, the last result, how
    # far changes have been reported), the changes reported, display names, and the person's
    # settings.
    """
    ALTER TABLE watch_document ADD COLUMN name TEXT NOT NULL DEFAULT '';
    CREATE TABLE watch_state (
        document TEXT PRIMARY KEY REFERENCES watch_document (key) ON DELETE CASCADE,
        etag TEXT NOT NULL DEFAULT '',
        last_modified TEXT NOT NULL DEFAULT '',
        checked_at TEXT,
        status TEXT NOT NULL DEFAULT '',
        message TEXT NOT NULL DEFAULT '',
        reported_through TEXT
    ) WITHOUT ROWID;
    CREATE TABLE watch_change (
        id INTEGER PRIMARY KEY,
        entry TEXT NOT NULL UNIQUE,
        document TEXT NOT NULL REFERENCES watch_document (key) ON DELETE CASCADE,
        captured TEXT NOT NULL,
        reported_at TEXT NOT NULL,
        ai_related INTEGER NOT NULL,
        emailed INTEGER NOT NULL DEFAULT 0,
        change TEXT NOT NULL
    );
    CREATE INDEX watch_change_captured ON watch_change (captured);
    CREATE TABLE setting (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
    # 6: the web app's background jobs (protect, audit, policy checks), so that closing the tab
    # or restarting the server loses nothing.
    """
    CREATE TABLE web_job (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        status TEXT NOT NULL,
        params TEXT NOT NULL,
        progress TEXT NOT NULL DEFAULT '{}',
        result TEXT,
        error TEXT NOT NULL DEFAULT '',
        hint TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT
    );
    CREATE INDEX web_job_created ON web_job (created_at);
    """,
)

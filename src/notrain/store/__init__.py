"""All state notrain keeps: one SQLite database in the user's data folder."""

from notrain.store.database import DB_NAME, Database, ProtectedImage
from notrain.store.home import HOME_ENV, resolve_home
from notrain.store.identity import (
    Identity,
    NoIdentityError,
    active_identity,
    allocate_mark,
    create_identity,
    identities,
    owner_ids,
    require_identity,
)

__all__ = [
    "DB_NAME",
    "HOME_ENV",
    "Database",
    "Identity",
    "NoIdentityError",
    "ProtectedImage",
    "active_identity",
    "allocate_mark",
    "create_identity",
    "identities",
    "owner_ids",
    "require_identity",
    "resolve_home",
]

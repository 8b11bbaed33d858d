"""All state notrain keeps: one SQLite database in the user's data folder."""

from notrain.store.database import DB_NAME, Database, ProtectedImage
from notrain.store.home import HOME_ENV, resolve_home

__all__ = ["DB_NAME", "HOME_ENV", "Database", "ProtectedImage", "resolve_home"]

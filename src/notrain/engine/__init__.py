"""Where batch work runs: this machine's processes (a cluster backend can come later)."""

from notrain.engine.local import run_each

__all__ = ["run_each"]

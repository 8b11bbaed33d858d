"""Policy watching: documents that decide what happens to your photos, their versions, and the
changes that concern AI training."""

"""Frozen, versioned releases with embargo: what the public side reads, and only that."""

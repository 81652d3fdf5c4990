"""Analysis built on the engine: statistical audit, uncertainty and sensitivity."""

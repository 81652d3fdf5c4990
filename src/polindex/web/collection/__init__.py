"""Data collection: editions, assignments, answers with sources, review workflow and history."""

"""The cache every worker shares: database tables by default, Redis with POLINDEX_REDIS_URL.

Sign-in counters, the public page cache and (with Redis) sessions live here, so that every
worker process of a deployment counts and serves the same; nothing is kept per process.
"""

"""Suggestions of corrections from the public: a form on every country profile and indicator
page, a moderation queue for the central team in the admin, accepted suggestions carried into
the next edition's workspace as threads on the answers they concern, and listed in the
changelog of the correction release they lead to (see docs/feedback.md)."""

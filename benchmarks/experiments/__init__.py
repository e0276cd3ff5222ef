"""Experiments that settled the question of one issue, kept frozen: see README.md here."""

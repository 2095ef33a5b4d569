"""Checks: the batch list (with its output and background jobs) and the single site."""

"""The registry: the only package that speaks SQL.

Engine, models, migrations, reads, loads with history, nearest-site and area queries, accounts.
"""

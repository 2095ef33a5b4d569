"""The registry: the only package that speaks SQL (engine, models, migrations, reads, loads with history, nearest-site queries, accounts)."""

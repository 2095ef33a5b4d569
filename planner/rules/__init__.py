"""The rules, pure: profiles and their TOML, reasons, positions that may come in, region, working days."""

"""The `planner` command line: thin wrappers over the services."""

"""Users' files: reading tables, columns, cells and positions, imports, and the writers of every output file."""

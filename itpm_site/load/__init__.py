"""Stage 1: files → validated documents, with every problem as a diagnostic that names the
file, line and field."""

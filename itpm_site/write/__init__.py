"""Stage 6: the pages and files → the output folder, swapped in whole (never half-written)."""

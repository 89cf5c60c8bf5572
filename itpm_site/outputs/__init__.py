"""Stage 5: files beside the pages: exports, the search index, feeds."""

"""Stage 4: the portfolio → pages (templates, Markdown, charts)."""

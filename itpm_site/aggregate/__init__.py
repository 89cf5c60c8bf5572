"""Stage 2: validated projects → the portfolio with its rollups (groups, figures, risks,
roadmap)."""

"""The changes between two versions of a portfolio (``itpm-site diff`` and the history pages)."""

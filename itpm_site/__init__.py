"""itpm-site: a static site generator for IT project portfolios."""

__version__ = "0.1.0"

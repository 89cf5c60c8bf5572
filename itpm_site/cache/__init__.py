"""What a build keeps between builds to go faster, in the user's own cache folder (one folder
per portfolio, see ``folder``): nothing in the portfolio's repository is read as a cache."""

"""What a build keeps between builds to go faster, in the portfolio's ``.itpm-cache`` folder;
every file there is sealed, as the folder sits in a repository others write to."""

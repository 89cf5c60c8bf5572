"""The data model: vocabularies, fields, a project, the site's settings and the money model.

Everything below the pipeline's stages; imports nothing else of the package."""

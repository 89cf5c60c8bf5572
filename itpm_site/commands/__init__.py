"""One module per command; each stays thin and calls the pipeline's stages."""

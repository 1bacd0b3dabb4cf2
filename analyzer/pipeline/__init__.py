"""One run's stages: config, rule set, discovery, loading, running, cache, suppression, new-code filters."""

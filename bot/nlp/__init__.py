"""Dutch language tooling around spaCy."""

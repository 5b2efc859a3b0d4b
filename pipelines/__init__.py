"""Processing steps of veille: normalize, match, store, and the `veille` command line."""

"""The bad and good example of `no-infinite-retention`."""

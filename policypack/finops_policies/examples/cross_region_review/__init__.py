"""The bad and good example of `cross-region-review`."""

"""The bad and good example of `retention-tier`."""

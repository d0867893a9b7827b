"""The bad and good example of `cost-review`."""

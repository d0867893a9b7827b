"""The bad and good example of `cost-budget`."""

"""The bad and good example of `cost-allocation-tags`."""

"""The bad and good example of `runtime-envelope`."""

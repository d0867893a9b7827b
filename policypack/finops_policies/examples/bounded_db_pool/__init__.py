"""The bad and good example of `bounded-db-pool`."""

"""The bad and good example of `debug-telemetry-expiry`."""

"""The package's version, the single place it is written (the build reads it here)."""

__version__ = "0.1.0"

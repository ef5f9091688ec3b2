"""The library version (one place: read by the package, its metadata and the writers)."""

__version__ = "0.2.0"

"""nengo-lmu version information."""

version_info = (0, 1, 0, "dev0")
version = "0.1.0.dev0"

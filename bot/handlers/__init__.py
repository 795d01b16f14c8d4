"""One module per command area, each with ``register(application)``."""

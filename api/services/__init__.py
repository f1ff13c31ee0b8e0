"""Business logic. Nothing here knows about HTTP: services raise api.errors exceptions."""

"""The HTTP layer: `main.create_app` builds the app from the routers here."""

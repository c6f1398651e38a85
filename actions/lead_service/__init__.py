"""The action server's link to the lead service: settings, the HTTP client, and a
durable outbox that keeps a hand-off (or an erase request) until the service has it."""

"""Staff accounts and who may do what: password hashing, access tokens, login sessions, CSRF,
throttling wrong passwords, role checks and the audit log. One module per job."""

"""What the client and the server agree on: message records, ids, limits,
server addresses, the wire's events, and process-wide transport settings.

No Qt, no sockets: both sides (and the window) import from here, never the
other way round (import-linter contracts in pyproject.toml).
"""

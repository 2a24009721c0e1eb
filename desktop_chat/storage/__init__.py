"""Local files: one way to open the app's SQLite databases, with their schema
versions. Used by the client (outbox) and the server (history) alike.
"""

"""Accounts: a server, an identity on it and a name, and what is kept per account.

Qt-free, beside `client/` (it uses the client's database and history), below
`ui/` and `app/`, which observe it.
"""

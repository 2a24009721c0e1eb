"""The network client, in plain asyncio and free of Qt: a `ChatClient` facade
over parts that each own their state (connection, sender, receiver, echo
probe) and the outbox on disk. Tested without a window.
"""

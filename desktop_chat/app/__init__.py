"""The application: the composition root (`session`, `run`), the asyncio-on-Qt
loop, settings, platform checks and the process-test remote control.

This package's `__init__` imports nothing: `desktop-chat --help` and the
platform check run before Qt is loaded.
"""

"""The network core: plain asyncio, no Qt, so it is tested without a window."""

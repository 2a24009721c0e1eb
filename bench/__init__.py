"""The benchmarks, run as modules from the repository root: `python -m bench.fanout`.

A package so that they share bench/_common.py and tests/procs.py by import
(no sys.path changes); the worker scripts they start (worker.py,
_paint_probe.py, _server_variant.py) run by path, with desktop_chat taken
from PYTHONPATH (this checkout, or an export of an older commit).
"""

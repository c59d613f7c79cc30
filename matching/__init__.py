"""The matching engine: capability and logistics graphs, OR-Tools allocation, diagnosis.

Pure by design: plain frozen dataclasses and numpy arrays in, a result object out. It imports
nothing from ``catalog`` or ``api`` and no database or web library (a test checks this), so it
can be used, tested and benchmarked on its own.
"""

"""Engines run the stages: in one process, on a process pool, or on Spark."""

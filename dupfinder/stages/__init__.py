"""Pure, row-keyed batch kernels: arrays in, arrays out (see docs/architecture in the README).

Each module is one stage; none knows about files, threads, processes, Spark or progress.
"""

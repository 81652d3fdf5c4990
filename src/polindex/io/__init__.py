"""Readers and writers: CSV/XLSX long and wide input; CSV, XLSX and JSON results."""

from polindex.io.encode import encode
from polindex.io.problems import DataError, DataProblem
from polindex.io.tables import ReadOptions, long_from_frame, long_from_records, read_table
from polindex.io.writers import write_results

__all__ = [
    "DataError",
    "DataProblem",
    "ReadOptions",
    "encode",
    "long_from_frame",
    "long_from_records",
    "read_table",
    "write_results",
]

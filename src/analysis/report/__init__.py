"""The monthly report run: notebooks executed with papermill, rendered with nbconvert, published
atomically as one pack per authority and period (``reports/<authority>/<period>/``).

Modules, one job each: :mod:`.notebooks` (the notebook contract, parameters), :mod:`.plan`
(validation and pack planning), :mod:`.kernels` (kernels that die with their run),
:mod:`.pool` (the worker pool, Dask), :mod:`.execute` (one job), :mod:`.render` (HTML),
:mod:`.publish` (staging, the atomic switch, indexes, clean-up), :mod:`.interrupts` (stopping
cleanly), :mod:`.run` (a run from start to end).  The command line is in :mod:`analysis.cli`.
"""

import sys

# jsonschema imports rfc3987_syntax, when it is installed, to check IRI formats; importing it builds a
# grammar that costs about 0.9 s in every process that reads a notebook.  The notebook schema uses
# no such format, so the report machinery declines that import (jsonschema skips the check).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # None blocks an import (Python's documented rule); typeshed allows only modules

# papermill loads its engines' entry points - this package's analysis.report.engine among them -
# when it is first imported.  Imported here first, so that importing analysis.report.engine before
# papermill does not find the module half-made (a circular import through the entry point).
import papermill  # noqa: E402,F401

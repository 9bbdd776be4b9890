"""Children's services finance papers -> validated tables -> parameterised notebooks -> HTML pack.

Modules: ``ingest`` (raw documents -> processed tables), ``schemas`` (the tables' columns and
meanings), ``money`` (the one money parser), ``reconcile`` (printed totals recomputed), the
analyses (``variance``, ``comparators``, ``cla``, …), ``charts`` (one chart style) and
``report`` (the monthly run).  Nothing runs at import time.
"""

__version__ = "0.1.0"

"""The analyses: functions that take processed tables and return tables, sentences and figures.

One module per topic (``variance`` for savings trackers, ``comparators`` and ``cla`` for children
looked after, ``placements``, ``improvement_plan``, ``recovery``, ``budget``) and ``scorecard``,
which gathers each topic's headline.  They read nothing from disk: notebooks load tables with
:mod:`analysis.data` and pass them in.
"""

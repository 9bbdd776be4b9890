"""Published statistics (the `statistics` layer): DfE / ONS / MHCLG releases -> validated tables beside the papers' tables.

``python -m analysis public-stats`` reads the downloads a user keeps in ``data/external`` (or
``--source``) and writes ``cla_rates``, ``statistical_neighbours``, ``release_revisions``,
``cla_spend``, ``public_measures`` (every LAIT measure), ``lait_values`` (every LAIT value) and
``cla_placements`` (placement types 2010-2017) into ``data/processed``.  One small module per source:

* :mod:`.sources` - finding each download by its file name, reading CSV text (byte-order marks,
  latin-1), suppression markers (``x``, ``c``, ``z``, ``..``, ``[x]``, ``#VALUE!``, ``-``);
* :mod:`.authorities` - old 3-digit and new 9-character codes, names, regions, and the
  reorganisations (Bournemouth + Poole 2019, Northamptonshire 2021, Cumbria 2023);
* :mod:`.ees` - Explore Education Statistics "Children looked after in England" releases;
* :mod:`.sfr` - the statistical first releases 2010-2017 (numbers); :mod:`.sfr_placements` - their
  placement columns;
* :mod:`.population` - ONS mid-year estimates of children aged 0-17;
* :mod:`.lait` - the LAIT measures the CLA tables use; :mod:`.lait_measures` - every LAIT measure and
  value, with the dictionary's label, unit, year type and polarity;
* :mod:`.neighbours` - statistical-neighbour models (2021, 2025, and the paper's own list);
* :mod:`.s251` - section 251 outturn 2008-09 to 2013-14; :mod:`.ro3` - MHCLG RO3 2024-25;
* :mod:`.rates` - one figure per authority-year from several releases, rates computed where
  none is published; :mod:`.build` - the output tables and the one place they are written.

Nothing is imported here: importing the package does no work.
"""

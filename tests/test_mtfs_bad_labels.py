"""An MTFS whose month or financial-year labels do not read is refused with one clear error.

Each case edits one label of the bundled Torbay MTFS (document 001) so that it still matches the
reader's pattern but names no month (``Forecast 2016``) or no financial year (``2018/20``: not one
year after 2018).  These once reached arithmetic on ``None`` (a bare ``TypeError``); the line
numbers below are those of data/raw/001_*.txt.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.errors import InputError
from analysis.ingest.mtfs import read_mtfs
from analysis.manifest import SourceDocument
from analysis.reconcile import Checks

from .conftest import MTFS, raw_lines


def _edited(tmp_path: Path, line: int, old: str, new: str) -> SourceDocument:
    lines = raw_lines(MTFS)
    assert old in lines[line - 1], (line, old)  # the label is where the case says
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path = tmp_path / MTFS
    path.write_text("\n".join(lines), encoding="utf-8")
    return SourceDocument(path=path, document="001", kind="medium_term_financial_strategy", authority="Torbay",
                          paper="MTFS", date="2017-01-11", period_covered="2017-18 to 2020-21", period="",
                          unit="gbp", sha256="0" * 64)


@pytest.mark.parametrize(("line", "old", "new"), [
    (21, "November 2016", "Forecast 2016"),  # Table 1's header: a column label naming no month
    (129, "end of November 2016", "end of Movember 2016"),  # 5.4.5: the month of the stated CLA number
    (130, "commencing 2018/19", "commencing 2018/20"),  # 5.4.6: the year the reductions start
    (50, "2016/2017", "2016/2018"),  # Table 2's caption: its financial year
], ids=["table1-month", "cla-population-month", "commencing-year", "table2-caption-year"])
def test_a_label_that_does_not_read_is_refused_naming_its_line(tmp_path, line, old, new):
    doc = _edited(tmp_path, line, old, new)
    with pytest.raises(InputError) as info:
        read_mtfs(doc, Checks())
    err = info.value
    assert Path(err.file).name == MTFS and err.line == line, err
    found = new.split()[-1] if line in (50, 130) else new.replace("end of ", "")
    assert found in err.found, err
    assert f"{MTFS}:{line}" in str(err)

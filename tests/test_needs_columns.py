"""A user's own DataFrame handed to an analysis function fails with one message naming every
column it lacks (``analysis.schemas.needs``), not a bare ``KeyError`` for the first one."""

from __future__ import annotations

import inspect

import pandas as pd
import pytest

from analysis.analyses import variance
from analysis.errors import SchemaError
from analysis.schemas import TABLES, needs


def _own_export() -> pd.DataFrame:
    """A council's own tracker export: savings as positive pounds, no variance, investment or
    direction columns (the three a bare KeyError would have named one at a time)."""
    return pd.DataFrame({"reference": ["A1", "A2"], "title": ["Foster care", "Agency staff"],
                         "planned_total_gbp": [-100_000, -50_000], "forecast_total_gbp": [-80_000, -50_000],
                         "committee": ["CYP", "CYP"], "rag": ["Amber", "Green"], "complete": [False, True],
                         "commentary": ["", ""], "financial_year": ["2017-18", "2017-18"]})


def test_a_frame_missing_three_columns_fails_once_naming_all_three():
    with pytest.raises(SchemaError) as caught:
        variance.top_shortfalls(_own_export())
    message = str(caught.value)
    assert "variance.top_shortfalls" in message and "'tracker'" in message
    for column in ("variance_gbp", "direction"):
        assert column in message
    with pytest.raises(SchemaError) as caught:
        variance.headline(_own_export())
    assert "variance_gbp" in str(caught.value) and "investment_gbp" in str(caught.value)


def test_the_frame_with_the_columns_is_computed_as_before():
    frame = _own_export().assign(variance_gbp=[20_000, 0], investment_gbp=[0, 0], direction=["worsening", None])
    head = variance.headline(frame)
    # independent arithmetic: planned 150,000, forecast 130,000, shortfall 20,000
    assert (head.planned_saving_gbp, head.forecast_saving_gbp, head.shortfall_gbp) == (150_000, 130_000, 20_000)


def test_every_public_function_of_variance_taking_a_tracker_declares_its_columns():
    for name, function in inspect.getmembers(variance, inspect.isfunction):
        if name.startswith("_") or function.__module__ != variance.__name__:
            continue
        frames = [p for p, v in inspect.signature(function).parameters.items() if v.annotation in ("pd.DataFrame",)]
        if frames:
            declared = getattr(function, "__needs__", {})
            assert set(frames) <= set(declared), f"variance.{name} does not declare the columns of {frames}"
            for columns in declared.values():  # every declared column is one of the processed table's
                assert set(columns) <= set(TABLES["savings_tracker"].columns), (name, set(columns) - set(TABLES["savings_tracker"].columns))


def test_needs_names_one_missing_column_in_the_singular():
    @needs(frame=("a", "b"))
    def f(frame: pd.DataFrame) -> int:
        return len(frame)

    assert f(pd.DataFrame({"a": [1], "b": [2]})) == 1
    with pytest.raises(SchemaError, match=r"lacks the column b \(it needs a, b"):
        f(pd.DataFrame({"a": [1]}))


def test_the_reference_names_the_columns_a_function_needs():
    """The API reference is made from the docstrings: the columns ``needs`` checks are the ones the
    docstring names, in a numpydoc Parameters section."""
    for name in ("headline", "top_shortfalls", "movement"):
        function = getattr(variance, name)
        doc = function.__doc__
        assert "Parameters\n----------" in doc
        for argument, columns in function.__needs__.items():
            assert f"{argument} : pandas.DataFrame" in doc
            assert all(f"``{c}``" in doc for c in columns)

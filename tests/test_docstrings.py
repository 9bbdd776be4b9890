"""The reference is complete: every public function (a name in its module's ``__all__``) has a
numpydoc docstring documenting each of its parameters and what it returns (numpydoc's own
validator, codes GL08, PR01, PR02, PR07 and RT01), and every public function taking a DataFrame
declares the columns it reads (``analysis.schemas.needs``), so a frame lacking some fails with one
message naming them all."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pandas as pd
import pytest
from numpydoc.validate import validate

import analysis
from analysis.errors import SchemaError

#: numpydoc's codes this project holds every public function to: a docstring (GL08), every
#: parameter documented (PR01) and described (PR07), none documented that does not exist (PR02),
#: a Returns section when the function returns something (RT01)
CODES = ("GL08", "PR01", "PR02", "PR07", "RT01")


def _public_functions() -> list[tuple[str, object]]:
    found = []
    for module_info in pkgutil.walk_packages(analysis.__path__, "analysis."):
        if module_info.name.endswith("__main__"):
            continue
        module = importlib.import_module(module_info.name)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if inspect.isfunction(obj) and obj.__module__ == module.__name__:
                found.append((f"{module.__name__}.{name}", obj))
    return found


FUNCTIONS = _public_functions()


def _frame_parameters(function) -> list[str]:
    return [name for name, parameter in inspect.signature(function).parameters.items()
            if "DataFrame" in str(parameter.annotation)]


def test_every_public_function_has_a_numpydoc_docstring():
    problems = []
    for path, _ in FUNCTIONS:
        for code, message in validate(path)["errors"]:
            if code in CODES:
                problems.append(f"{path}: {code} {message}")
    assert not problems, f"{len(problems)} docstring problems:\n" + "\n".join(problems)


def test_every_public_function_taking_a_dataframe_declares_its_columns():
    undeclared = [f"{path}({', '.join(sorted(set(_frame_parameters(f)) - set(getattr(f, '__needs__', {}))))})"
                  for path, f in FUNCTIONS if set(_frame_parameters(f)) - set(getattr(f, "__needs__", {}))]
    assert not undeclared, f"{len(undeclared)} functions do not declare their columns:\n" + "\n".join(undeclared)


@pytest.mark.parametrize("path, function", [(p, f) for p, f in FUNCTIONS if any(getattr(f, "__needs__", {}).values())],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_a_frame_without_columns_fails_naming_every_declared_column(path, function):
    """Each declared DataFrame given with no columns: one SchemaError naming the function and every
    column it declared (the check runs before the function's body, so other arguments are None)."""
    needs = function.__needs__
    parameters = inspect.signature(function).parameters
    arguments = {name: (pd.DataFrame() if name in needs else None) for name, p in parameters.items()
                 if p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    arguments.update({name: pd.DataFrame() for name in needs})
    with pytest.raises(SchemaError) as caught:
        function(**arguments)
    message = str(caught.value)
    assert function.__qualname__ in message
    first = next(name for name in parameters if name in needs and needs[name])
    for column in needs[first]:
        assert column in message, (path, column)

"""The data dictionary says how the CSV copies are written (issue 7: formulas neutralised)."""

from analysis import schemas


def test_dictionary_states_formula_neutralisation_and_the_table_set():
    text = schemas.data_dictionary_markdown()
    assert "prefixed with `'`" in text and "never runs it as a formula" in text
    assert "`_tables.json`" in text

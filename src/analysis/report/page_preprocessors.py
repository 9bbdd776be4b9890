"""The nbconvert preprocessors that turn an executed report notebook into its pack page.

They are named in the ``pack`` template's ``conf.json`` (nbconvert's own way of configuring a
template's preprocessors), so they run in this order on nbconvert's copy of the notebook, before
the template's print-layout preprocessors (:mod:`analysis.report.print_layout`):

- :class:`PackDataPreprocessor` reads the headline figures the notebook published into
  ``resources["pack_data"]["headlines"]`` (for the pack index) before anything is removed;
- :class:`EmptySectionsPreprocessor` leaves out the sections with nothing to show for this pack
  and names them in "About this report"; it is switched off (traitlets config
  ``EmptySectionsPreprocessor.enabled``) for a failed report's page, which shows everything;
- :class:`NormalisePreprocessor` makes the page the same bytes every run (fixed cell ids,
  executions numbered 1..n, no timings, the hidden data of the index and the workbook removed).
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor

from .render import headlines, normalise, without_empty_sections

__all__ = ["EmptySectionsPreprocessor", "NormalisePreprocessor", "PackDataPreprocessor"]


class PackDataPreprocessor(Preprocessor):
    """Headline figures into ``resources["pack_data"]["headlines"]`` (:func:`render.headlines`)."""

    def preprocess(self, nb, resources):
        resources.setdefault("pack_data", {})["headlines"] = headlines(nb)
        return nb, resources


class EmptySectionsPreprocessor(Preprocessor):
    """Sections with nothing to show left out (:func:`render.without_empty_sections`)."""

    def preprocess(self, nb, resources):
        nb.cells = without_empty_sections(nb.cells)
        return nb, resources


class NormalisePreprocessor(Preprocessor):
    """The same bytes every run (:func:`render.normalise`)."""

    def preprocess(self, nb, resources):
        return normalise(nb), resources

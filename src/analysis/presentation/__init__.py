"""Presentation: the one chart style (:mod:`.charts`) and the one way text, figures and tables
reach a page (:mod:`.display`, which escapes everything it is given)."""

"""The monthly report run: notebooks executed with papermill, rendered with nbconvert, published atomically."""

import sys

# jsonschema imports rfc3987_syntax, when it is installed, to check IRI formats; importing it builds a
# grammar that costs about 0.9 s in every process that reads a notebook.  The notebook schema uses
# no such format, so the report machinery declines that import (jsonschema skips the check).
sys.modules.setdefault("rfc3987_syntax", None)

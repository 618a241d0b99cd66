"""The limits every reader of the io stage keeps, and where parsed nodes came from.

Stage: io (the bottom of the stack, after :mod:`advisor.errors`). The readers in
:mod:`advisor.io.reading`, :mod:`advisor.io.yamlread` and
:mod:`advisor.io.jsonyaml` all take their limits and their position table
(:class:`Marks`) from here, so none of them imports another for a constant.
Limits are explicit constants:

* files larger than :data:`MAX_FILE_BYTES` (profiles :data:`MAX_PROFILE_BYTES`)
  are refused before they are read;
* JSON and YAML may nest at most :data:`MAX_DEPTH` levels;
* a YAML document may hold at most :data:`MAX_YAML_NODES` nodes as written
  (a 20,000-rule file, which fits the byte limit, holds about 880,000), and
  its aliases may add at most :data:`MAX_ALIAS_NODES` more (the "billion
  laughs" bomb stops here, whatever the size of the file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from advisor.errors import Location

__all__ = ["MAX_FILE_BYTES", "MAX_PROFILE_BYTES", "MAX_DEPTH", "MAX_YAML_NODES", "MAX_ALIAS_NODES", "Marks", "line_col", "Path_"]

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_PROFILE_BYTES = 1024 * 1024
MAX_DEPTH = 64
MAX_YAML_NODES = 1_500_000
MAX_ALIAS_NODES = 200_000

Path_ = Path | str


def line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, column


class Marks:
    """Positions of the nodes of a parsed YAML document.

    ``values[path]`` is where the value at ``path`` starts and ``keys[path]``
    where its key is written (for mapping entries); both are 1-based
    ``(line, column)``.
    """

    def __init__(self, path: str, values: dict[tuple, tuple[int, int]] | None = None,
                 keys: dict[tuple, tuple[int, int]] | None = None) -> None:
        self.path = path
        self.values = {} if values is None else values
        self.keys = {} if keys is None else keys

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.path!r})"

    def location(self, path: tuple = (), *, key: bool = False, node: Any = None) -> Location:
        """The location of ``path``, or of its nearest ancestor that has one.

        ``node`` may be the data found at ``path``: some marks find a mapping's position by it.
        """
        probe = tuple(path)
        while True:
            table = self.keys if key and probe in self.keys else self.values
            if probe in table:
                line, column = table[probe]
                return Location(self.path, line, column)
            if not probe:
                return Location(self.path)
            probe = probe[:-1]

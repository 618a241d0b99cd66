"""Stage io (1 of 9): bounded, position-keeping reading and atomic writing of YAML and JSON.

Takes in: paths, streams and text that people hand the advisor.
Gives out: plain data with :class:`Marks` (the line and column of every node),
or one :class:`~advisor.errors.InputError` naming the file, line and column;
files written whole or not at all (:func:`write_atomic`).
The only stage that imports ``yaml``. Modules: ``limits`` (the limits and
position table every reader shares), ``reading``, ``yamlread`` (the careful
and quick YAML readers), ``jsonyaml`` (YAML written as JSON, at C speed),
``writing``.
"""

import lazy_loader as _lazy

#: submodule -> the names other stages import from this stage
EXPORTS = {
    "limits": ["MAX_DEPTH", "MAX_FILE_BYTES", "MAX_PROFILE_BYTES", "MAX_YAML_NODES", "MAX_ALIAS_NODES", "Marks"],
    "reading": ["find_token", "load_yaml_file", "parse_json", "os_reason", "parse_yaml", "read_stream", "read_text"],
    "writing": ["AtomicFile", "Unwritable", "write_atomic"],
}
SUBMODULES = []

__getattr__, __dir__, __all__ = _lazy.attach(__name__, SUBMODULES, EXPORTS)

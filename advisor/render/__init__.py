"""Stage render (7 of 9): pure functions from data to text.

Takes in: a report, an explanation or a graph.
Gives out: text, Markdown, HTML and JSON reports (``formats``: :func:`render`),
explanations (``explanation``), and pictures of the reasoning graph
(``dot``/SVG, ``mermaid``, ``graphml``; ``view`` chooses what a picture shows).
"""

import lazy_loader as _lazy

#: submodule -> the names other stages import from this stage
EXPORTS = {
    "dot": ["to_dot"],
    "graphviz": ["FORMATS", "GraphvizMissing", "draw", "have_graphviz", "svg", "svgs"],
    "explanation": ["render_comparison", "render_text"],
    "formats": ["render"],
    "graphml": ["to_graphml"],
    "mermaid": ["to_mermaid"],
}
SUBMODULES = ["view"]

__getattr__, __dir__, __all__ = _lazy.attach(__name__, SUBMODULES, EXPORTS)

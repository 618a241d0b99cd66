"""Renderers: pure functions from a report (and, for pictures, a graph) to text.

Each module exposes ``render(report, **options) -> str``; :data:`FORMATS`
maps a ``--format`` name to its module.

Stage: render.
"""

FORMATS = {
    "text": "advisor.render.text",
    "json": "advisor.render.json_",
    "markdown": "advisor.render.markdown",
    "html": "advisor.render.html",
}


def render(report: dict, fmt: str, **options: object) -> str:
    """Render ``report`` in format ``fmt`` (a key of :data:`FORMATS`)."""
    import importlib

    module = importlib.import_module(FORMATS[fmt])
    return module.render(report, **options)

"""The report as JSON: the stable contract of docs/report.md.

Stage: render.
"""

from __future__ import annotations

from typing import Any

from advisor.report import indented_json


def render(report: dict[str, Any], **_: object) -> str:
    """``json.dumps(report, indent=2, ensure_ascii=False)`` and a newline (orjson writes it when installed)."""
    return indented_json(report) + "\n"

"""The report as JSON: the stable contract of docs/report.md.

Stage: render.
"""

from __future__ import annotations

import json
from typing import Any


def render(report: dict[str, Any], **_: object) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"

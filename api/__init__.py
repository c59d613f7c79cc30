"""Interfaces: the HTTP API, web pages and the command line, and the use cases behind them.

``create_app`` is imported on first use, so the command line starts without loading FastAPI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from api.settings import Settings, get_settings

if TYPE_CHECKING:
    from api.app import create_app

__all__ = ["Settings", "create_app", "get_settings"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from api.app import create_app

        return create_app
    raise AttributeError(f"module 'api' has no attribute {name!r}")

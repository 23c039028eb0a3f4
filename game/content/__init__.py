"""Content: the world's numbers, catalogs, scenarios and lessons as checked TOML data.

See docs/content-format.md. The engine never reads files; this package does.
"""

from .loader import (
    Content,
    ContentError,
    build_scenario,
    default_content_dir,
    load_content,
    load_scenario_file,
)

__all__ = [
    "Content",
    "ContentError",
    "build_scenario",
    "default_content_dir",
    "load_content",
    "load_scenario_file",
]

"""Every environment variable read in config/ is in README's configuration table."""

import re
from pathlib import Path

from django.conf import settings

READ = re.compile(
    r"""(?:environ(?:\.get)?\(|environ\[|getenv\(|env_bool\(|env_list\()\s*["']([A-Z][A-Z0-9_]+)["']"""
)


def test_every_variable_read_by_the_settings_is_documented():
    base = Path(settings.BASE_DIR)
    read = {name for path in (base / "config").rglob("*.py") for name in READ.findall(path.read_text())}
    readme = (base / "README.md").read_text()
    table = readme[readme.index("## Configuration") : readme.index("## En production")]
    assert {"SECRET_KEY", "BINOME_STALE_JOB_MINUTES", "GUNICORN_TIMEOUT"} <= read  # the pattern finds them
    assert sorted(name for name in read if f"`{name}`" not in table) == []

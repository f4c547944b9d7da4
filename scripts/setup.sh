# Shared by ./run and ./test: installs uv, the Python packages (from uv.lock) and the npm packages
# (from package-lock.json). Safe to run again: each step does nothing when already done.
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Installation des dépendances"
if ! command -v uv >/dev/null 2>&1; then
  export PATH="$HOME/.local/bin:$PATH"  # where an earlier run installed it (pip takes seconds to say so)
  if ! command -v uv >/dev/null 2>&1; then
    python3 -m pip install --quiet --user uv || python3 -m pip install --quiet uv
  fi
fi
uv sync --frozen --quiet ${UV_SYNC_ARGS:-}
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
mkdir -p var/static
PY=".venv/bin/python"

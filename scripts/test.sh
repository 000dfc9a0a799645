#!/usr/bin/env bash
# The one test command (`npm test`): unit tests, the production build, end-to-end tests in Debian's
# Chromium, and the training pipeline's smoke tests. Installs what a fresh Debian machine lacks.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
logdir="$root/test-results"
mkdir -p "$logdir"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }
apt_install() {
  if [ ! -f /tmp/.alpr-apt-updated ]; then as_root apt-get update -q >/dev/null && touch /tmp/.alpr-apt-updated; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q "$@" >/dev/null
}

# 1. What a fresh machine lacks.
[ -d node_modules/.bin ] || npm install --no-audit --no-fund
if [ -z "${CHROMIUM_PATH:-}" ]; then
  for c in /usr/bin/chromium /usr/bin/chromium-browser; do [ -x "$c" ] && export CHROMIUM_PATH="$c" && break; done
fi
if [ -z "${CHROMIUM_PATH:-}" ]; then
  echo "Installing Debian's chromium for the end-to-end tests..."
  apt_install chromium && export CHROMIUM_PATH=/usr/bin/chromium
fi
PY=/usr/bin/python3
if ! $PY -c "import torch, torchvision, onnx, cv2, PIL" 2>/dev/null; then
  echo "Installing the training pipeline's Debian packages..."
  bash training/setup.sh >/dev/null
fi

passed=0; failed=0; skipped=0
count_json() { # file kind
  node -e '
    const fs = require("fs"); const [f, kind] = process.argv.slice(1);
    let p = 0, q = 0, s = 0;
    try {
      const j = JSON.parse(fs.readFileSync(f, "utf8"));
      if (kind === "vitest") { p = j.numPassedTests; q = j.numFailedTests; s = j.numPendingTests + (j.numTodoTests || 0); }
      else { p = j.stats.expected; q = j.stats.unexpected; s = j.stats.skipped; }
    } catch (e) { q = 1; }
    console.log(p, q, s);' "$1" "$2"
}
add() { read -r p q s <<<"$1"; passed=$((passed + p)); failed=$((failed + q)); skipped=$((skipped + s)); }
# A runner that exits non-zero counts at least one failure, even when its report says none (it never started).
add_run() { local rc=$1 before=$failed; add "$2"; if [ "$rc" -ne 0 ] && [ "$failed" -eq "$before" ]; then failed=$((failed + 1)); fi; }

# 2. Types.
echo "== typecheck"
if npx tsc -p tsconfig.json --noEmit; then :; else echo "typecheck failed"; failed=$((failed + 1)); fi

# 3. Unit tests.
echo "== unit tests (vitest)"
rm -f "$logdir/vitest.json"
npx vitest run --reporter=default --reporter=json --outputFile="$logdir/vitest.json"
add_run $? "$(count_json "$logdir/vitest.json" vitest)"

# 4. Production build + end-to-end tests.
echo "== build"
if npx vite build >"$logdir/build.log" 2>&1; then
  echo "== end-to-end tests (Playwright, $CHROMIUM_PATH)"
  rm -f "$logdir/e2e.json"
  PLAYWRIGHT_JSON_OUTPUT_NAME="$logdir/e2e.json" npx playwright test --reporter=list,json
  add_run $? "$(count_json "$logdir/e2e.json" playwright)"
else
  cat "$logdir/build.log"; echo "build failed"; failed=$((failed + 1))
fi

# 5. Training pipeline smoke tests.
echo "== training tests (python unittest)"
if $PY -m unittest discover -s training/tests -t . 2>&1 | tee "$logdir/training.log"; then
  n=$(grep -Eo '^Ran [0-9]+ test' "$logdir/training.log" | grep -Eo '[0-9]+' || echo 0)
  passed=$((passed + n))
else
  n=$(grep -Eo '^Ran [0-9]+ test' "$logdir/training.log" | grep -Eo '[0-9]+' || echo 0)
  f=$(grep -Eo '(failures|errors)=[0-9]+' "$logdir/training.log" | grep -Eo '[0-9]+' | awk '{s+=$1} END {print s+0}')
  [ -n "$f" ] && [ "$f" -gt 0 ] || f=1
  passed=$((passed + n - f)); failed=$((failed + f))
fi

echo
echo "total: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# Installs the e2e tools into test/e2e/tools/node_modules (git-ignored): code-server 4.100.3 (= VS Code 1.100.3,
# the last release on Node 20) and playwright-core. Idempotent: does nothing when the pinned versions are present.
# Offline-safe: only the npm registry is used; @vscode/ripgrep's GitHub download is replaced by Debian's rg.
set -euo pipefail
TOOLS="$(cd "$(dirname "${BASH_SOURCE[0]}")/tools" && pwd)"
want() { node -p "require('$TOOLS/package.json').dependencies['$1']"; }
have() { node -p "try { require('$TOOLS/node_modules/$1/package.json').version } catch { '' }"; }
CS="$(want code-server)"; PW="$(want playwright-core)"
if [ "$(have code-server)" = "$CS" ] && [ "$(have playwright-core)" = "$PW" ] \
   && [ -d "$TOOLS/node_modules/code-server/lib/vscode/node_modules" ]; then
  exit 0
fi
for bin in /usr/bin/chromium /usr/bin/rg; do
  [ -x "$bin" ] || { echo "e2e setup: $bin is missing (apt-get install chromium ripgrep)" >&2; exit 1; }
done
# Under `npm test` the outer npm exports its user agent; code-server's postinstall would read the wrong Node
# major from it.
unset npm_config_user_agent
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT
echo "e2e setup: installing code-server@$CS + playwright-core@$PW into $TOOLS (about 2 minutes, ~320 MB)" >&2
# @vscode/ripgrep's postinstall looks for $TMPDIR/vscode-ripgrep-cache-<version>/ripgrep-<tag>-<target>.tar.gz
# before downloading from GitHub; seed that file with Debian's rg.
(cd "$TMP" && npm pack --silent "code-server@$CS" >/dev/null &&
  tar xzf "code-server-$CS.tgz" package/lib/vscode/npm-shrinkwrap.json)
RG_NPM=$(node -p "(require('$TMP/package/lib/vscode/npm-shrinkwrap.json').packages['node_modules/@vscode/ripgrep']||{}).version||''")
if [ -n "$RG_NPM" ]; then
  (cd "$TMP" && npm pack --silent "@vscode/ripgrep@$RG_NPM" >/dev/null &&
    tar xzf "vscode-ripgrep-$RG_NPM.tgz" package/lib/postinstall.js)
  RG_TAG=$(sed -n "s/^const VERSION = '\(.*\)';/\1/p" "$TMP/package/lib/postinstall.js")
  mkdir -p "$TMP/vscode-ripgrep-cache-$RG_NPM"
  tar czf "$TMP/vscode-ripgrep-cache-$RG_NPM/ripgrep-$RG_TAG-x86_64-unknown-linux-musl.tar.gz" -C /usr/bin rg
fi
# unsafe_perm: code-server's postinstall refuses root without it; yes: node-pty's postinstall runs `npx node-gyp`.
(cd "$TOOLS" && TMPDIR="$TMP" npm_config_unsafe_perm=true npm_config_yes=true \
  npm install --no-audit --no-fund --no-save --foreground-scripts) >"$TMP/npm.log" 2>&1 ||
  { tail -40 "$TMP/npm.log" >&2; echo "e2e setup: npm install failed" >&2; exit 1; }
[ -d "$TOOLS/node_modules/code-server/lib/vscode/node_modules" ] ||
  { echo "e2e setup: code-server install incomplete" >&2; exit 1; }
echo "e2e setup: done ($(du -sh "$TOOLS/node_modules" | cut -f1))" >&2

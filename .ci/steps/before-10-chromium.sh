#!/usr/bin/env bash
# The console's browser tests drive Debian's headless Chromium through its chromedriver
# (server/src/test/java/dev/bulwark/server/testing/BrowserTest.java); CI requires them
# (BULWARK_TEST_BROWSER=required in .ci/run), so both packages are installed when missing.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present)"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends chromium chromium-driver
/usr/bin/chromium --version

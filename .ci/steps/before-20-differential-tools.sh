#!/usr/bin/env bash
# CI: the independent oracles of the differential harness (bench/run differential,
# DifferentialTest): dpkg and its Perl module libdpkg-perl, rpm and python3-rpm, python3-packaging (for
# Debian's /usr/bin/python3, not a pyenv python on PATH), php-cli and php-composer-semver
# (Composer's own version library, for Packagist), and the pinned npm packages semver, mvncmp,
# @snyk/nuget-semver and @snyk/ruby-semver in a cache folder outside the repository.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

need=()
command -v dpkg >/dev/null || need+=(dpkg)
[ -f /usr/share/perl5/Dpkg/Version.pm ] || need+=(libdpkg-perl)
command -v rpm >/dev/null || need+=(rpm)
/usr/bin/python3 -c 'import rpm' 2>/dev/null || need+=(python3-rpm)
/usr/bin/python3 -c 'import packaging' 2>/dev/null || need+=(python3-packaging)
[ -x /usr/bin/php ] || need+=(php-cli)
[ -f /usr/share/php/Composer/Semver/autoload.php ] || need+=(php-composer-semver)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "ci: installing ${need[*]} for the differential harness"
  apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "${need[@]}" >/dev/null; }
fi

# Pinned: a new oracle version is a reviewed change, like a dependency.
pins=(semver@7.8.6 mvncmp@1.0.0 @snyk/nuget-semver@1.6.1 @snyk/ruby-semver@4.2.1)
dir="${BULWARK_DIFFERENTIAL_NODE:-$HOME/.cache/bulwark-differential/node}"
installed() {
  local pin name version
  for pin in "${pins[@]}"; do
    name="${pin%@*}" version="${pin##*@}"
    [ "$(node -p "require('$dir/node_modules/$name/package.json').version" 2>/dev/null)" = "$version" ] || return 1
  done
}
if ! installed; then
  echo "ci: installing ${pins[*]} into $dir"
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --no-save --silent "${pins[@]}"
  installed
fi
echo "ci: differential oracles: dpkg $(dpkg-query -W -f='${Version}' dpkg), libdpkg-perl $(dpkg-query -W -f='${Version}' libdpkg-perl), python3-rpm $(dpkg-query -W -f='${Version}' python3-rpm), python3-packaging $(dpkg-query -W -f='${Version}' python3-packaging), php-composer-semver $(dpkg-query -W -f='${Version}' php-composer-semver) (PHP $(php -r 'echo PHP_VERSION;')), ${pins[*]}"

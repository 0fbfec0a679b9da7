<?php
// The differential harness's Packagist oracle (bench/src/main/java/.../differential): Composer's
// own version library, composer/semver (Debian php-composer-semver), loaded by its autoloader
// (path in argv[1]). Versions are ordered as Composer\Semver\Semver::sort orders them: each is
// read by VersionParser::normalize ("v" prefix dropped, "-p1"/"-pl1" read as "-patch1", "-b2" as
// "-beta2", "-rc1" as "-RC1", "+build" dropped, "1.0.x-dev" as "1.0.9999999.9999999-dev") and
// normalizeDefaultBranch (dev-master/dev-trunk/dev-default as 9999999-dev), then compared by
// Comparator (PHP's version_compare over the normalized strings).
// A string normalize refuses is invalid, and so is any other dev branch ("dev-feature"): Composer
// gives branches no order (Constraint::versionCompare matches them only by name).
// Same line protocol as oracle.py: "v\tV" -> ok|invalid, "c\tA\tB" -> -1|0|1|invalid.
require $argv[1];

use Composer\Semver\Comparator;
use Composer\Semver\VersionParser;

$parser = new VersionParser();
$cache = array();

function normalized($parser, &$cache, $v)
{
    if (!array_key_exists($v, $cache)) {
        try {
            $n = $parser->normalizeDefaultBranch($parser->normalize($v));
            $cache[$v] = $v === '' || strpos($n, 'dev-') === 0 ? null : $n;
        } catch (\UnexpectedValueException $e) {
            $cache[$v] = null;
        }
    }
    return $cache[$v];
}

$out = fopen('php://stdout', 'w');
while (($line = fgets(STDIN)) !== false) {
    $p = explode("\t", rtrim($line, "\n"));
    if ($p[0] === 'v' && count($p) === 2) {
        fwrite($out, normalized($parser, $cache, $p[1]) === null ? "invalid\n" : "ok\n");
    } elseif ($p[0] === 'c' && count($p) === 3) {
        $a = normalized($parser, $cache, $p[1]);
        $b = normalized($parser, $cache, $p[2]);
        if ($a === null || $b === null) {
            fwrite($out, "invalid\n");
        } elseif (Comparator::lessThan($a, $b)) {
            fwrite($out, "-1\n");
        } elseif (Comparator::equalTo($a, $b)) {
            fwrite($out, "0\n");
        } elseif (Comparator::greaterThan($a, $b)) {
            fwrite($out, "1\n");
        } else {
            fwrite(STDERR, "oracle.php: no order between '$a' and '$b'\n");
            exit(1);
        }
    } else {
        fwrite($out, "invalid\n");
    }
}
fclose($out);

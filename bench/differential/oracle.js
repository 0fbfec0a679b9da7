// The differential harness's oracles that npm packages provide, installed (pinned) by
// .ci/steps/before-20-differential-tools.sh into the folder given as BULWARK_DIFFERENTIAL_NODE:
//   npm:      semver (the parser npm itself uses), strict mode
//   maven:    mvncmp (a JavaScript implementation of Maven's ComparableVersion; Bulwark uses
//             maven-artifact's Java one); every string is a Maven version, none is invalid
//   nuget:    @snyk/nuget-semver (build metadata dropped first, see below)
//   rubygems: @snyk/ruby-semver, its platform suffixes stripped first (see below)
// Same line protocol as oracle.py: "v\tV" -> ok|invalid, "c\tA\tB" -> -1|0|1|invalid.
"use strict";
const path = require("path");
const dir = process.env.BULWARK_DIFFERENTIAL_NODE;
const req = (name) => require(path.join(dir, "node_modules", name));
const mode = process.argv[2];
let valid, compare;
if (mode === "npm") {
  const semver = req("semver");
  valid = (v) => semver.valid(v) !== null;
  compare = (a, b) => semver.compare(a, b);
} else if (mode === "maven") {
  const mvn = req("mvncmp");
  valid = (v) => v.length > 0 && !/\s/.test(v);
  compare = (a, b) => Math.sign(mvn.compare(a, b));
} else if (mode === "nuget") {
  const nuget = req("@snyk/nuget-semver");
  // NuGet's SemVer 2.0.0 support spec (NuGet/Home wiki): metadata "does not impact sorting".
  // @snyk/nuget-semver does not read "+metadata" (it orders 13.0.1+build below 13.0.1), so the
  // metadata is dropped before asking it.
  const bare = (v) => v.replace(/\+[0-9A-Za-z.-]+$/, "");
  valid = (v) => nuget.valid(bare(v)) !== null;
  compare = (a, b) => nuget.compare(bare(a), bare(b));
} else if (mode === "rubygems") {
  const gem = req("@snyk/ruby-semver");
  // @snyk/ruby-semver strips a platform suffix from its own list first ("1.13.10-x86_64-linux"
  // as 1.13.10), then checks Gem::Version's pattern: a gem's platform is a separate attribute, not
  // part of its version. Bulwark strips platforms of Gem::Platform's shape (GemPlatform), written
  // apart from this list; the harness asks only platforms on both.
  valid = (v) => gem.valid(v) !== null;
  compare = (a, b) => gem.compare(a, b);
} else {
  console.error("oracle.js: unknown mode " + mode);
  process.exit(2);
}
const ok = (v) => {
  try {
    return valid(v);
  } catch (e) {
    return false;
  }
};
const lines = require("fs").readFileSync(0, "utf8").split("\n");
const out = [];
for (const line of lines) {
  if (line === "") continue;
  const p = line.split("\t");
  if (p[0] === "v") {
    out.push(ok(p[1]) ? "ok" : "invalid");
  } else if (p[0] === "c") {
    if (!ok(p[1]) || !ok(p[2])) {
      out.push("invalid");
    } else {
      out.push(String(Math.sign(compare(p[1], p[2]))));
    }
  } else {
    out.push("invalid");
  }
}
process.stdout.write(out.join("\n") + (out.length ? "\n" : ""));

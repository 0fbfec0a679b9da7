package dev.bulwark.bench;

import dev.bulwark.vuln.match.AdvisoryIndex;
import dev.bulwark.vuln.match.ScanResult;
import dev.bulwark.vuln.match.Scanner;
import dev.bulwark.vuln.sbom.Component;
import dev.bulwark.vuln.sbom.Sbom;
import dev.bulwark.vuln.sbom.SbomParser;
import java.io.BufferedWriter;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The image SBOM benchmark (issue 15): a container image's SBOM, OS packages of Debian, Alpine and
 * Red Hat with the language packages found beside them, against an advisory database that holds the
 * OS ecosystems.
 *
 * <ul>
 *   <li>{@code generate DIR TOTAL COMPONENTS [REAL_ZIP...]}: {@code image-osv.zip}, synthetic
 *       records in the shapes of the real sources (Debian DSA/DLA: {@code Debian:11}/{@code
 *       Debian:12}, source package names, dpkg versions with epochs and {@code ~}, no rating;
 *       Alpine secdb: {@code Alpine:v3.19}/{@code v3.20}, {@code -rN} versions, no rating; Red Hat
 *       RHSA: {@code Red Hat:enterprise_linux:9::baseos}, {@code epoch:version-release}, a CVSS
 *       vector; plus npm, PyPI and Maven records as VulnBench writes them), and {@code
 *       image-sbom.cdx.json}, a CycloneDX SBOM as Syft writes one for an image: {@code pkg:deb},
 *       {@code pkg:apk}, {@code pkg:rpm} purls with {@code distro} (and {@code epoch}) qualifiers,
 *       binary packages that name their source package, {@code syft:package:type} and {@code
 *       syft:location:0:layerID}/{@code path} properties; its Go and crates.io components are
 *       modules named in the real exports given, so that their records take part.
 *   <li>{@code scan SBOM ZIP...}: load, index, then parse and scan of the SBOM repeated warm;
 *       median and p90, with what the scan found per ecosystem.
 * </ul>
 */
public final class ImageScanBench {
  private static final String BASE_LAYER =
      "sha256:4f1c8a3d2e6b7a90c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4";
  private static final String APP_LAYER =
      "sha256:9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b";

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "generate" -> {
        List<Path> real = new ArrayList<>();
        for (int i = 4; i < args.length; i++) {
          real.add(Path.of(args[i]));
        }
        generate(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), real);
      }
      case "scan" -> {
        List<Path> zips = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
          zips.add(Path.of(args[i]));
        }
        scan(Path.of(args[1]), zips);
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  /** The OS packages' source names: a pool the advisories and the SBOM share. */
  static String source(String distro, int i) {
    return distro + "src" + i;
  }

  static String debVersion(Random rnd, int major, String suffix) {
    String epoch = major % 4 == 0 ? "1:" : "";
    return epoch
        + major
        + "."
        + rnd.nextInt(10)
        + "."
        + rnd.nextInt(10)
        + "-"
        + (1 + rnd.nextInt(3))
        + suffix;
  }

  /**
   * Writes the image's advisories and SBOM; {@code total} counts the real exports' records too, so
   * that the database the scan reads has {@code total} records.
   */
  static void generate(Path dir, int total, int components, List<Path> realZips) throws Exception {
    Files.createDirectories(dir);
    int real = 0;
    for (Path p : realZips) {
      try (ZipFile z = new ZipFile(p.toFile())) {
        real += z.size();
      }
    }
    int synthetic = Math.max(0, total - real);
    Random rnd = new Random(15);
    // Per OS, as many source packages as a fifth of its records, so that most packages have a few.
    int debSources = Math.max(10, synthetic * 3 / 10 / 5);
    int apkSources = Math.max(10, synthetic / 10 / 5);
    int rpmSources = Math.max(10, synthetic * 2 / 10 / 5);
    int langPackages = Math.max(10, synthetic * 4 / 10 / 5);
    int written = 0;
    try (OutputStream out = Files.newOutputStream(dir.resolve("image-osv.zip"));
        ZipOutputStream zip = new ZipOutputStream(out)) {
      for (int a = 0; a < synthetic; a++) {
        int kind = a % 10; // 3 Debian, 1 Alpine, 2 Red Hat, 4 language in every 10
        String id;
        String json;
        if (kind < 3) {
          String release = rnd.nextInt(3) == 0 ? "11" : "12";
          String name = source("deb", rnd.nextInt(debSources));
          int major = rnd.nextInt(4);
          String fixed =
              debVersion(
                  rnd, major, release.equals("12") ? "+deb12u" + (1 + rnd.nextInt(3)) : "+deb11u1");
          id = (a % 2 == 0 ? "DSA-" : "DLA-") + (1000 + a) + "-1";
          json =
              record(
                  id,
                  "\"related\": [\"CVE-2099-"
                      + a
                      + "\"], \"summary\": \""
                      + name
                      + " - security update\",",
                  "Debian:" + release,
                  name,
                  "pkg:deb/debian/" + name + "?arch=source",
                  fixed,
                  "");
        } else if (kind == 3) {
          String release = rnd.nextBoolean() ? "v3.19" : "v3.20";
          String name = source("apk", rnd.nextInt(apkSources));
          String fixed =
              rnd.nextInt(4)
                  + "."
                  + rnd.nextInt(10)
                  + "."
                  + rnd.nextInt(10)
                  + "-r"
                  + rnd.nextInt(5);
          id = "ALPINE-CVE-2099-" + a;
          json =
              record(
                  id,
                  "\"upstream\": [\"CVE-2099-" + a + "\"],",
                  "Alpine:" + release,
                  name,
                  null,
                  fixed,
                  "");
        } else if (kind < 6) {
          String name = source("rpm", rnd.nextInt(rpmSources));
          int major = rnd.nextInt(4);
          String fixed =
              (major % 3 == 0 ? "1:" : "")
                  + major
                  + "."
                  + rnd.nextInt(10)
                  + "."
                  + rnd.nextInt(10)
                  + "-"
                  + (1 + rnd.nextInt(30))
                  + ".el9_"
                  + rnd.nextInt(5);
          id = "RHSA-2099:" + a;
          json =
              record(
                  id,
                  "\"related\": [\"CVE-2099-"
                      + a
                      + "\"], \"summary\": \""
                      + name
                      + ": security update\",",
                  "Red Hat:enterprise_linux:9::baseos",
                  name,
                  "pkg:rpm/redhat/" + name,
                  fixed,
                  ", \"severity\": [{\"type\": \"CVSS_V3\", \"score\":"
                      + " \"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:"
                      + (rnd.nextBoolean() ? "H" : "L")
                      + "/A:N\"}]");
        } else {
          String eco = new String[] {"npm", "PyPI", "Maven"}[a % 3];
          String name = VulnBench.packageName(eco, rnd.nextInt(langPackages));
          int major = rnd.nextInt(3);
          String fixed = major + "." + (1 + rnd.nextInt(9)) + "." + rnd.nextInt(10);
          id = "SYN-IMG-" + a;
          json =
              "{\"schema_version\": \"1.6.0\", \"id\": \""
                  + id
                  + "\", \"modified\": \"2026-01-01T00:00:00Z\", \"aliases\": [\"CVE-2099-"
                  + a
                  + "\"], \"severity\": [{\"type\": \"CVSS_V3\", \"score\":"
                  + " \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:L/A:N\"}], \"affected\":"
                  + " [{\"package\": {\"ecosystem\": \""
                  + eco
                  + "\", \"name\": \""
                  + name
                  + "\"}, \"ranges\": [{\"type\": \""
                  + (eco.equals("npm") ? "SEMVER" : "ECOSYSTEM")
                  + "\", \"events\": [{\"introduced\": \""
                  + major
                  + ".0.0\"}, {\"fixed\": \""
                  + fixed
                  + "\"}]}]}]}";
        }
        zip.putNextEntry(new ZipEntry(id + ".json"));
        zip.write(json.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
        written++;
      }
    }
    List<String> goModules = modules(realZips, "Go");
    List<String> crates = modules(realZips, "crates.io");
    try (BufferedWriter w =
        new BufferedWriter(
            new OutputStreamWriter(
                Files.newOutputStream(dir.resolve("image-sbom.cdx.json")),
                StandardCharsets.UTF_8))) {
      w.write(
          "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"metadata\": {\"tools\":"
              + " {\"components\": [{\"type\": \"application\", \"author\": \"anchore\","
              + " \"name\": \"syft\", \"version\": \"1.18.1\"}]}, \"component\": {\"bom-ref\":"
              + " \"image\", \"type\": \"container\", \"name\": \"registry.example/app\"}},"
              + " \"components\": [\n");
      for (int c = 0; c < components; c++) {
        int kind = c % 10; // 3 Debian, 1 Alpine, 2 RPM, 4 language packages in every 10
        String name;
        String version;
        String purl;
        String type;
        String layer = BASE_LAYER;
        String path;
        String sourceName = null;
        if (kind < 3) {
          String src = source("deb", rnd.nextInt(debSources));
          boolean binary = rnd.nextBoolean();
          name = binary ? "lib" + src + "-" + rnd.nextInt(3) : src;
          sourceName = binary ? src : null;
          version = debVersion(rnd, rnd.nextInt(4), rnd.nextBoolean() ? "" : "+deb12u1");
          purl =
              "pkg:deb/debian/"
                  + name
                  + "@"
                  + version.replace(":", "%3A")
                  + "?arch=amd64"
                  + (sourceName == null ? "" : "&upstream=" + sourceName)
                  + "&distro=debian-12";
          type = "deb";
          path = "/var/lib/dpkg/status";
        } else if (kind == 3) {
          name = source("apk", rnd.nextInt(apkSources));
          version =
              rnd.nextInt(4)
                  + "."
                  + rnd.nextInt(10)
                  + "."
                  + rnd.nextInt(10)
                  + "-r"
                  + rnd.nextInt(5);
          purl = "pkg:apk/alpine/" + name + "@" + version + "?arch=x86_64&distro=alpine-3.20.3";
          type = "apk";
          path = "/lib/apk/db/installed";
        } else if (kind < 6) {
          name = source("rpm", rnd.nextInt(rpmSources));
          int major = rnd.nextInt(4);
          String epoch = major % 3 == 0 ? "1" : null;
          version =
              major
                  + "."
                  + rnd.nextInt(10)
                  + "."
                  + rnd.nextInt(10)
                  + "-"
                  + (1 + rnd.nextInt(30))
                  + ".el9";
          purl =
              "pkg:rpm/redhat/"
                  + name
                  + "@"
                  + version
                  + "?arch=x86_64"
                  + (epoch == null ? "" : "&epoch=" + epoch)
                  + "&distro=rhel-9.4";
          if (epoch != null) {
            version = epoch + ":" + version;
          }
          type = "rpm";
          path = "/var/lib/rpm/rpmdb.sqlite";
        } else {
          layer = APP_LAYER;
          int which = kind - 6;
          if (which == 0 && !goModules.isEmpty()) {
            name = goModules.get(rnd.nextInt(goModules.size()));
            version = "v" + rnd.nextInt(2) + "." + rnd.nextInt(20) + "." + rnd.nextInt(5);
            purl = "pkg:golang/" + name + "@" + version;
            type = "go-module";
            path = "/app/server";
          } else if (which == 1 && !crates.isEmpty()) {
            name = crates.get(rnd.nextInt(crates.size()));
            version = rnd.nextInt(2) + "." + rnd.nextInt(20) + "." + rnd.nextInt(5);
            purl = "pkg:cargo/" + name + "@" + version;
            type = "rust-crate";
            path = "/app/Cargo.lock";
          } else {
            String eco = new String[] {"npm", "PyPI", "Maven"}[c % 3];
            name = VulnBench.packageName(eco, rnd.nextInt(langPackages * 2));
            version = rnd.nextInt(3) + "." + rnd.nextInt(10) + "." + rnd.nextInt(10);
            purl = VulnBench.purl(eco, name, version);
            type =
                switch (eco) {
                  case "npm" -> "npm";
                  case "PyPI" -> "python";
                  default -> "java-archive";
                };
            path =
                switch (eco) {
                  case "npm" -> "/app/node_modules/" + name + "/package.json";
                  case "PyPI" -> "/usr/lib/python3/dist-packages/" + name + ".dist-info/METADATA";
                  default -> "/app/lib/" + name.replace(':', '-') + ".jar";
                };
          }
        }
        StringBuilder props = new StringBuilder();
        props
            .append("{\"name\": \"syft:package:foundBy\", \"value\": \"")
            .append(type)
            .append("-cataloger\"}, {\"name\": \"syft:package:type\", \"value\": \"")
            .append(type)
            .append("\"}, {\"name\": \"syft:location:0:layerID\", \"value\": \"")
            .append(layer)
            .append("\"}, {\"name\": \"syft:location:0:path\", \"value\": \"")
            .append(path)
            .append("\"}");
        if (sourceName != null) {
          props
              .append(", {\"name\": \"syft:metadata:source\", \"value\": \"")
              .append(sourceName)
              .append("\"}");
        }
        w.write(
            (c == 0 ? "" : ",\n")
                + "{\"bom-ref\": \""
                + purl.replace("\"", "")
                + "&package-id="
                + Integer.toHexString(c)
                + "\", \"type\": \"library\", \"name\": \""
                + name
                + "\", \"version\": \""
                + version
                + "\", \"purl\": \""
                + purl
                + "\", \"properties\": ["
                + props
                + "]}");
      }
      w.write("\n]}\n");
    }
    System.out.printf(
        "wrote %d synthetic advisories (Debian, Alpine, Red Hat, npm, PyPI, Maven; %d more in the"
            + " real exports) and a %d-component image SBOM (%d Go modules and %d crates of the"
            + " real exports to draw on) to %s%n",
        written, real, components, goModules.size(), crates.size(), dir);
  }

  /** A record in the shape the OS sources publish: one affected package, one ECOSYSTEM range. */
  static String record(
      String id,
      String extra,
      String ecosystem,
      String name,
      String purl,
      String fixed,
      String tail) {
    return "{\"schema_version\": \"1.6.0\", \"id\": \""
        + id
        + "\", \"modified\": \"2026-01-01T00:00:00Z\", \"published\": \"2026-01-01T00:00:00Z\", "
        + extra
        + " \"affected\": [{\"package\": {\"ecosystem\": \""
        + ecosystem
        + "\", \"name\": \""
        + name
        + "\""
        + (purl == null ? "" : ", \"purl\": \"" + purl + "\"")
        + "}, \"ranges\": [{\"type\": \"ECOSYSTEM\", \"events\": [{\"introduced\": \"0\"},"
        + " {\"fixed\": \""
        + fixed
        + "\"}]}]}]"
        + tail
        + "}";
  }

  /** Names of the packages of {@code ecosystem} in the real exports given. */
  static List<String> modules(List<Path> zips, String ecosystem) throws Exception {
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (Path p : zips) {
      try (ZipFile z = new ZipFile(p.toFile())) {
        var entries = z.entries();
        while (entries.hasMoreElements()) {
          ZipEntry e = entries.nextElement();
          if (!e.getName().endsWith(".json")) {
            continue;
          }
          try (var in = z.getInputStream(e)) {
            for (var a : mapper.readTree(in).path("affected")) {
              var pkg = a.path("package");
              if (ecosystem.equals(pkg.path("ecosystem").asText())) {
                out.add(pkg.path("name").asText());
              }
            }
          }
        }
      }
    }
    return new ArrayList<>(out);
  }

  static void scan(Path sbomFile, List<Path> zips) throws Exception {
    long t0 = System.nanoTime();
    AdvisoryIndex index = VulnBench.load(zips, false);
    System.out.printf(
        "index of %s: %d advisories, %d packages, built in %.1f s%n",
        zips.stream().map(p -> p.getFileName().toString()).toList(),
        index.size(),
        index.packages(),
        (System.nanoTime() - t0) / 1e9);
    Scanner scanner = new Scanner(index);
    List<Double> ms = new ArrayList<>();
    ScanResult last = null;
    int runs = Integer.getInteger("bench.runs", 60);
    int warmup = Math.min(20, runs / 3);
    for (int i = 0; i < runs; i++) {
      long s = System.nanoTime();
      Sbom sbom = SbomParser.parse(sbomFile);
      last = scanner.scan(sbom);
      double took = (System.nanoTime() - s) / 1e6;
      if (i >= warmup) {
        ms.add(took);
      }
    }
    Collections.sort(ms);
    Map<String, int[]> byType = new TreeMap<>();
    for (ScanResult.VulnerableComponent v : last.vulnerable()) {
      byType.computeIfAbsent(type(v.component()), k -> new int[3])[0]++;
      byType.get(type(v.component()))[1] += v.findings().size();
    }
    for (ScanResult.Unmatched u : last.unmatched()) {
      byType.computeIfAbsent(type(u.component()), k -> new int[3])[2]++;
    }
    StringBuilder found = new StringBuilder();
    byType.forEach(
        (k, v) ->
            found
                .append(found.isEmpty() ? "" : ", ")
                .append(k)
                .append(": ")
                .append(v[0])
                .append(" vulnerable/")
                .append(v[1])
                .append(" findings/")
                .append(v[2])
                .append(" unmatched"));
    System.out.printf(
        "warm parse+scan of %s (%d components: %d vulnerable, %d findings, %d clean, %d unmatched,"
            + " %d not covered): median %.1f ms, p90 %.1f ms, min %.1f ms over %d runs%n",
        sbomFile.getFileName(),
        last.componentCount(),
        last.vulnerable().size(),
        last.findingCount(),
        last.clean().size(),
        last.unmatched().size(),
        last.notCovered().size(),
        ms.get(ms.size() / 2),
        ms.get((int) (ms.size() * 0.9)),
        ms.get(0),
        ms.size());
    System.out.println("by purl type: " + found);
  }

  private static String type(Component c) {
    if (c.purl() == null || !c.purl().startsWith("pkg:")) {
      return "none";
    }
    int slash = c.purl().indexOf('/');
    return slash < 0 ? "none" : c.purl().substring(4, slash);
  }
}

package dev.bulwark.bench;

import dev.bulwark.vuln.match.AdvisoryIndex;
import dev.bulwark.vuln.match.PackageRef;
import dev.bulwark.vuln.match.ScanResult;
import dev.bulwark.vuln.match.Scanner;
import dev.bulwark.vuln.osv.Advisory;
import dev.bulwark.vuln.osv.OsvLoader;
import dev.bulwark.vuln.sbom.Component;
import dev.bulwark.vuln.sbom.Sbom;
import dev.bulwark.vuln.sbom.SbomParser;
import java.io.BufferedWriter;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Benchmarks of the vulnerability engine (issue 3).
 *
 * <ul>
 *   <li>{@code generate DIR [ADVISORIES] [COMPONENTS]}: a synthetic OSV export zip (npm, PyPI,
 *       Maven, Go, crates.io; 1 to 3 ranges each, aliases) and a CycloneDX SBOM whose components
 *       draw on the same package names, about a fifth of them in a vulnerable range.
 *   <li>{@code import ZIP...}: load and index time, and the heap the index holds after a full GC.
 *   <li>{@code scan ZIP SBOM}: parse and scan of the SBOM, repeated warm; median and p90.
 *   <li>{@code lookups ZIP SBOM}: single-threaded index lookups of the SBOM's components, per
 *       second.
 * </ul>
 */
public final class VulnBench {
  private static final String[] ECOSYSTEMS = {"npm", "PyPI", "Maven", "Go", "crates.io"};

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "generate" ->
          generate(
              Path.of(args[1]),
              args.length > 2 ? Integer.parseInt(args[2]) : 500_000,
              args.length > 3 ? Integer.parseInt(args[3]) : 10_000);
      case "large-sbom" -> largeSbom(Path.of(args[1]), Integer.parseInt(args[2]));
      case "import" -> importAndIndex(args);
      case "scan" -> scan(Path.of(args[1]), Path.of(args[2]));
      case "lookups" -> lookups(Path.of(args[1]), Path.of(args[2]));
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  static String packageName(String eco, int i) {
    return switch (eco) {
      case "Maven" -> "org.example.g" + (i % 997) + ":artifact-" + i;
      case "Go" -> "github.com/example" + (i % 997) + "/module-" + i;
      case "npm" -> i % 3 == 0 ? "@scope" + (i % 97) + "/pkg-" + i : "pkg-" + i;
      default -> "pkg-" + i;
    };
  }

  static String purl(String eco, String name, String version) {
    return switch (eco) {
      case "Maven" -> "pkg:maven/" + name.replace(':', '/') + "@" + version;
      case "Go" -> "pkg:golang/" + name + "@v" + version;
      case "npm" -> "pkg:npm/" + name.replace("@", "%40") + "@" + version;
      case "PyPI" -> "pkg:pypi/" + name + "@" + version;
      default -> "pkg:cargo/" + name + "@" + version;
    };
  }

  static void generate(Path dir, int advisories, int components) throws Exception {
    Files.createDirectories(dir);
    Random rnd = new Random(42);
    int packages = advisories / 5;
    try (OutputStream out = Files.newOutputStream(dir.resolve("synthetic-osv.zip"));
        ZipOutputStream zip = new ZipOutputStream(out)) {
      for (int a = 0; a < advisories; a++) {
        String eco = ECOSYSTEMS[a % ECOSYSTEMS.length];
        int pkg = rnd.nextInt(packages);
        StringBuilder events = new StringBuilder();
        int ranges = 1 + rnd.nextInt(3);
        for (int r = 0; r < ranges; r++) {
          int major = r * 3 + rnd.nextInt(2);
          events
              .append(r == 0 ? "" : ", ")
              .append("{\"introduced\": \"")
              .append(major)
              .append(".0.0\"}, {\"fixed\": \"")
              .append(major)
              .append('.')
              .append(1 + rnd.nextInt(9))
              .append(".")
              .append(rnd.nextInt(10))
              .append("\"}");
        }
        String id = "SYN-" + a;
        String json =
            "{\"schema_version\": \"1.6.0\", \"id\": \""
                + id
                + "\", \"modified\": \"2026-01-01T00:00:00Z\", \"aliases\": [\"CVE-2099-"
                + (a / 2)
                + "\"],"
                + " \"summary\": \"synthetic advisory "
                + a
                + "\","
                + " \"severity\": [{\"type\": \"CVSS_V3\", \"score\": \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:"
                + (rnd.nextBoolean() ? "H" : "L")
                + "/I:L/A:N\"}],"
                + " \"affected\": [{\"package\": {\"ecosystem\": \""
                + eco
                + "\", \"name\": \""
                + packageName(eco, pkg)
                + "\"},"
                + " \"ranges\": [{\"type\": \""
                + (eco.equals("Maven") || eco.equals("PyPI") ? "ECOSYSTEM" : "SEMVER")
                + "\", \"events\": ["
                + events
                + "]}]}]}";
        zip.putNextEntry(new ZipEntry(id + ".json"));
        zip.write(json.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    try (BufferedWriter w =
        new BufferedWriter(
            new OutputStreamWriter(
                Files.newOutputStream(dir.resolve("synthetic-sbom.cdx.json")),
                StandardCharsets.UTF_8))) {
      w.write("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"components\": [\n");
      for (int c = 0; c < components; c++) {
        String eco = ECOSYSTEMS[c % ECOSYSTEMS.length];
        int pkg = rnd.nextInt(packages * 2); // half of these names have no advisory at all
        String version = rnd.nextInt(3) + "." + rnd.nextInt(10) + "." + rnd.nextInt(10);
        String name = packageName(eco, pkg);
        w.write(
            (c == 0 ? "" : ",\n")
                + "{\"bom-ref\": \"c"
                + c
                + "\", \"type\": \"library\", \"name\": \""
                + name
                + "\", \"version\": \""
                + version
                + "\", \"purl\": \""
                + purl(eco, name, version)
                + "\"}");
      }
      w.write("\n]}\n");
    }
    System.out.println(
        "wrote " + advisories + " advisories and a " + components + "-component SBOM to " + dir);
  }

  /**
   * A CycloneDX JSON SBOM of {@code components} components padded the way real generators pad them
   * (descriptions, hashes, licences, properties), about 850 bytes each: 120,000 make 100 MB.
   */
  static void largeSbom(Path file, int components) throws Exception {
    Random rnd = new Random(7);
    try (BufferedWriter w =
        new BufferedWriter(
            new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8), 1 << 20)) {
      w.write("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"components\": [\n");
      for (int c = 0; c < components; c++) {
        String eco = ECOSYSTEMS[c % ECOSYSTEMS.length];
        String name = packageName(eco, rnd.nextInt(200_000));
        String version = rnd.nextInt(3) + "." + rnd.nextInt(10) + "." + rnd.nextInt(10);
        w.write(
            (c == 0 ? "" : ",\n")
                + "{\"bom-ref\": \"c"
                + c
                + "\", \"type\": \"library\", \"name\": \""
                + name
                + "\", \"version\": \""
                + version
                + "\","
                + " \"description\": \""
                + "A library that does useful things for the application. ".repeat(4)
                + "\","
                + " \"hashes\": [{\"alg\": \"SHA-256\", \"content\": \""
                + "ab12".repeat(16)
                + "\"}, {\"alg\": \"SHA-512\", \"content\": \""
                + "cd34".repeat(32)
                + "\"}],"
                + " \"licenses\": [{\"license\": {\"id\": \"Apache-2.0\"}}],"
                + " \"properties\": [{\"name\": \"build\", \"value\": \""
                + c
                + "\"}],"
                + " \"purl\": \""
                + purl(eco, name, version)
                + "\"}");
      }
      w.write("\n]}\n");
    }
    System.out.println(
        "wrote "
            + file
            + " ("
            + Files.size(file) / (1024 * 1024)
            + " MB, "
            + components
            + " components)");
  }

  static AdvisoryIndex load(List<Path> zips, boolean report) throws Exception {
    long t0 = System.nanoTime();
    List<Advisory> all = OsvLoader.load(zips);
    long t1 = System.nanoTime();
    AdvisoryIndex index = AdvisoryIndex.build(all);
    long t2 = System.nanoTime();
    all = null;
    if (report) {
      for (int i = 0; i < 3; i++) {
        System.gc();
        Thread.sleep(200);
      }
      long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      System.out.printf(
          "import %s: read+parse %.1f s, index %.1f s, total %.1f s; %d advisories (%d withdrawn), %d packages; heap after GC %d MB%n",
          zips.stream().map(p -> p.getFileName().toString()).toList(),
          (t1 - t0) / 1e9,
          (t2 - t1) / 1e9,
          (t2 - t0) / 1e9,
          index.size(),
          index.withdrawn(),
          index.packages(),
          used / (1024 * 1024));
    }
    return index;
  }

  static void importAndIndex(String[] args) throws Exception {
    List<Path> zips = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      zips.add(Path.of(args[i]));
    }
    AdvisoryIndex index = load(zips, true);
    System.out.println("(index kept reachable: " + index.size() + ")");
  }

  static void scan(Path zip, Path sbomFile) throws Exception {
    AdvisoryIndex index = load(List.of(zip), false);
    Scanner scanner = new Scanner(index);
    List<Double> ms = new ArrayList<>();
    ScanResult last = null;
    for (int i = 0; i < 60; i++) {
      long t0 = System.nanoTime();
      Sbom sbom = SbomParser.parse(sbomFile);
      last = scanner.scan(sbom);
      double took = (System.nanoTime() - t0) / 1e6;
      if (i >= 20) {
        ms.add(took);
      }
    }
    Collections.sort(ms);
    System.out.printf(
        "warm parse+scan of %s (%d components: %d vulnerable, %d findings, %d clean, %d unmatched): median %.1f ms, p90 %.1f ms, min %.1f ms over %d runs%n",
        sbomFile.getFileName(),
        last.componentCount(),
        last.vulnerable().size(),
        last.findingCount(),
        last.clean().size(),
        last.unmatched().size(),
        ms.get(ms.size() / 2),
        ms.get((int) (ms.size() * 0.9)),
        ms.get(0),
        ms.size());
  }

  static void lookups(Path zip, Path sbomFile) throws Exception {
    AdvisoryIndex index = load(List.of(zip), false);
    Sbom sbom = SbomParser.parse(sbomFile);
    List<PackageRef> refs = new ArrayList<>();
    List<String> versions = new ArrayList<>();
    int withAdvisories = 0;
    for (Component c : sbom.components()) {
      if (PackageRef.fromPurl(c.purl()) instanceof PackageRef.Parsed.Ok ok) {
        refs.add(ok.ref());
        versions.add(ok.version());
        if (!(index.lookup(ok.ref(), "0.0.0-0") instanceof AdvisoryIndex.Lookup.Clean)
            || index.lookup(ok.ref(), ok.version()) instanceof AdvisoryIndex.Lookup.Affected) {
          withAdvisories++;
        }
      }
    }
    int n = refs.size();
    long sink = 0;
    List<Double> rates = new ArrayList<>();
    for (int round = 0; round < 15; round++) {
      long t0 = System.nanoTime();
      int ops = 0;
      for (int rep = 0; rep < 20; rep++) {
        for (int i = 0; i < n; i++) {
          sink += index.lookup(refs.get(i), versions.get(i)).hashCode();
          ops++;
        }
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      if (round >= 5) {
        rates.add(ops / secs);
      }
    }
    Collections.sort(rates);
    System.out.printf(
        "lookups on one thread: median %.0f /s (min %.0f, max %.0f) over %d components, %d of them packages with advisories (sink %d)%n",
        rates.get(rates.size() / 2),
        rates.get(0),
        rates.get(rates.size() - 1),
        n,
        withAdvisories,
        sink & 1);
  }
}

package dev.bulwark.bench.differential;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.vuln.match.AdvisoryIndex;
import dev.bulwark.vuln.match.PackageRef;
import dev.bulwark.vuln.osv.Advisory;
import dev.bulwark.vuln.osv.OsvParser;
import dev.bulwark.vuln.sbom.Component;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The differential harness for version matching (issue 15, item 1): from real OSV records it
 * generates component versions at and around every range bound, and compares Bulwark's verdict for
 * each (the engine's {@link AdvisoryIndex} over the one record, asked with the key {@code
 * PackageRef.forMatching} makes of the component, as a scan does) with an independent one: the OSV
 * evaluation algorithm written here from the specification ({@link OsvEvaluation}) driven by a
 * version ordering Bulwark does not use ({@link Oracles}).
 *
 * <p>Usage: {@code Differential [--limit N] [--require-oracles] [--root DIR] SOURCE...} where a
 * source is an OSV export zip or a folder of OSV JSON records (searched recursively). A missing
 * source is reported with a notice. Exit status: 0 when every comparison agrees, 1 on any
 * disagreement (each is printed), 2 on a usage error or, with {@code --require-oracles}, when an
 * oracle cannot run.
 */
public final class Differential {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The verdicts, as both sides give them. */
  public enum Verdict {
    AFFECTED,
    CLEAN,
    UNDECIDABLE
  }

  /** One record as read: its id, its raw JSON (for the oracle) and Bulwark's parse. */
  record Source(String id, String where, JsonNode json, Advisory advisory) {}

  /** One component to judge against one record. */
  record Case(Source record, Eco eco, String rawEcosystem, String name, String version) {}

  /** One disagreement, as printed. */
  record Disagreement(Case c, Verdict bulwark, String bulwarkDetail, Verdict oracle) {}

  /** Per-ecosystem figures. */
  static final class Tally {
    int records;
    long comparisons;
    long agreements;
    long bulwarkNanos;
    long oracleNanos;
    String oracle;
    String skipped;
    final List<Disagreement> disagreements = new ArrayList<>();

    /** Disagreements that bench/differential/known-disagreements.tsv names, with its reason. */
    final List<String[]> known = new ArrayList<>();

    /** Both verdicts by "record|name|version", kept only when asked (tests). */
    final Map<String, Verdict[]> verdicts = new LinkedHashMap<>();
  }

  /** The outcome of a run: per-ecosystem tallies and notices. */
  public record Outcome(Map<Eco, Tally> tallies, List<String> notices) {
    public long disagreements() {
      return tallies.values().stream().mapToLong(t -> t.disagreements.size()).sum();
    }

    public long comparisons(String osvEcosystem) {
      return tallies.entrySet().stream()
          .filter(e -> e.getKey().osv.equals(osvEcosystem))
          .mapToLong(e -> e.getValue().comparisons)
          .sum();
    }

    /** Both verdicts (Bulwark's, the oracle's) for a case, when the run kept them. */
    public Verdict[] verdicts(String record, String name, String version) {
      for (Tally t : tallies.values()) {
        Verdict[] v = t.verdicts.get(record + "|" + name + "|" + version);
        if (v != null) {
          return v;
        }
      }
      return null;
    }

    public List<String> missingOracles() {
      List<String> out = new ArrayList<>();
      tallies.forEach(
          (eco, t) -> {
            if (t.skipped != null && t.skipped.startsWith("oracle missing")) {
              out.add(eco.osv + ": " + t.skipped);
            }
          });
      return out;
    }
  }

  public static void main(String[] args) throws Exception {
    int limit = Integer.MAX_VALUE;
    boolean require = false;
    Path root = Path.of(".");
    List<Path> sources = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--limit" -> limit = Integer.parseInt(args[++i]);
        case "--require-oracles" -> require = true;
        case "--root" -> root = Path.of(args[++i]);
        default -> sources.add(Path.of(args[i]));
      }
    }
    if (sources.isEmpty()) {
      System.err.println(
          "usage: Differential [--limit N] [--require-oracles] [--root DIR] SOURCE...");
      System.exit(2);
    }
    Outcome o = run(sources, limit, root, System.out);
    if (require && !o.missingOracles().isEmpty()) {
      System.out.println("differential: FAILED, oracles missing: " + o.missingOracles());
      System.exit(2);
    }
    System.exit(o.disagreements() == 0 ? 0 : 1);
  }

  /** Runs the harness over the sources and prints the report to {@code out}. */
  public static Outcome run(List<Path> sources, int limit, Path root, PrintStream out)
      throws IOException {
    return run(sources, limit, root, out, false);
  }

  /** {@link #run}, keeping every case's verdicts in the outcome when {@code keep}. */
  static Outcome run(List<Path> sources, int limit, Path root, PrintStream out, boolean keep)
      throws IOException {
    List<String> notices = new ArrayList<>();
    List<Source> records = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Path p : sources) {
      int before = records.size();
      if (!Files.exists(p)) {
        notices.add("source " + p + " is absent; its records are not compared");
        continue;
      }
      read(p, limit, records, seen, notices);
      out.printf(Locale.ROOT, "differential: %d records from %s%n", records.size() - before, p);
    }
    Oracles oracles = new Oracles(root);
    List<String[]> exceptions = knownDisagreements(root);
    Map<Eco, Tally> tallies = new EnumMap<>(Eco.class);
    Map<Eco, List<Case>> cases = new EnumMap<>(Eco.class);
    for (Source s : records) {
      Set<Eco> inRecord = new HashSet<>();
      for (Case c : cases(s)) {
        cases.computeIfAbsent(c.eco(), k -> new ArrayList<>()).add(c);
        inRecord.add(c.eco());
      }
      for (Eco e : inRecord) {
        tallies.computeIfAbsent(e, k -> new Tally()).records++;
      }
    }
    for (Map.Entry<Eco, List<Case>> e : cases.entrySet()) {
      judge(e.getKey(), e.getValue(), oracles, tallies.get(e.getKey()), keep, exceptions);
    }
    for (String n : notices) {
      out.println("differential: NOTICE: " + n);
    }
    report(tallies, oracles, out);
    return new Outcome(tallies, notices);
  }

  private static void read(
      Path p, int limit, List<Source> into, Set<String> seen, List<String> notices)
      throws IOException {
    int[] count = {0};
    if (Files.isDirectory(p)) {
      List<Path> files;
      try (Stream<Path> walk = Files.walk(p)) {
        files = walk.filter(f -> f.toString().endsWith(".json")).sorted().toList();
      }
      for (Path f : files) {
        if (count[0] >= limit) {
          break;
        }
        add(f.toString(), Files.readAllBytes(f), into, seen, notices, count);
      }
    } else {
      try (InputStream in = Files.newInputStream(p);
          ZipInputStream zip = new ZipInputStream(in)) {
        ZipEntry entry;
        while ((entry = zip.getNextEntry()) != null && count[0] < limit) {
          if (!entry.isDirectory() && entry.getName().endsWith(".json")) {
            add(p + "!" + entry.getName(), zip.readAllBytes(), into, seen, notices, count);
          }
        }
      }
    }
  }

  private static void add(
      String where,
      byte[] bytes,
      List<Source> into,
      Set<String> seen,
      List<String> notices,
      int[] count)
      throws IOException {
    JsonNode json;
    try {
      json = JSON.readTree(bytes);
    } catch (IOException e) {
      // Files that are not OSV records (SBOMs, SARIF) share the folders: left out, counted.
      return;
    }
    if (json == null || !json.hasNonNull("id") || !json.has("affected")) {
      return;
    }
    String id = json.get("id").asText();
    if (!seen.add(id)) {
      return;
    }
    Advisory a;
    try {
      a = OsvParser.parse(where, bytes, false);
    } catch (dev.bulwark.vuln.osv.OsvFormatException e) {
      notices.add(id + " (" + where + "): Bulwark refuses the record: " + e.getMessage());
      return;
    }
    into.add(new Source(id, where, json, a));
    count[0]++;
  }

  /** The components to judge for one record: every affected package, its bounds and names. */
  static List<Case> cases(Source s) {
    Map<String, Case> out = new LinkedHashMap<>();
    for (JsonNode affected : s.json().path("affected")) {
      String raw = affected.path("package").path("ecosystem").asText("");
      String name = affected.path("package").path("name").asText("");
      if (name.isEmpty()) {
        continue;
      }
      Eco eco = Eco.of(raw).orElse(null);
      if (eco == null) {
        continue;
      }
      Set<String> bounds = new LinkedHashSet<>();
      for (JsonNode range : affected.path("ranges")) {
        if (range.path("type").asText().equals("GIT")) {
          continue;
        }
        for (JsonNode event : range.path("events")) {
          event.properties().forEach(f -> bounds.add(f.getValue().asText()));
        }
      }
      JsonNode versions = affected.path("versions");
      for (int i = 0; i < versions.size(); i++) {
        // The first and last few listed versions: lists can run to thousands.
        if (i < 5 || i >= versions.size() - 5) {
          bounds.add(versions.get(i).asText());
        }
      }
      if (bounds.isEmpty()) {
        bounds.add("0");
      }
      for (String bound : bounds) {
        for (String v : Candidates.around(eco, bound)) {
          put(out, new Case(s, eco, raw, name, v));
        }
        if (!bound.equals("0")) {
          for (String n : Candidates.names(eco, name)) {
            put(out, new Case(s, eco, raw, n, bound));
          }
        }
      }
    }
    return new ArrayList<>(out.values());
  }

  private static void put(Map<String, Case> out, Case c) {
    out.putIfAbsent(c.rawEcosystem() + '\u0000' + c.name() + '\u0000' + c.version(), c);
  }

  private static void judge(
      Eco eco, List<Case> cases, Oracles oracles, Tally t, boolean keep, List<String[]> exceptions)
      throws IOException {
    OsvEvaluation evaluation = oracles.evaluation(eco);
    t.oracle = evaluation == null ? null : evaluation.describe();
    if (dev.bulwark.vuln.version.Ecosystem.fromOsv(eco.osv).isEmpty()) {
      t.skipped = "Bulwark does not support this ecosystem in this build";
      return;
    }
    if (evaluation == null) {
      t.skipped = "no independent oracle (" + oracles.why(eco) + ")";
      return;
    }
    String missing = evaluation.missing();
    if (missing != null) {
      t.skipped = "oracle missing: " + missing;
      return;
    }
    // The oracle first, in one batch per ecosystem: what to ask, then the answers, then verdicts.
    long o0 = System.nanoTime();
    evaluation.prepare(cases);
    List<Verdict> expected = new ArrayList<>(cases.size());
    for (Case c : cases) {
      expected.add(evaluation.verdict(c));
    }
    t.oracleNanos = System.nanoTime() - o0;

    long b0 = System.nanoTime();
    Map<Source, AdvisoryIndex> indexes = new java.util.IdentityHashMap<>();
    List<String[]> actual = new ArrayList<>(cases.size());
    for (Case c : cases) {
      AdvisoryIndex index =
          indexes.computeIfAbsent(c.record(), s -> AdvisoryIndex.build(List.of(s.advisory())));
      actual.add(bulwark(index, c));
    }
    t.bulwarkNanos = System.nanoTime() - b0;

    for (int i = 0; i < cases.size(); i++) {
      t.comparisons++;
      Verdict b = Verdict.valueOf(actual.get(i)[0]);
      if (keep) {
        Case c = cases.get(i);
        t.verdicts.put(
            c.record().id() + "|" + c.name() + "|" + c.version(),
            new Verdict[] {b, expected.get(i)});
      }
      if (b == expected.get(i)) {
        t.agreements++;
      } else {
        Disagreement d = new Disagreement(cases.get(i), b, actual.get(i)[1], expected.get(i));
        String why = known(exceptions, d);
        if (why != null) {
          t.known.add(new String[] {line(d), why});
        } else {
          t.disagreements.add(d);
        }
      }
    }
  }

  /**
   * Bulwark's verdict as a scan gives it: the component (its purl) read by {@code
   * PackageRef.forMatching}, which takes OS packages to their source package, release and epoch,
   * then the index lookup.
   */
  private static String[] bulwark(AdvisoryIndex index, Case c) {
    String purl = c.eco().purl(c.rawEcosystem(), c.name(), c.version());
    PackageRef.Parsed parsed =
        PackageRef.forMatching(new Component(purl, c.name(), c.version(), purl));
    // An instanceof chain: whatever is not a match (malformed, unsupported, unmatched) is
    // undecidable here, with Bulwark's reason.
    if (parsed instanceof PackageRef.Parsed.Ok ok) {
      if (ok.version() == null) {
        return new String[] {Verdict.UNDECIDABLE.name(), "the purl " + purl + " lost its version"};
      }
      return switch (index.lookup(ok)) {
        case AdvisoryIndex.Lookup.Affected a -> new String[] {Verdict.AFFECTED.name(), purl};
        case AdvisoryIndex.Lookup.Clean cl -> new String[] {Verdict.CLEAN.name(), purl};
        case AdvisoryIndex.Lookup.Undecidable u ->
            new String[] {Verdict.UNDECIDABLE.name(), purl + ": " + u.reason()};
      };
    }
    return new String[] {Verdict.UNDECIDABLE.name(), purl + ": not matched: " + parsed};
  }

  private static void report(Map<Eco, Tally> tallies, Oracles oracles, PrintStream out) {
    long total = 0;
    long agreed = 0;
    long disagreed = 0;
    // Every disagreement is printed, up to a bound per ecosystem that keeps a badly broken build's
    // log readable (the count of the rest is printed).
    int bound = Integer.getInteger("differential.print", 2000);
    for (Map.Entry<Eco, Tally> e : tallies.entrySet()) {
      Tally t = e.getValue();
      int printed = 0;
      for (Disagreement d : t.disagreements) {
        if (printed++ < bound) {
          out.println("DISAGREEMENT " + line(d));
        }
      }
      for (int i = 0; i < Math.min(t.known.size(), bound); i++) {
        out.println("KNOWN DISAGREEMENT " + t.known.get(i)[0] + " [" + t.known.get(i)[1] + "]");
      }
      if (printed > bound) {
        out.printf(
            Locale.ROOT, "... and %d more %s disagreements%n", printed - bound, e.getKey().osv);
      }
    }
    out.println("differential: agreement per ecosystem");
    for (Map.Entry<Eco, Tally> e : tallies.entrySet()) {
      Tally t = e.getValue();
      if (t.skipped != null) {
        out.printf(
            Locale.ROOT,
            "  %-12s %5d records: SKIPPED, %s%n",
            e.getKey().osv,
            t.records,
            t.skipped);
        continue;
      }
      total += t.comparisons;
      agreed += t.agreements;
      disagreed += t.disagreements.size();
      out.printf(
          Locale.ROOT,
          "  %-12s %5d records: %d/%d agree (%.2f%%)%s; Bulwark %s verdicts/s, oracle %s"
              + " verdicts/s; oracle: %s%n",
          e.getKey().osv,
          t.records,
          t.agreements,
          t.comparisons,
          t.comparisons == 0 ? 100.0 : 100.0 * t.agreements / t.comparisons,
          t.known.isEmpty() ? "" : ", " + t.known.size() + " known disagreements",
          rate(t.comparisons, t.bulwarkNanos),
          rate(t.comparisons, t.oracleNanos),
          t.oracle);
    }
    for (Eco eco : Eco.values()) {
      if (tallies.containsKey(eco)) {
        continue;
      }
      OsvEvaluation ev = oracles.evaluation(eco);
      boolean supported = dev.bulwark.vuln.version.Ecosystem.fromOsv(eco.osv).isPresent();
      out.printf(
          Locale.ROOT,
          "  %-12s %5d records: none among the sources%s; oracle: %s%n",
          eco.osv,
          0,
          supported ? "" : " (and Bulwark does not support it in this build)",
          ev == null ? "none, " + oracles.why(eco) : ev.describe());
    }
    out.printf(
        Locale.ROOT,
        "differential: %d/%d comparisons agree, %d disagreements, %d known (documented)%n",
        agreed,
        total,
        disagreed,
        tallies.values().stream().mapToInt(t -> t.known.size()).sum());
  }

  private static String line(Disagreement d) {
    return String.format(
        Locale.ROOT,
        "%s: record %s, package %s, version %s: Bulwark %s, oracle %s (%s)",
        d.c().rawEcosystem(),
        d.c().record().id(),
        d.c().name(),
        d.c().version(),
        d.bulwark(),
        d.oracle(),
        d.bulwarkDetail());
  }

  /**
   * The documented exceptions: {@code bench/differential/known-disagreements.tsv}, one a line,
   * {@code OSV-ECOSYSTEM<TAB>VERSION-REGEX<TAB>BULWARK-VERDICT<TAB>ORACLE-VERDICT<TAB>why}. A
   * disagreement it names is printed as known and does not fail the run; each line is a bug report
   * waiting for its fix, removed with it.
   */
  private static List<String[]> knownDisagreements(Path root) throws IOException {
    Path f = root.resolve("bench/differential/known-disagreements.tsv");
    List<String[]> out = new ArrayList<>();
    if (!Files.exists(f)) {
      return out;
    }
    for (String l : Files.readAllLines(f)) {
      if (l.isBlank() || l.startsWith("#")) {
        continue;
      }
      String[] p = l.split("\t");
      if (p.length != 5) {
        throw new IOException(f + ": expected 5 tab-separated fields: " + l);
      }
      out.add(p);
    }
    return out;
  }

  private static String known(List<String[]> exceptions, Disagreement d) {
    for (String[] p : exceptions) {
      if (p[0].equals(d.c().eco().osv)
          && d.c().version().matches(p[1])
          && p[2].equals(d.bulwark().name())
          && p[3].equals(d.oracle().name())) {
        return p[4];
      }
    }
    return null;
  }

  private static String rate(long n, long nanos) {
    return nanos <= 0 ? "-" : String.format(Locale.ROOT, "%,.0f", n * 1e9 / nanos);
  }
}

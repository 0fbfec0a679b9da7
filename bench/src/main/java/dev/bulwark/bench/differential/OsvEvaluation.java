package dev.bulwark.bench.differential;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.bench.differential.Differential.Case;
import dev.bulwark.bench.differential.Differential.Verdict;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The OSV evaluation algorithm, written once here from the specification
 * (https://ossf.github.io/osv-schema/#evaluation), over one ecosystem's independent ordering:
 *
 * <pre>
 *   IsVulnerable: some affected entry of the package has v in its versions, or in a range:
 *     BeforeLimits(v) (no limit events, or v &lt; some limit), and walking the events sorted by
 *     version ("introduced: 0" first): introduced &amp;&amp; v &gt;= it -&gt; vulnerable;
 *     fixed &amp;&amp; v &gt;= it -&gt; not; last_affected &amp;&amp; v &gt; it -&gt; not.
 * </pre>
 *
 * GIT ranges are left out (they need the repository). A range typed SEMVER orders by SemVer 2.0
 * (the schema says so), an ECOSYSTEM range by the ecosystem's own rules. The specification has no
 * answer for a version its ordering cannot read; the harness's policy, stated once: a component
 * version the ordering refuses is undecidable, and so is a range that would say "affected" while
 * one of its bounds cannot be read. Within one affected entry the first range that decides
 * (affected or undecidable) gives the answer; over entries, undecidable wins over affected, and
 * affected over clean.
 */
final class OsvEvaluation {
  private final Eco eco;
  private final Oracle ordering;
  private final Oracle semver;
  private final Function<Set<String>, Map<String, String>> canonicalNames;
  private Map<String, String> canonical = Map.of();

  OsvEvaluation(
      Eco eco,
      Oracle ordering,
      Oracle semver,
      Function<Set<String>, Map<String, String>> canonicalNames) {
    this.eco = eco;
    this.ordering = ordering;
    this.semver = semver;
    this.canonicalNames = canonicalNames;
  }

  String describe() {
    return ordering == semver
        ? ordering.describe()
        : ordering.describe() + "; SEMVER ranges: " + semver.describe();
  }

  String missing() {
    String m = ordering.missing();
    return m != null ? m : semver.missing();
  }

  private Oracle oracleFor(JsonNode range) {
    return range.path("type").asText().equals("SEMVER") ? semver : ordering;
  }

  /** Asks the oracles, in one batch each, every question the verdicts below will need. */
  void prepare(List<Case> cases) throws IOException {
    Map<Oracle, Set<String>> versions = new HashMap<>();
    Map<Oracle, Set<List<String>>> pairs = new HashMap<>();
    Set<String> names = new LinkedHashSet<>();
    for (Case c : cases) {
      names.add(c.name());
      versions.computeIfAbsent(ordering, k -> new LinkedHashSet<>()).add(c.version());
      for (JsonNode affected : c.record().json().path("affected")) {
        if (!affected.path("package").path("ecosystem").asText().equals(c.rawEcosystem())) {
          continue;
        }
        names.add(affected.path("package").path("name").asText());
        for (JsonNode listed : affected.path("versions")) {
          versions.get(ordering).add(listed.asText());
          pairs
              .computeIfAbsent(ordering, k -> new LinkedHashSet<>())
              .add(List.of(c.version(), listed.asText()));
        }
        for (JsonNode range : affected.path("ranges")) {
          if (range.path("type").asText().equals("GIT")) {
            continue;
          }
          Oracle o = oracleFor(range);
          Set<String> vs = versions.computeIfAbsent(o, k -> new LinkedHashSet<>());
          Set<List<String>> ps = pairs.computeIfAbsent(o, k -> new LinkedHashSet<>());
          vs.add(c.version());
          List<String> bounds = bounds(range);
          for (String b : bounds) {
            vs.add(b);
            ps.add(List.of(c.version(), b));
            for (String other : bounds) {
              ps.add(List.of(b, other));
            }
          }
        }
      }
    }
    for (Oracle o : List.of(ordering, semver)) {
      if (versions.containsKey(o) || pairs.containsKey(o)) {
        o.ask(versions.getOrDefault(o, Set.of()), pairs.getOrDefault(o, Set.of()));
      }
    }
    if (eco.names == Eco.Names.PEP503) {
      canonical = canonicalNames.apply(names);
    }
  }

  /** The bound versions of a range: every event but "introduced: 0" and "limit: *". */
  private static List<String> bounds(JsonNode range) {
    List<String> out = new ArrayList<>();
    for (JsonNode event : range.path("events")) {
      event
          .properties()
          .forEach(
              f -> {
                String v = f.getValue().asText();
                boolean zero = f.getKey().equals("introduced") && v.equals("0");
                boolean infinity = f.getKey().equals("limit") && v.contains("*");
                if (!zero && !infinity) {
                  out.add(v);
                }
              });
    }
    return out;
  }

  private boolean sameName(String a, String b) {
    if (eco.names == Eco.Names.PEP503) {
      return canonical.getOrDefault(a, a).equals(canonical.getOrDefault(b, b));
    }
    return eco.nameKey(a).equals(eco.nameKey(b));
  }

  Verdict verdict(Case c) {
    boolean affected = false;
    boolean undecidable = false;
    String v = c.version();
    // A withdrawn record no longer says anything (schema: "withdrawn" field).
    if (c.record().json().hasNonNull("withdrawn")) {
      return Verdict.CLEAN;
    }
    for (JsonNode entry : c.record().json().path("affected")) {
      if (!entry.path("package").path("ecosystem").asText().equals(c.rawEcosystem())
          || !sameName(entry.path("package").path("name").asText(), c.name())) {
        continue;
      }
      Verdict e = entry(entry, v);
      affected |= e == Verdict.AFFECTED;
      undecidable |= e == Verdict.UNDECIDABLE;
    }
    return undecidable ? Verdict.UNDECIDABLE : affected ? Verdict.AFFECTED : Verdict.CLEAN;
  }

  private Verdict entry(JsonNode entry, String v) {
    JsonNode listed = entry.path("versions");
    for (JsonNode l : listed) {
      if (l.asText().equals(v)) {
        return Verdict.AFFECTED;
      }
    }
    List<JsonNode> ranges = new ArrayList<>();
    for (JsonNode r : entry.path("ranges")) {
      if (!r.path("type").asText().equals("GIT")) {
        ranges.add(r);
      }
    }
    if (ranges.isEmpty() && listed.isEmpty()) {
      return Verdict.CLEAN;
    }
    if (!ordering.valid(v)) {
      return Verdict.UNDECIDABLE;
    }
    // IncludedInVersions: "v == version", equality in the ecosystem's ordering.
    for (JsonNode l : listed) {
      if (ordering.valid(l.asText()) && ordering.compare(v, l.asText()) == 0) {
        return Verdict.AFFECTED;
      }
    }
    for (JsonNode range : ranges) {
      Verdict r = range(range, oracleFor(range), v);
      if (r != Verdict.CLEAN) {
        return r;
      }
    }
    return Verdict.CLEAN;
  }

  private record Event(String kind, String version) {}

  private static Verdict range(JsonNode range, Oracle o, String v) {
    if (!o.valid(v)) {
      return Verdict.UNDECIDABLE;
    }
    boolean broken = false;
    List<String> limits = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    for (JsonNode event : range.path("events")) {
      for (var f : event.properties()) {
        String kind = f.getKey();
        String bound = f.getValue().asText();
        if (kind.equals("limit") && bound.contains("*")) {
          continue;
        }
        if (kind.equals("introduced") && bound.equals("0")) {
          events.add(new Event(kind, null));
          continue;
        }
        if (!o.valid(bound)) {
          broken = true;
          continue;
        }
        if (kind.equals("limit")) {
          limits.add(bound);
        } else {
          events.add(new Event(kind, bound));
        }
      }
    }
    // BeforeLimits.
    if (!limits.isEmpty() && limits.stream().noneMatch(l -> o.compare(v, l) < 0)) {
      return Verdict.CLEAN;
    }
    // sorted(range.events): by version, "0" below every version; a stable sort keeps ties in
    // the record's order.
    events.sort(
        (a, b) ->
            a.version() == null
                ? (b.version() == null ? 0 : -1)
                : b.version() == null ? 1 : o.compare(a.version(), b.version()));
    boolean vulnerable = false;
    for (Event e : events) {
      switch (e.kind()) {
        case "introduced" -> {
          if (e.version() == null || o.compare(v, e.version()) >= 0) {
            vulnerable = true;
          }
        }
        case "fixed" -> {
          if (o.compare(v, e.version()) >= 0) {
            vulnerable = false;
          }
        }
        case "last_affected" -> {
          if (o.compare(v, e.version()) > 0) {
            vulnerable = false;
          }
        }
        default -> {}
      }
    }
    if (!vulnerable) {
      return Verdict.CLEAN;
    }
    return broken ? Verdict.UNDECIDABLE : Verdict.AFFECTED;
  }
}

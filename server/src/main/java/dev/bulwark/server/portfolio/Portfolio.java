package dev.bulwark.server.portfolio;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bulwark.server.advisories.Advisories;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.catalog.Catalog;
import dev.bulwark.server.catalog.Criticality;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.errors.DomainException;
import dev.bulwark.server.releases.Releases;
import dev.bulwark.vuln.match.PackageRef;
import dev.bulwark.vuln.match.ScanResult;
import dev.bulwark.vuln.sbom.Component;
import dev.bulwark.vuln.version.InvalidVersionException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Read models across releases: which releases hold a package or are affected by an advisory, a
 * release's upgrade plan, and what changed from one release to another. Nothing here writes.
 */
public final class Portfolio {
  private final Database db;
  private final Catalog catalog;
  private final Advisories advisories;
  private final Releases releases;
  private final PortfolioDao dao = new PortfolioDao();

  public Portfolio(Database db, Catalog catalog, Advisories advisories, Releases releases) {
    this.db = db;
    this.catalog = catalog;
    this.advisories = advisories;
    this.releases = releases;
  }

  /**
   * A release that contains a package, with the component's version; {@code source} is the source
   * package the image SBOM names for it (a query for {@code pkg:deb/debian/openssl} also finds
   * {@code libssl3}, built from openssl), null when none is recorded.
   */
  public record Hit(
      String service,
      String team,
      String version,
      String digest,
      String componentVersion,
      String purl,
      String source) {}

  /** A release that holds the package in a version the range's scheme cannot compare, and why. */
  public record NotCompared(
      String service,
      String team,
      String version,
      String componentVersion,
      String purl,
      String reason) {
    NotCompared(Hit h, String reason) {
      this(h.service(), h.team(), h.version(), h.componentVersion(), h.purl(), reason);
    }
  }

  public List<Hit> withPackage(Principal caller, PackageRef ref) {
    return db.jdbi()
        .withHandle(h -> dao.withPackage(h, caller, ref.ecosystem().name(), ref.name()));
  }

  public List<Hit> affectedBy(Principal caller, String anyId) {
    return db.jdbi().withHandle(h -> dao.affectedBy(h, caller, anyId));
  }

  /**
   * One step of an upgrade plan. {@code severity} is the gravest of the component's findings;
   * {@code severities} says for each finding its severity and where it came from (the engine's
   * derivation: the record's own rating, else an alias's; {@code source} null when unknown).
   */
  public record Step(
      String component,
      String purl,
      String upgradeTo,
      int clears,
      int of,
      double riskCleared,
      List<String> findings,
      String severity,
      List<Rated> severities) {}

  /** A finding of a step with its severity and the record that rates it. */
  public record Rated(
      String id, String severity, Double score, java.util.Map<String, Object> severitySource) {}

  private static List<Rated> rated(ScanResult.VulnerableComponent v) {
    List<Rated> out = new ArrayList<>();
    for (ScanResult.Finding f : v.findings()) {
      out.add(
          new Rated(
              f.id(),
              f.severity().level().label(),
              f.severity().score(),
              dev.bulwark.vuln.report.ScanReport.severitySource(f)));
    }
    return out;
  }

  private static double severityWeight(String severity) {
    return switch (severity) {
      case "critical" -> 10;
      case "high" -> 7;
      case "low" -> 1;
      case "none" -> 0;
      default -> 4; // medium, and unknown: not guessed low
    };
  }

  private static double criticalityWeight(Criticality c) {
    return switch (c) {
      case critical -> 4;
      case high -> 3;
      case medium -> 2;
      case low -> 1;
    };
  }

  /**
   * The release's upgrade plan: for each vulnerable component, the engine's patch advice against
   * the current advisories, ordered by the risk it clears (severity weight times the service's
   * criticality weight, summed over the findings the upgrade clears).
   */
  public List<Step> plan(Principal caller, String service, String version) {
    var svc =
        catalog
            .find(caller, service)
            .orElseThrow(() -> new DomainException.NotFound("no service named '" + service + "'"));
    List<Component> components =
        releases.components(caller, service, version).stream()
            .map(Releases.ComponentView::component)
            .toList();
    ScanResult result = advisories.scanner().scan(components);
    double weight = criticalityWeight(svc.criticality());
    List<Step> steps = new ArrayList<>();
    for (ScanResult.VulnerableComponent v : result.vulnerable()) {
      if (v.advice() == null) {
        steps.add(
            new Step(
                v.component().label(),
                v.component().purl(),
                null,
                0,
                v.findings().size(),
                0,
                v.findings().stream().map(ScanResult.Finding::id).toList(),
                v.worst().label(),
                rated(v)));
        continue;
      }
      double risk = 0;
      List<String> cleared = new ArrayList<>();
      for (ScanResult.Finding f : v.findings()) {
        if (f.fixed() != null && fixedBy(f.fixed(), v.advice().version(), v.component().purl())) {
          risk += severityWeight(f.severity().level().label()) * weight;
          cleared.add(f.id());
        }
      }
      steps.add(
          new Step(
              v.component().label(),
              v.component().purl(),
              v.advice().version(),
              v.advice().clears(),
              v.advice().of(),
              risk,
              cleared,
              v.worst().label(),
              rated(v)));
    }
    steps.sort(
        Comparator.comparingDouble(Step::riskCleared).reversed().thenComparing(Step::component));
    return steps;
  }

  /** True when upgrading to {@code target} reaches {@code fixed} (the ecosystem's ordering). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static boolean fixedBy(String fixed, String target, String purl) {
    if (!(PackageRef.fromPurl(purl) instanceof PackageRef.Parsed.Ok ok)) {
      return false;
    }
    try {
      var scheme = ok.ref().ecosystem().scheme();
      return scheme.parse(target).compareTo(scheme.parse(fixed)) >= 0;
    } catch (InvalidVersionException e) {
      return false;
    }
  }

  /** A component whose version changed between two releases. */
  public record Changed(@JsonProperty("package") String pkg, String from, String to) {}

  /** What changed from one release to another: components and findings. */
  public record Diff(
      String from,
      String to,
      List<String> added,
      List<String> removed,
      List<Changed> changed,
      List<String> findingsIntroduced,
      List<String> findingsResolved) {}

  public Diff diff(Principal caller, String service, String from, String to) {
    return db.jdbi()
        .withHandle(
            h -> {
              long a = releases.ref(h, caller, service, from).id();
              long b = releases.ref(h, caller, service, to).id();
              Map<String, Releases.StoredComponent> ca = byPackage(releases.storedComponents(h, a));
              Map<String, Releases.StoredComponent> cb = byPackage(releases.storedComponents(h, b));
              List<String> added = new ArrayList<>();
              List<String> removed = new ArrayList<>();
              List<Changed> changed = new ArrayList<>();
              for (var e : cb.entrySet()) {
                Releases.StoredComponent old = ca.get(e.getKey());
                if (old == null) {
                  added.add(e.getKey());
                } else if (!Objects.equals(old.version(), e.getValue().version())) {
                  changed.add(new Changed(e.getKey(), old.version(), e.getValue().version()));
                }
              }
              for (String k : ca.keySet()) {
                if (!cb.containsKey(k)) {
                  removed.add(k);
                }
              }
              Set<String> fa = findingKeys(dao.findingKeys(h, a), ca);
              Set<String> fb = findingKeys(dao.findingKeys(h, b), cb);
              List<String> introduced = fb.stream().filter(k -> !fa.contains(k)).sorted().toList();
              List<String> resolved = fa.stream().filter(k -> !fb.contains(k)).sorted().toList();
              Collections.sort(added);
              Collections.sort(removed);
              return new Diff(from, to, added, removed, changed, introduced, resolved);
            });
  }

  /** Components keyed by package (ecosystem and normalized name), else by name, else by ref. */
  private static Map<String, Releases.StoredComponent> byPackage(
      List<Releases.StoredComponent> rows) {
    Map<String, Releases.StoredComponent> m = new TreeMap<>();
    for (Releases.StoredComponent c : rows) {
      String key =
          c.pkg() != null
              ? c.ecosystem().toLowerCase(Locale.ROOT) + ":" + c.pkg()
              : c.name() != null ? c.name() : c.ref();
      m.putIfAbsent(key, c);
    }
    return m;
  }

  private static Set<String> findingKeys(
      List<PortfolioDao.FindingKey> findings, Map<String, Releases.StoredComponent> components) {
    Map<String, String> byRef = new HashMap<>();
    components.forEach((k, c) -> byRef.put(c.ref(), k));
    Set<String> out = new TreeSet<>();
    for (PortfolioDao.FindingKey f : findings) {
      out.add(f.vulnId() + " in " + byRef.getOrDefault(f.componentRef(), f.componentRef()));
    }
    return out;
  }
}

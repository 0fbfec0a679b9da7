package dev.bulwark.server.demo;

import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.auth.Role;
import dev.bulwark.server.catalog.Service;
import dev.bulwark.server.deployments.Deployments;
import dev.bulwark.server.errors.DomainException;
import dev.bulwark.server.findings.FindingLifecycle;
import dev.bulwark.server.findings.Findings;
import dev.bulwark.server.gates.Gates;
import dev.bulwark.server.releases.Releases;
import dev.bulwark.vuln.sbom.Sbom;
import dev.bulwark.vuln.sbom.SbomFormatException;
import dev.bulwark.vuln.sbom.SbomParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Six weeks of history for {@code --demo}, played through the server's own services with the {@link
 * DemoClock} set to each moment: releases of every service at its own cadence, their SBOMs (Rust
 * crates, some at versions the demo's RustSec advisories affect), the findings of a release marked
 * fixed when the next release upgrades the crate, gate decisions for staging and prod at each
 * release and nightly for prod, and the deployments they allow. Deterministic: the same history on
 * every first start, shifted to end today.
 */
final class DemoHistory {
  static final int DAYS = 42;

  /** A crate at a version an advisory of the demo affects, and the version that fixes it. */
  private record Crate(String name, String vulnerable, String fixed) {}

  private static final List<Crate> CRATES =
      List.of(
          new Crate("diesel", "1.4.5", "1.4.6"), // RUSTSEC-2021-0037, critical
          new Crate("hyper", "0.12.30", "0.14.10"), // RUSTSEC-2020-0008 critical, -2021-0078
          new Crate("regex", "1.5.4", "1.5.5"), // RUSTSEC-2022-0013, high
          new Crate("tungstenite", "0.20.0", "0.20.1"), // RUSTSEC-2023-0065, high
          new Crate("wasmtime", "10.0.0", "10.0.2")); // RUSTSEC-2023-0091, low

  private static final List<String> CLEAN =
      List.of("pkg:cargo/serde@1.0.190", "pkg:cargo/tokio@1.35.0", "pkg:cargo/log@0.4.20");

  private static final int[] CADENCE_DAYS = {7, 10, 14, 21};

  private static final Principal SYSTEM = Principal.system();

  /** The reviewer who approves the fixes that need a second person (high and critical services). */
  private static final Principal REVIEWER =
      new Principal(
          "demo:security-lead", "security-lead", null, Role.security, List.of(Principal.ALL_TEAMS));

  private record Step(Instant at, int order, Runnable action) {}

  /** What the history wrote, for the start line. */
  record Played(int releases, int gates, int deployments, int fixed, LocalDate first) {}

  private DemoHistory() {}

  static Played play(
      DemoClock clock,
      List<Service> services,
      Releases releases,
      Findings findings,
      FindingLifecycle lifecycle,
      Gates gates,
      Deployments deployments) {
    LocalDate today = LocalDate.ofInstant(clock.realNow(), ZoneOffset.UTC);
    LocalDate first = today.minusDays(DAYS - 1L);
    int[] counts = new int[4];
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < services.size(); i++) {
      Service svc = services.get(i);
      Random rnd = new Random(31L * i + 7);
      int cadence = CADENCE_DAYS[i % CADENCE_DAYS.length];
      Instant at = first.plusDays(i % 4).atStartOfDay(ZoneOffset.UTC).toInstant();
      at = at.plus(Duration.ofHours(8 + i % 6)).plus(Duration.ofMinutes(7L * i));
      Set<String> vulnerable = new TreeSet<>();
      for (Crate c : CRATES) {
        if (rnd.nextDouble() < 0.4) {
          vulnerable.add(c.name());
        }
      }
      String previous = null;
      List<Instant> releasedAt = new ArrayList<>();
      List<String> versions = new ArrayList<>();
      for (int k = 0;
          !at.isAfter(first.plusDays(DAYS - 1L).atStartOfDay(ZoneOffset.UTC).toInstant());
          k++) {
        String version = "1." + k + ".0";
        Set<String> now = new TreeSet<>(vulnerable);
        Set<String> upgraded = new TreeSet<>();
        if (k > 0) {
          for (String v : vulnerable) {
            if (rnd.nextDouble() < 0.6) {
              now.remove(v);
              upgraded.add(v);
            }
          }
          for (Crate c : CRATES) {
            if (!vulnerable.contains(c.name()) && rnd.nextDouble() < 0.2) {
              now.add(c.name());
            }
          }
        }
        vulnerable = now;
        String sbom = sbom(svc.name(), version, now);
        String prev = previous;
        Instant t = at;
        steps.add(
            new Step(
                t,
                0,
                () -> {
                  release(releases, svc.name(), version, sbom);
                  counts[0]++;
                }));
        if (prev != null && !upgraded.isEmpty()) {
          steps.add(
              new Step(
                  t.plus(Duration.ofHours(2)),
                  1,
                  () ->
                      counts[3] += fix(findings, lifecycle, svc.name(), prev, version, upgraded)));
        }
        steps.add(
            new Step(
                t.plus(Duration.ofHours(3)),
                2,
                () -> gate(gates, deployments, svc.name(), version, "staging", counts)));
        steps.add(
            new Step(
                t.plus(Duration.ofHours(26)),
                3,
                () -> gate(gates, deployments, svc.name(), version, "prod", counts)));
        releasedAt.add(t);
        versions.add(version);
        previous = version;
        at = at.plus(Duration.ofDays(cadence));
      }
      // A weekly production check: the release in production is gated again,
      // so a critical finding that outlived its SLA shows as a denial.
      for (int d = 7; d < DAYS; d += 7) {
        Instant night =
            first.plusDays(d).atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(60L * i);
        String current = null;
        for (int k = 0; k < versions.size(); k++) {
          if (releasedAt.get(k).plus(Duration.ofHours(26)).isBefore(night)) {
            current = versions.get(k);
          }
        }
        if (current != null) {
          String v = current;
          steps.add(new Step(night, 4, () -> gate(gates, null, svc.name(), v, "prod", counts)));
        }
      }
    }
    steps.sort(Comparator.comparing(Step::at).thenComparingInt(Step::order));
    Instant realNow = clock.realNow();
    for (Step s : steps) {
      if (s.at().isAfter(realNow)) {
        continue; // the history ends now
      }
      clock.set(s.at());
      s.action().run();
    }
    return new Played(counts[0], counts[1], counts[2], counts[3], first);
  }

  private static String sbom(String service, String version, Set<String> vulnerable) {
    List<String> purls = new ArrayList<>(CLEAN);
    for (Crate c : CRATES) {
      purls.add(
          "pkg:cargo/"
              + c.name()
              + "@"
              + (vulnerable.contains(c.name()) ? c.vulnerable() : c.fixed()));
    }
    StringBuilder b =
        new StringBuilder(
                "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\", \"metadata\": {\"component\": {\"type\": \"application\", \"name\": \"")
            .append(service)
            .append("\", \"version\": \"")
            .append(version)
            .append("\"}}, \"components\": [");
    for (int i = 0; i < purls.size(); i++) {
      String p = purls.get(i);
      String name = p.substring(p.indexOf('/') + 1, p.indexOf('@'));
      String v = p.substring(p.indexOf('@') + 1);
      b.append(i == 0 ? "" : ", ")
          .append("{\"bom-ref\": \"")
          .append(name)
          .append("\", \"type\": \"library\", \"name\": \"")
          .append(name)
          .append("\", \"version\": \"")
          .append(v)
          .append("\", \"purl\": \"")
          .append(p)
          .append("\"}");
    }
    return b.append("]}").toString();
  }

  private static void release(Releases releases, String service, String version, String sbom) {
    String digest = "sha256:" + dev.bulwark.common.Sha256.hex(service + "@" + version);
    releases.create(SYSTEM, "demo", service, version, digest);
    byte[] body = sbom.getBytes(StandardCharsets.UTF_8);
    Sbom parsed;
    try {
      parsed = SbomParser.parse("demo.cdx.json", new ByteArrayInputStream(body));
    } catch (SbomFormatException | IOException e) {
      throw new IllegalStateException("the demo SBOM does not parse: " + e.getMessage(), e);
    }
    Releases.Ready ready =
        switch (releases.intake(parsed)) {
          case Releases.TooLarge t -> throw new IllegalStateException(t.detail());
          case Releases.Ready r -> r;
        };
    releases.uploadSbom(SYSTEM, "demo", service, version, body, ready, false);
  }

  /** Marks fixed the open findings of {@code previous} in the crates {@code version} upgraded. */
  private static int fix(
      Findings findings,
      FindingLifecycle lifecycle,
      String service,
      String previous,
      String version,
      Set<String> upgraded) {
    int n = 0;
    Map<Long, String> done = new HashMap<>();
    for (Findings.Finding f : findings.findings(SYSTEM, service, previous)) {
      String crate =
          f.purl() == null
              ? ""
              : f.purl().substring(f.purl().indexOf('/') + 1, f.purl().indexOf('@'));
      if (!upgraded.contains(crate)
          || !f.state().equals("open")
          || done.containsKey(f.findingId())) {
        continue;
      }
      done.put(f.findingId(), crate);
      var t =
          new FindingLifecycle.Transition(
              "fixed", crate + " upgraded in " + service + " " + version, null, null);
      switch (lifecycle.transition(SYSTEM, "demo", f.findingId(), t)) {
        case FindingLifecycle.Applied a -> n++;
        case FindingLifecycle.Pending p -> {
          lifecycle.decideTransition(REVIEWER, "demo", p.request(), true, "upgrade verified");
          n++;
        }
      }
    }
    return n;
  }

  private static void gate(
      Gates gates,
      Deployments deployments,
      String service,
      String version,
      String env,
      int[] counts) {
    Gates.Answer a;
    try {
      a = gates.evaluate(SYSTEM, "demo", service, version, env);
    } catch (DomainException e) {
      return; // a release the gate cannot judge (none in this history) is left undecided
    }
    counts[1]++;
    if (deployments != null && a.decision().equals("allow")) {
      deployments.deploy(SYSTEM, "demo", service, version, env);
      counts[2]++;
    }
  }
}

package dev.bulwark.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Random;
import java.util.function.ToLongFunction;

/**
 * The synthetic portfolio of {@link PortfolioBench} and {@link ConsoleBench}, inserted straight
 * into the server's tables with batched JDBC (the server stopped): SERVICES services of 200 teams,
 * one release each with COMPONENTS npm components drawn from {@link #PACKAGES} packages at random
 * versions, and a finding of the package's synthetic advisory {@code SYN-P-n} on every 1.x version
 * (a quarter of the instances), as a scan would have written it.
 */
final class PortfolioSeed {
  static final int PACKAGES = 50_000;
  private static final String[] AREAS = {"website", "backend", "data"};
  private static final String[] CRITICALITIES = {"low", "medium", "high", "critical"};

  /**
   * What the two benches' portfolios differ in.
   *
   * @param createdAt when the services and releases were created
   * @param variedServices areas and criticalities in turn (else every service a high backend)
   * @param distinctPackages a service's components are distinct packages (else drawn freely)
   * @param aliases each finding has the alias {@code CVE-2099-n}, also in {@code finding_ids}
   * @param severity a finding's severity, from the seed's random numbers
   * @param firstSeen when a finding was first seen, from the seed's random numbers
   */
  record Shape(
      long createdAt,
      boolean variedServices,
      boolean distinctPackages,
      boolean aliases,
      java.util.function.Function<Random, String> severity,
      ToLongFunction<Random> firstSeen) {
    Shape {
      java.util.Objects.requireNonNull(severity, "severity");
      java.util.Objects.requireNonNull(firstSeen, "firstSeen");
    }
  }

  private PortfolioSeed() {}

  /** Inserts the portfolio, committing every 100 services; {@code rnd} decides it. */
  static void insert(Connection c, int services, int perService, Shape shape, Random rnd)
      throws SQLException {
    c.setAutoCommit(false);
    try (PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO service_records (id, name, name_key, team, area, criticality, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        PreparedStatement r =
            c.prepareStatement(
                "INSERT INTO releases (id, service_id, version, digest, created_at) VALUES (?, ?, '1.0.0', ?, ?)");
        PreparedStatement comp =
            c.prepareStatement(
                "INSERT INTO release_components (release_id, ref, name, version, purl, ecosystem, package) VALUES (?, ?, ?, ?, ?, 'NPM', ?)");
        PreparedStatement finding =
            c.prepareStatement(
                "INSERT INTO findings (id, release_id, component_ref, purl, vuln_id, aliases, severity, state, first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)");
        PreparedStatement ids =
            c.prepareStatement("INSERT INTO finding_ids (finding_id, vuln_id) VALUES (?, ?)")) {
      for (int i = 0; i < services; i++) {
        s.setLong(1, i + 1);
        s.setString(2, "svc-" + i);
        s.setString(3, dev.bulwark.server.catalog.ServiceName.key("svc-" + i));
        s.setString(4, "team-" + (i % 200));
        s.setString(5, shape.variedServices() ? AREAS[i % 3] : "backend");
        s.setString(6, shape.variedServices() ? CRITICALITIES[(i / 3) % 4] : "high");
        s.setLong(7, shape.createdAt());
        s.setLong(8, shape.createdAt());
        s.addBatch();
        r.setLong(1, i + 1);
        r.setLong(2, i + 1);
        r.setString(3, "sha256:" + "a".repeat(64));
        r.setLong(4, shape.createdAt());
        r.addBatch();
      }
      s.executeBatch();
      r.executeBatch();
      c.commit();
      long findingId = 0;
      for (int i = 0; i < services; i++) {
        java.util.Iterator<Integer> packages = null;
        if (shape.distinctPackages()) {
          java.util.Set<Integer> picked = new java.util.HashSet<>();
          while (picked.size() < perService) {
            picked.add(rnd.nextInt(PACKAGES));
          }
          packages = picked.iterator();
        }
        for (int k = 0; k < perService; k++) {
          int p = packages != null ? packages.next() : rnd.nextInt(PACKAGES);
          String name = "pkg-" + p;
          String version = rnd.nextInt(4) + "." + rnd.nextInt(10) + "." + rnd.nextInt(10);
          String purl = "pkg:npm/" + name + "@" + version;
          comp.setLong(1, i + 1);
          comp.setString(2, "c" + k);
          comp.setString(3, name);
          comp.setString(4, version);
          comp.setString(5, purl);
          comp.setString(6, name);
          comp.addBatch();
          // One synthetic advisory per package, affecting its 1.x versions.
          if (version.startsWith("1.")) {
            finding.setLong(1, ++findingId);
            finding.setLong(2, i + 1);
            finding.setString(3, "c" + k);
            finding.setString(4, purl);
            finding.setString(5, "SYN-P-" + p);
            finding.setString(6, shape.aliases() ? "[\"CVE-2099-" + p + "\"]" : "[]");
            finding.setString(7, shape.severity().apply(rnd));
            finding.setLong(8, shape.firstSeen().applyAsLong(rnd));
            finding.addBatch();
            if (shape.aliases()) {
              ids.setLong(1, findingId);
              ids.setString(2, "SYN-P-" + p);
              ids.addBatch();
              ids.setLong(1, findingId);
              ids.setString(2, "CVE-2099-" + p);
              ids.addBatch();
            }
          }
        }
        comp.executeBatch();
        finding.executeBatch();
        if (shape.aliases()) {
          ids.executeBatch();
        }
        if (i % 100 == 99) {
          c.commit();
        }
      }
      c.commit();
    }
  }
}

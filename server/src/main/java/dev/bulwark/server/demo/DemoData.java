package dev.bulwark.server.demo;

import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.auth.Role;
import dev.bulwark.server.catalog.Area;
import dev.bulwark.server.catalog.Catalog;
import dev.bulwark.server.catalog.Criticality;
import dev.bulwark.server.catalog.ServiceInput;
import dev.bulwark.server.tokens.TokenService;
import java.util.ArrayList;
import java.util.List;

/** Sample data for {@code --demo}: a few services of two teams and a token per role. */
public final class DemoData {
  private DemoData() {}

  /** Seeds once: when the catalog is empty. Returns the tokens issued, to be shown once. */
  public static List<TokenService.Issued> seed(Catalog catalog, TokenService tokens) {
    Principal system = Principal.system();
    if (!catalog.list(system, null).isEmpty()) {
      return List.of();
    }
    List<ServiceInput> services =
        List.of(
            new ServiceInput("storefront", "shop", Area.website, Criticality.high, 250_000.0),
            new ServiceInput(
                "checkout-api", "shop", Area.backend, Criticality.critical, 1_000_000.0),
            new ServiceInput("recommendations", "shop", Area.backend, Criticality.medium, null),
            new ServiceInput("ledger-db", "finance", Area.data, Criticality.critical, 2_000_000.0),
            new ServiceInput("marketing-site", "growth", Area.website, Criticality.low, 5_000.0));
    catalog.importAll(system, "demo", services);
    List<TokenService.Issued> issued = new ArrayList<>();
    issued.add(
        tokens.issue(
            system,
            "demo",
            "demo security",
            Role.security,
            List.of("shop", "finance", "growth"),
            null));
    issued.add(tokens.issue(system, "demo", "demo ci (shop)", Role.ci, List.of("shop"), null));
    issued.add(
        tokens.issue(
            system, "demo", "demo developer (shop)", Role.developer, List.of("shop"), null));
    issued.add(
        tokens.issue(
            system,
            "demo",
            "demo auditor",
            Role.auditor,
            List.of("shop", "finance", "growth"),
            null));
    return issued;
  }

  static final java.util.List<String> STARTER_FILES =
      java.util.List.of("promotion.yaml", "provenance.yaml", "sast.yaml", "sbom.yaml", "sla.yaml");

  /** The starter policy bundle shipped in the engine's jar (the repository's policies/starter). */
  public static java.util.Map<String, String> starterPolicies() {
    java.util.Map<String, String> files = new java.util.TreeMap<>();
    for (String f : STARTER_FILES) {
      try (var in = DemoData.class.getResourceAsStream("/dev/bulwark/policy/starter/" + f)) {
        if (in == null) {
          throw new IllegalStateException(
              "the starter bundle's " + f + " is missing from the build");
        }
        files.put(f, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return files;
  }
}

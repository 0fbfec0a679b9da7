package dev.bulwark.server.deployments;

import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.console.ConsolePage;
import dev.bulwark.server.console.View;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The "what runs where" matrix: services by environment, each cell the latest deployment there
 * (version and digest), read from the same list the deployments API answers.
 */
public final class WhatRunsWhere {
  private final Deployments deployments;

  public WhatRunsWhere(Deployments deployments) {
    this.deployments = deployments;
  }

  /** One service's row: per environment, its deployment there or none. */
  public record Row(String service, List<Deployments.OnLedger> cells, boolean sameEverywhere) {}

  /** The matrix: the configured environments as columns, one row per deployed service. */
  public record Matrix(List<String> environments, List<Row> rows, String service) {}

  /** The matrix page, for callers who may read services. */
  List<ConsolePage> pages() {
    return List.of(
        ConsolePage.get(
                "/deployments",
                Permission.SERVICE_READ,
                call ->
                    View.page(
                        "deployments/matrix.jte", matrix(call.principal(), call.query("service"))))
            .inNav("What runs where", 50));
  }

  /** The matrix for the caller's teams, optionally for one service. */
  public Matrix matrix(Principal caller, String service) {
    List<String> envs = deployments.environments();
    Map<String, Map<String, Deployments.OnLedger>> byService = new TreeMap<>();
    String only = service == null ? null : service.strip();
    for (Deployments.OnLedger l : deployments.onLedger(caller, null, only)) {
      Deployments.Deployment d = l.deployment();
      byService.computeIfAbsent(d.service(), s -> new LinkedHashMap<>()).put(d.environment(), l);
    }
    List<Row> rows = new ArrayList<>();
    for (var e : byService.entrySet()) {
      List<Deployments.OnLedger> cells = new ArrayList<>();
      for (String env : envs) {
        cells.add(e.getValue().get(env));
      }
      long digests =
          e.getValue().values().stream().map(l -> l.deployment().digest()).distinct().count();
      rows.add(new Row(e.getKey(), cells, digests == 1 && e.getValue().size() == envs.size()));
    }
    return new Matrix(envs, rows, only);
  }
}

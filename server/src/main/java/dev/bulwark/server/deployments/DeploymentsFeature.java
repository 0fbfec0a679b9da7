package dev.bulwark.server.deployments;

import dev.bulwark.server.feature.Feature;
import dev.bulwark.server.http.ApiRoute;
import java.util.List;

/** Deployments of digests to environments, each allowed by a gate decision. */
public final class DeploymentsFeature implements Feature {
  private final Deployments deployments;

  public DeploymentsFeature(Deployments deployments) {
    this.deployments = deployments;
  }

  @Override
  public String name() {
    return "deployments";
  }

  @Override
  public List<ApiRoute> routes() {
    return new DeploymentRoutes(deployments).routes();
  }

  @Override
  public List<dev.bulwark.server.console.ConsolePage> pages() {
    return new WhatRunsWhere(deployments).pages();
  }

  @Override
  public java.util.Optional<String> openApi() {
    return java.util.Optional.of("/openapi/deployments.json");
  }
}

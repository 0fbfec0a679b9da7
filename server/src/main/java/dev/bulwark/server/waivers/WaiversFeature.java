package dev.bulwark.server.waivers;

import dev.bulwark.server.feature.Feature;
import dev.bulwark.server.http.ApiRoute;
import java.util.List;

/** Waivers of one rule for one service, requested by one person and approved by another. */
public final class WaiversFeature implements Feature {
  private final Waivers waivers;

  public WaiversFeature(Waivers waivers) {
    this.waivers = waivers;
  }

  @Override
  public String name() {
    return "waivers";
  }

  @Override
  public List<ApiRoute> routes() {
    return new WaiverRoutes(waivers).routes();
  }

  @Override
  public List<dev.bulwark.server.console.ConsolePage> pages() {
    return new WaiverPages(waivers).pages();
  }

  @Override
  public java.util.Optional<String> openApi() {
    return java.util.Optional.of("/openapi/waivers.json");
  }
}

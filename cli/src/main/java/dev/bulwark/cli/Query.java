package dev.bulwark.cli;

import java.util.ArrayList;
import java.util.List;

/** A URL query string built from the options a user gave; absent values are left out. */
final class Query {
  private final List<String> parts = new ArrayList<>();

  Query add(String name, Object value) {
    if (value != null) {
      parts.add(name + "=" + ApiClient.segment(value.toString()));
    }
    return this;
  }

  /** {@code ""} or {@code "?a=1&b=2"}. */
  @Override
  public String toString() {
    return parts.isEmpty() ? "" : "?" + String.join("&", parts);
  }

  /** The path of a release's resource: {@code /api/v1/services/S/releases/V/what}. */
  static String release(String service, String version, String what) {
    return "/api/v1/services/"
        + ApiClient.segment(service)
        + "/releases/"
        + ApiClient.segment(version)
        + (what.isEmpty() ? "" : "/" + what);
  }
}

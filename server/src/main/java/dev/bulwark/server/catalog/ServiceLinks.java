package dev.bulwark.server.catalog;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Where the console shows a service, for every page that links to one. The name is encoded as a
 * path segment: names from before the naming rule (ADR 0009) may hold any character, and a link
 * must reach exactly the service it names.
 */
public final class ServiceLinks {
  private ServiceLinks() {}

  /** The service page of {@code name}. */
  public static String page(String name) {
    return "/services/" + segment(name);
  }

  /** The service page of {@code name} at one release. */
  public static String release(String name, String version) {
    return page(name) + "?release=" + query(version);
  }

  /** {@code s} as one path segment. */
  public static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** {@code s} as a query value. */
  public static String query(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}

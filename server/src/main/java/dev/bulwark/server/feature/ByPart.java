package dev.bulwark.server.feature;

import dev.bulwark.server.http.ApiRoute;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Transitional, for the route lists that still hold several features (ReleaseRoutes, GateRoutes):
 * one feature per OpenAPI part, each given the routes its part documents. A route that no part
 * documents fails the start rather than going unserved. Deleted once those features are classes of
 * their own that return their routes and their part.
 */
public final class ByPart {
  private ByPart() {}

  /**
   * One feature for each name, whose part is {@code /openapi/<name>.json}; the jobs go to the
   * first.
   */
  public static List<Feature> split(List<ApiRoute> routes, List<Job> jobs, String... names) {
    List<ApiRoute> left = new ArrayList<>(routes);
    List<Feature> out = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      String resource = "/openapi/" + names[i] + ".json";
      Map<String, String> documented = OpenApiDocument.operations(OpenApiDocument.read(resource));
      List<ApiRoute> mine = left.stream().filter(r -> documented.containsKey(key(r))).toList();
      left.removeAll(mine);
      out.add(Feature.of(names[i], mine, i == 0 ? jobs : List.of(), resource));
    }
    if (!left.isEmpty()) {
      throw new IllegalStateException(
          "routes documented in none of the OpenAPI parts "
              + List.of(names)
              + ": "
              + left.stream().map(ByPart::key).toList());
    }
    return out;
  }

  private static String key(ApiRoute r) {
    return r.method().name().toUpperCase(Locale.ROOT) + " " + r.path();
  }
}

package dev.bulwark.server.feature;

import dev.bulwark.server.console.ConsolePage;
import dev.bulwark.server.http.ApiRoute;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One capability of the server: its routes, its background jobs and its part of the OpenAPI
 * document. {@code BulwarkServer} builds the list of features and iterates it; it registers nothing
 * that a feature does not return. See {@code docs/adding-a-feature.md}.
 */
public interface Feature {
  /** The feature's name: its package's last segment, such as {@code releases}. */
  String name();

  /** Every route the feature serves, each with its permission. */
  List<ApiRoute> routes();

  /**
   * The web console's pages and forms this feature serves, each with its permission, as {@link
   * #routes()} are the API's: see {@code docs/adding-a-feature.md} ("Pages") and {@code
   * docs/console.md}.
   */
  default List<ConsolePage> pages() {
    return List.of();
  }

  /** Background work the server starts after it listens and stops before it closes. */
  default List<Job> jobs() {
    return List.of();
  }

  /**
   * The classpath resource holding this feature's part of the OpenAPI document, by convention
   * {@code /openapi/<name>.json}: a JSON object with {@code paths} and optionally {@code
   * components}, or empty when it adds none. Every route of the feature is documented in its own
   * part; {@link OpenApiDocument} merges the parts at start and refuses a path or component that
   * two parts define.
   */
  default Optional<String> openApi() {
    return Optional.empty();
  }

  /**
   * How this feature builds the policy inputs it declares from its stored rows (see {@code
   * docs/policies.md}); each declared fact has exactly one source among all features.
   */
  default List<PolicyInputSource<?>> policyInputs() {
    return List.of();
  }

  /** A feature made of parts, for the few that need no class of their own. */
  static Feature of(String name, List<ApiRoute> routes, List<Job> jobs) {
    return of(name, routes, jobs, Optional.empty());
  }

  /** The same, with its part of the OpenAPI document (a classpath resource). */
  static Feature of(String name, List<ApiRoute> routes, List<Job> jobs, String openApiResource) {
    return of(name, routes, jobs, Optional.of(openApiResource));
  }

  /** The same, with console pages. */
  static Feature of(
      String name,
      List<ApiRoute> routes,
      List<Job> jobs,
      String openApiResource,
      List<ConsolePage> pages) {
    return of(name, routes, jobs, Optional.of(openApiResource), pages);
  }

  private static Feature of(
      String name, List<ApiRoute> routes, List<Job> jobs, Optional<String> openApiResource) {
    return of(name, routes, jobs, openApiResource, List.of());
  }

  /** The same, for a feature whose part of the OpenAPI document may be absent. */
  static Feature of(
      String name,
      List<ApiRoute> routes,
      List<Job> jobs,
      Optional<String> openApiResource,
      List<ConsolePage> pages) {
    Objects.requireNonNull(name, "name");
    List<ApiRoute> r = List.copyOf(routes);
    List<Job> j = List.copyOf(jobs);
    List<ConsolePage> p = List.copyOf(pages);
    return new Feature() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public List<ApiRoute> routes() {
        return r;
      }

      @Override
      public List<Job> jobs() {
        return j;
      }

      @Override
      public Optional<String> openApi() {
        return openApiResource;
      }

      @Override
      public List<ConsolePage> pages() {
        return p;
      }
    };
  }
}

package dev.bulwark.server.http;

import dev.bulwark.server.auth.Permission;
import java.util.Objects;

/**
 * One API route and the permission it needs. Features return these; the server registers nothing
 * else, so no route can exist without a declared permission.
 */
public record ApiRoute(Method method, String path, Permission permission, Handler handler) {
  public ApiRoute {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(permission, "permission of " + method + " " + path);
    Objects.requireNonNull(handler, "handler");
  }

  public enum Method {
    GET,
    POST,
    PUT,
    DELETE
  }

  /** The work of a route, given the authenticated call. */
  @FunctionalInterface
  public interface Handler {
    void handle(Call call) throws Exception;
  }

  public static ApiRoute get(String path, Permission p, Handler h) {
    return new ApiRoute(Method.GET, path, p, h);
  }

  public static ApiRoute post(String path, Permission p, Handler h) {
    return new ApiRoute(Method.POST, path, p, h);
  }

  public static ApiRoute put(String path, Permission p, Handler h) {
    return new ApiRoute(Method.PUT, path, p, h);
  }

  public static ApiRoute delete(String path, Permission p, Handler h) {
    return new ApiRoute(Method.DELETE, path, p, h);
  }
}

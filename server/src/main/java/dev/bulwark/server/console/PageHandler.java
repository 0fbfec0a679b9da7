package dev.bulwark.server.console;

/**
 * The work of a console page: reads the request through {@link PageCall}, asks the feature's
 * service with {@link PageCall#principal()} (so the team scope applies in the SQL, as for the API),
 * and answers with a {@link View}. Domain errors thrown here become the console's error pages (404,
 * 403, 409, 422), never a stack trace.
 */
@FunctionalInterface
public interface PageHandler {
  View handle(PageCall call) throws Exception;
}

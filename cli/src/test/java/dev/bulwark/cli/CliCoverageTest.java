package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.server.feature.OpenApiDocument;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

/**
 * Every API operation a user drives has a CLI command (issue 14, item 2). The operations are those
 * of the OpenAPI document the server merges from its features; each command declares what it calls
 * with {@link Calls}. A new route without a command fails here, and so does a {@code @Calls} naming
 * an operation that no longer exists.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliCoverageTest {
  /** Operations no command calls, each with the reason; reviewed, keep it short. */
  static final Map<String, String> NOT_A_COMMAND =
      Map.of(
          "GET /healthz",
          "liveness for load balancers and Kubernetes probes, not a user's action",
          "GET /metrics",
          "Prometheus scrapes it; a person reads it in Prometheus or Grafana",
          "GET /api/v1/openapi.json",
          "the API's own description, for client generators and API browsers",
          "POST /api/v1/services",
          "services put creates a service through the idempotent PUT (same name rules, 201 when"
              + " created); a create-only command would be a second spelling of it");

  TestServer ts;
  Set<String> operations;

  @BeforeAll
  void start() throws Exception {
    ts = new TestServer(TestDatabases.Kind.SQLITE, Files.createTempDirectory("bulwark-coverage"));
    operations = OpenApiDocument.operations(OpenApiDocument.merge(ts.server.features())).keySet();
  }

  @AfterAll
  void stop() {
    ts.close();
  }

  /** Operation to the commands that call it, from the command tree. */
  static Map<String, List<String>> calledBy(CommandLine root) {
    Map<String, List<String>> out = new TreeMap<>();
    walk(root, "bulwark", out, new ArrayList<>());
    return out;
  }

  /** Commands that talk to a server (they mix in ClientOptions) but declare no @Calls. */
  static List<String> undeclared(CommandLine root) {
    List<String> out = new ArrayList<>();
    walk(root, "bulwark", new TreeMap<>(), out);
    return out;
  }

  private static void walk(
      CommandLine cli, String path, Map<String, List<String>> into, List<String> undeclared) {
    Object user = cli.getCommandSpec().userObject();
    Calls calls = user == null ? null : user.getClass().getAnnotation(Calls.class);
    if (calls != null) {
      for (String op : calls.value()) {
        into.computeIfAbsent(op, k -> new ArrayList<>()).add(path);
      }
    } else if (cli.getCommandSpec().mixins().values().stream()
        .anyMatch(m -> m.userObject() instanceof ClientOptions)) {
      undeclared.add(path);
    }
    cli.getSubcommands()
        .forEach(
            (name, sub) -> {
              if (name.equals(sub.getCommandSpec().name())) {
                walk(sub, path + " " + name, into, undeclared);
              }
            });
  }

  /** The operations of the document that no command calls and the reviewed list does not name. */
  static Set<String> uncovered(Set<String> operations, Map<String, List<String>> called) {
    Set<String> out = new TreeSet<>(operations);
    out.removeAll(called.keySet());
    out.removeAll(NOT_A_COMMAND.keySet());
    return out;
  }

  /** What @Calls names that the document does not have, with the command naming it. */
  static Map<String, List<String>> unknown(
      Set<String> operations, Map<String, List<String>> called) {
    Map<String, List<String>> out = new LinkedHashMap<>(called);
    out.keySet().removeAll(operations);
    return out;
  }

  @Test
  void everyOperationAUserDrivesHasACommand() {
    assertThat(operations).hasSizeGreaterThan(50);
    assertThat(uncovered(operations, calledBy(Main.commandLine())))
        .as("API operations without a CLI command (add one, with @Calls, or a reviewed reason)")
        .isEmpty();
  }

  @Test
  void everyCallsNamesAnOperationThatExists() {
    assertThat(unknown(operations, calledBy(Main.commandLine())))
        .as("@Calls names operations the OpenAPI document does not have")
        .isEmpty();
  }

  @Test
  void everyCommandThatTalksToAServerDeclaresWhatItCalls() {
    assertThat(undeclared(Main.commandLine())).isEmpty();
  }

  @Test
  void theReviewedListIsNeitherStaleNorCovered() {
    assertThat(operations).containsAll(NOT_A_COMMAND.keySet());
    assertThat(calledBy(Main.commandLine()).keySet())
        .as("an operation on the reviewed list that a command now calls: take it off the list")
        .doesNotContainAnyElementsOf(NOT_A_COMMAND.keySet());
  }

  @Test
  void theCheckFailsForAnOperationWithoutACommandAndForACallThatDoesNotExist() {
    Map<String, List<String>> called = calledBy(Main.commandLine());
    Set<String> more = new TreeSet<>(operations);
    more.add("POST /api/v1/findings/{id}/comments");
    assertThat(uncovered(more, called)).containsExactly("POST /api/v1/findings/{id}/comments");

    // Without the annotation of findings transition and findings triage, their operation is bare.
    Map<String, List<String>> fewer = new TreeMap<>(called);
    fewer.remove("POST /api/v1/findings/{id}/transitions");
    assertThat(uncovered(operations, fewer))
        .containsExactly("POST /api/v1/findings/{id}/transitions");
    assertThat(called.get("POST /api/v1/findings/{id}/transitions"))
        .containsExactly("bulwark findings transition", "bulwark findings triage");

    Map<String, List<String>> typo = new TreeMap<>(called);
    typo.put("GET /api/v1/finding/overdue", List.of("bulwark findings overdue"));
    assertThat(unknown(operations, typo)).containsOnlyKeys("GET /api/v1/finding/overdue");
  }
}

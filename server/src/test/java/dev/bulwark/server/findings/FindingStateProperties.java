package dev.bulwark.server.findings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.server.errors.DomainException;
import dev.bulwark.server.releases.ReleasesContractTestAccess;
import dev.bulwark.server.testing.Http;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The transition table is closed: {@link FindingState} is exactly the table of docs/findings.md,
 * every state is reachable from a new finding along it, and the server accepts a sequence of
 * by-hand transitions step by step exactly where the table allows it.
 */
class FindingStateProperties {
  private static final Pattern ROW = Pattern.compile("^\\| `([a-z_]+)` \\|(.*)\\|(.*)\\|$");
  private static final Pattern STATE = Pattern.compile("`([a-z_]+)`");

  /** The table of docs/findings.md: state to its next states, by actor. */
  static Map<FindingState.By, Map<FindingState, Set<FindingState>>> documented()
      throws IOException {
    Path doc = Path.of("..", "docs", "findings.md");
    Map<FindingState.By, Map<FindingState, Set<FindingState>>> out =
        new EnumMap<>(FindingState.By.class);
    for (FindingState.By by : FindingState.By.values()) {
      out.put(by, new EnumMap<>(FindingState.class));
    }
    boolean inTransitions = false;
    for (String line : Files.readAllLines(doc)) {
      if (line.startsWith("## ")) {
        inTransitions = line.equals("## Transitions");
      }
      Matcher m = ROW.matcher(line);
      if (inTransitions && m.matches()) {
        FindingState from = FindingState.valueOf(m.group(1));
        out.get(FindingState.By.PERSON).put(from, states(m.group(2)));
        out.get(FindingState.By.SCANNER).put(from, states(m.group(3)));
      }
    }
    return out;
  }

  private static Set<FindingState> states(String cell) {
    Set<FindingState> out = EnumSet.noneOf(FindingState.class);
    Matcher m = STATE.matcher(cell);
    while (m.find()) {
      out.add(FindingState.valueOf(m.group(1)));
    }
    return out;
  }

  @Example
  void theTypeIsTheDocumentedTable() throws IOException {
    var table = documented();
    for (FindingState.By by : FindingState.By.values()) {
      assertThat(table.get(by).keySet())
          .as("every state has a row")
          .containsExactlyInAnyOrder(FindingState.values());
      for (FindingState s : FindingState.values()) {
        assertThat(s.next(by)).as("%s by %s", s, by).isEqualTo(table.get(by).get(s));
      }
    }
  }

  @Example
  void everyStateIsReachableFromANewFinding() {
    Set<FindingState> seen = EnumSet.of(FindingState.open);
    Deque<FindingState> todo = new ArrayDeque<>(seen);
    while (!todo.isEmpty()) {
      FindingState s = todo.pop();
      for (FindingState.By by : FindingState.By.values()) {
        for (FindingState n : s.next(by)) {
          if (seen.add(n)) {
            todo.push(n);
          }
        }
      }
    }
    assertThat(seen).containsExactlyInAnyOrder(FindingState.values());
  }

  @Property(tries = 200)
  void aMoveOutsideTheTableIsAConflictNamingTheAllowedStates(
      @ForAll FindingState from, @ForAll FindingState to, @ForAll FindingState.By by)
      throws IOException {
    Set<FindingState> allowed = documented().get(by).get(from);
    if (allowed.contains(to)) {
      assertThatCode(() -> from.requireMayBecome(to, by)).doesNotThrowAnyException();
      return;
    }
    String named =
        allowed.isEmpty()
            ? "none"
            : allowed.stream().map(Enum::name).sorted().collect(Collectors.joining(", "));
    assertThatThrownBy(() -> from.requireMayBecome(to, by))
        .isInstanceOf(DomainException.Conflict.class)
        .hasMessageStartingWith("a finding in state " + from + " cannot become " + to)
        .hasMessageContaining("; allowed next states: " + named);
  }

  // ---- the server, by hand ----

  static TestServer ts;
  static Http http;
  static int releases;

  @BeforeContainer
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("bulwark-state-properties");
    Path osv = Path.of(FindingStateProperties.class.getResource("/osv").toURI());
    ts = new TestServer(TestDatabases.Kind.SQLITE, dir, c -> c.withOsvSources(List.of(osv)));
    http = ts.http;
    http.put(
        "/api/v1/services/prop-api",
        TestServer.ADMIN,
        Map.of("team", "prop", "area", "backend", "criticality", "low"));
  }

  @AfterContainer
  static void stop() {
    ts.close();
  }

  @Provide
  Arbitrary<List<String>> byHand() {
    return Arbitraries.of(List.copyOf(FindingLifecycle.STATES)).list().ofMinSize(1).ofMaxSize(6);
  }

  @Property(tries = 40)
  void theServerAcceptsExactlyTheTablesMoves(@ForAll("byHand") List<String> moves)
      throws IOException {
    String version = "1." + releases++;
    http.post(
        "/api/v1/services/prop-api/releases",
        TestServer.ADMIN,
        Map.of("version", version, "digest", "sha256:" + "d".repeat(64)));
    Http.Response up =
        http.send(
            "/api/v1/services/prop-api/releases/" + version + "/sbom",
            TestServer.ADMIN,
            "PUT",
            "application/json",
            ReleasesContractTestAccess.sbom().getBytes(StandardCharsets.UTF_8));
    assertThat(up.status()).as(up.text()).isEqualTo(200);
    long finding =
        http.get("/api/v1/services/prop-api/releases/" + version + "/findings", TestServer.ADMIN)
            .json()
            .path("findings")
            .get(0)
            .path("findingId")
            .asLong();
    var table = documented().get(FindingState.By.PERSON);
    FindingState now = FindingState.open;
    List<String> applied = new ArrayList<>();
    for (String move : moves) {
      Map<String, String> body =
          move.equals("not_affected")
              ? Map.of("state", move, "reason", "p", "justification", "code_not_reachable")
              : Map.of("state", move, "reason", "p");
      Http.Response r =
          http.post("/api/v1/findings/" + finding + "/transitions", TestServer.ADMIN, body);
      FindingState to = FindingState.valueOf(move);
      if (table.get(now).contains(to)) {
        assertThat(r.status()).as("%s -> %s: %s", now, to, r.text()).isEqualTo(200);
        now = to;
        applied.add(move);
      } else {
        assertThat(r.status()).as("%s -> %s: %s", now, to, r.text()).isEqualTo(409);
        assertThat(r.json().path("detail").asText()).contains("allowed next states");
      }
    }
    List<String> events = new ArrayList<>();
    http.get("/api/v1/findings/" + finding + "/events", TestServer.ADMIN)
        .json()
        .path("events")
        .forEach(e -> events.add(e.path("to").asText()));
    assertThat(events).as("only accepted moves are events").isEqualTo(applied);
  }
}

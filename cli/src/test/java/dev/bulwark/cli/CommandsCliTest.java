package dev.bulwark.cli;

import static dev.bulwark.cli.ServerCli.refused;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.net.Cidr;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands of issue 14's item 2 against a real server over HTTP: each one's answer as a table
 * and as JSON, and the server's refusals (exit 4, its reason on one line).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommandsCliTest {
  static final String ADMIN = TestServer.ADMIN;

  /** BULWARK-TEST-0001: a high advisory of left-pad below 1.3.0 (test resources, osv-webhooks). */
  static final String ADVISORY = "BULWARK-TEST-0001";

  TestServer ts;
  ServerCli cli;
  HttpServer receiver;
  final AtomicInteger received = new AtomicInteger();
  @TempDir Path tmp;

  @BeforeAll
  void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        ex -> {
          ex.getRequestBody().readAllBytes();
          received.incrementAndGet();
          ex.sendResponseHeaders(204, -1);
          ex.close();
        });
    receiver.start();
    // The server's test resource, copied out of its test jar into a directory of its own.
    Path osv = Files.createTempDirectory("bulwark-commands-osv");
    try (var in =
        CommandsCliTest.class.getResourceAsStream("/osv-webhooks/" + ADVISORY + ".json")) {
      Files.copy(in, osv.resolve(ADVISORY + ".json"));
    }
    ts =
        new TestServer(
            TestDatabases.Kind.SQLITE,
            Files.createTempDirectory("bulwark-commands"),
            c ->
                c.withOsvSources(List.of(osv))
                    // the webhook receiver is on loopback, which webhooks reach only when allowed
                    .withExposure(
                        new ServerConfig.Exposure(
                            List.of(Cidr.parse("127.0.0.1/32")),
                            List.of(),
                            Duration.ofDays(36_500))));
    cli = new ServerCli(ts);
  }

  @AfterAll
  void stop() {
    ts.close();
    receiver.stop(0);
  }

  /** A service of {@code team} with release 1.0 holding left-pad {@code version}. */
  void release(String service, String team, String criticality, String version, String leftPad)
      throws Exception {
    cli.ok(
        ADMIN,
        "services",
        "put",
        service,
        "--team=" + team,
        "--area=backend",
        "--criticality=" + criticality);
    Path sbom = tmp.resolve(service + "-" + version + ".cdx.json");
    Files.writeString(
        sbom,
        """
        {"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
          {"bom-ref": "lp", "type": "library", "name": "left-pad", "version": "%s",
           "purl": "pkg:npm/left-pad@%s"},
          {"bom-ref": "x", "type": "library", "name": "%s", "version": "1.0.0",
           "purl": "pkg:npm/%s@1.0.0"}]}
        """
            .formatted(leftPad, leftPad, "extra-" + version, "extra-" + version));
    cli.ok(
        ADMIN,
        "sbom",
        "upload",
        "--service=" + service,
        "--version=" + version,
        "--digest=sha256:" + Integer.toHexString(version.hashCode()).repeat(64).substring(0, 64),
        sbom.toString());
  }

  /** The id of the release's one finding of left-pad. */
  long findingOf(String service, String version) {
    JsonNode list =
        cli.ok(
                ADMIN,
                "findings",
                "list",
                "--service=" + service,
                "--version=" + version,
                "--format=json")
            .json()
            .path("findings");
    assertThat(list).hasSize(1);
    assertThat(list.get(0).path("id").asText()).isEqualTo(ADVISORY);
    return list.get(0).path("findingId").asLong();
  }

  @Test
  void findingsAreListedShownTriagedAndMovedAlongTheirStates() throws Exception {
    release("find-api", "find", "low", "1.0", "1.1.0");
    ServerCli.Result table =
        cli.ok(ADMIN, "findings", "list", "--service=find-api", "--version=1.0");
    List<String> lines = table.out().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("FINDINGID  ID").contains("SEVERITY", "STATE", "DUE");
    assertThat(lines.get(1)).contains(ADVISORY, "high", "open", "pkg:npm/left-pad@1.1.0", "1.3.0");
    long id = findingOf("find-api", "1.0");

    assertThat(
            cli.ok(
                    ADMIN,
                    "findings",
                    "list",
                    "--service=find-api",
                    "--version=1.0",
                    "--severity=critical,medium")
                .out()
                .lines())
        .hasSize(1);
    assertThat(
            cli.ok(
                    ADMIN,
                    "findings",
                    "list",
                    "--service=find-api",
                    "--version=1.0",
                    "--state=open",
                    "--severity=HIGH")
                .out()
                .lines())
        .hasSize(2);
    ServerCli.Result badState =
        cli.as(ADMIN, "findings", "list", "--service=find-api", "--version=1.0", "--state=done");
    assertThat(badState.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(badState.err()).contains("--state done is not one of affected, fixed");

    String dev = cli.mint("dana", "developer", "find");
    ServerCli.Result triaged =
        cli.ok(dev, "findings", "triage", Long.toString(id), "--reason=looking at it");
    assertThat(triaged.out().strip()).isEqualTo("finding " + id + ": triaged");
    ServerCli.Result fixed =
        cli.ok(
            dev,
            "findings",
            "transition",
            Long.toString(id),
            "--to=fixed",
            "--reason=patched in place",
            "--format=json");
    assertThat(fixed.json().path("state").asText()).isEqualTo("fixed");

    ServerCli.Result reopen =
        cli.as(dev, "findings", "transition", Long.toString(id), "--to=open", "--reason=oops");
    refused(reopen, "a finding in state fixed cannot become open");
    ServerCli.Result bad =
        cli.as(dev, "findings", "transition", Long.toString(id), "--to=done", "--reason=x");
    assertThat(bad.code()).as(bad.all()).isEqualTo(ExitCodes.INPUT);
    assertThat(bad.err()).contains("state").contains("must be one of");

    ServerCli.Result events = cli.ok(dev, "findings", "events", Long.toString(id));
    assertThat(events.out().lines().toList())
        .hasSize(3)
        .first()
        .asString()
        .startsWith("AT")
        .contains("ACTOR", "FROM", "TO", "REASON");
    assertThat(events.out()).contains("looking at it").contains("patched in place");
    assertThat(
            cli.ok(dev, "findings", "events", Long.toString(id), "--format=json")
                .json()
                .path("events"))
        .hasSize(2);

    ServerCli.Result show =
        cli.ok(dev, "findings", "show", Long.toString(id), "--service=find-api", "--version=1.0");
    assertThat(show.out())
        .contains("findingId:     " + id)
        .contains("state:         fixed")
        .contains("CVE-2099-0001")
        .contains("triaged -> fixed: patched in place");
    JsonNode shown =
        cli.ok(
                dev,
                "findings",
                "show",
                Long.toString(id),
                "--service=find-api",
                "--version=1.0",
                "--format=json")
            .json();
    assertThat(shown.path("finding").path("state").asText()).isEqualTo("fixed");
    assertThat(shown.path("events")).hasSize(2);
    refused(
        cli.as(dev, "findings", "show", "999999", "--service=find-api", "--version=1.0"),
        "has no finding 999999");
    refused(cli.as(dev, "findings", "events", "999999"), "Not Found");
    // Another team's developer sees no such finding.
    refused(
        cli.as(cli.mint("olga", "developer", "other"), "findings", "events", Long.toString(id)),
        "Not Found");
  }

  @Test
  void aRiskAcceptanceIsApprovedBySomeoneOtherThanItsRequester() throws Exception {
    release("risk-api", "risk", "medium", "1.0", "1.2.0");
    long id = findingOf("risk-api", "1.0");
    String alice = cli.mint("alice-risk", "security", "risk");
    String bob = cli.mint("bob-risk", "security", "risk");
    String expires = ts.clock.instant().plus(Duration.ofDays(30)).toString();
    ServerCli.Result asked =
        cli.ok(
            alice,
            "risk",
            "request",
            Long.toString(id),
            "--reason=not reachable from the internet",
            "--expires=" + expires,
            "--format=json");
    long request = asked.json().path("request").asLong();
    assertThat(asked.json().path("status").asText()).isEqualTo("pending");

    refused(cli.as(alice, "risk", "approve", Long.toString(request)), "Forbidden");
    ServerCli.Result approved = cli.ok(bob, "risk", "approve", Long.toString(request));
    assertThat(approved.out().lines().toList())
        .hasSize(2)
        .first()
        .asString()
        .startsWith("FINDING  STATE");
    assertThat(approved.out()).contains("risk_accepted").contains(expires);
    refused(cli.as(bob, "risk", "approve", Long.toString(request)), "Conflict");
    assertThat(
            cli.ok(
                    bob,
                    "findings",
                    "list",
                    "--service=risk-api",
                    "--version=1.0",
                    "--state=risk_accepted")
                .out())
        .contains(ADVISORY);

    ServerCli.Result tooLong =
        cli.as(
            alice,
            "risk",
            "request",
            Long.toString(id),
            "--reason=forever",
            "--expires=" + ts.clock.instant().plus(Duration.ofDays(800)));
    assertThat(tooLong.code()).as(tooLong.all()).isEqualTo(ExitCodes.INPUT);
    assertThat(tooLong.err()).contains("365");
  }

  @Test
  void aVerdictOnAHighServiceWaitsForASecondPerson() throws Exception {
    release("high-api", "high", "high", "1.0", "1.1.0");
    long id = findingOf("high-api", "1.0");
    String alice = cli.mint("alice-high", "security", "high");
    String bob = cli.mint("bob-high", "security", "high");
    ServerCli.Result pending =
        cli.ok(
            alice,
            "findings",
            "transition",
            Long.toString(id),
            "--to=not_affected",
            "--justification=code_not_reachable",
            "--reason=the padding is never called");
    assertThat(pending.out())
        .contains("finding " + id + ": not_affected waits for a second person")
        .contains("bulwark transition-requests approve");
    JsonNode requests =
        cli.ok(alice, "transition-requests", "list", "--status=pending", "--format=json")
            .json()
            .path("requests");
    assertThat(requests).hasSize(1);
    long request = requests.get(0).path("id").asLong();
    ServerCli.Result listed = cli.ok(alice, "transition-requests", "list");
    assertThat(listed.out().lines().findFirst().orElseThrow()).startsWith("ID  FINDING  SERVICE");
    assertThat(listed.out()).contains("high-api").contains("not_affected").contains("pending");

    refused(cli.as(alice, "transition-requests", "approve", Long.toString(request)), "Forbidden");
    ServerCli.Result approved =
        cli.ok(bob, "transition-requests", "approve", Long.toString(request));
    assertThat(approved.out()).contains("approved").contains("not_affected");
    refused(cli.as(bob, "transition-requests", "approve", Long.toString(request)), "Conflict");

    ServerCli.Result fix =
        cli.ok(
            alice,
            "findings",
            "transition",
            Long.toString(id),
            "--to=fixed",
            "--reason=upgraded",
            "--format=json");
    long second = fix.json().path("request").asLong();
    ServerCli.Result rejected =
        cli.ok(
            bob,
            "transition-requests",
            "reject",
            Long.toString(second),
            "--reason=the release still ships 1.1.0");
    assertThat(rejected.out()).contains("rejected");
    assertThat(
            cli.ok(alice, "transition-requests", "list", "--status=rejected", "--format=json")
                .json()
                .path("requests"))
        .hasSize(1);
    ServerCli.Result badStatus = cli.as(alice, "transition-requests", "list", "--status=maybe");
    assertThat(badStatus.code()).as(badStatus.all()).isEqualTo(ExitCodes.INPUT);
  }

  @Test
  void theSlaMatrixAndTheFindingsPastIt() throws Exception {
    ServerCli.Result sla = cli.ok(ADMIN, "sla");
    assertThat(sla.out().lines().findFirst().orElseThrow())
        .isEqualTo("AREA     SEVERITY  CRITICAL  HIGH  MEDIUM  LOW");
    assertThat(sla.out()).contains("backend  critical");
    JsonNode days = cli.ok(ADMIN, "sla", "--format=json").json().path("days");
    int highOnLow = days.path("backend").path("high").path("low").asInt();
    assertThat(highOnLow).isPositive();

    release("late-api", "late", "low", "1.0", "1.1.0");
    String dev = cli.mint("lee", "developer", "late");
    assertThat(cli.ok(dev, "findings", "overdue").out().lines()).hasSize(1);
    ts.clock.advance(Duration.ofDays(highOnLow + 3L));
    ServerCli.Result overdue = cli.ok(dev, "findings", "overdue");
    assertThat(overdue.out().lines().toList()).hasSize(2);
    assertThat(overdue.out()).contains("late-api").contains(ADVISORY).contains("high");
    JsonNode json = cli.ok(dev, "findings", "overdue", "--format=json").json().path("overdue");
    assertThat(json.get(0).path("daysOverdue").asLong()).isEqualTo(3);
    assertThat(cli.ok(ADMIN, "findings", "overdue", "--team=late").out()).contains("late-api");
    assertThat(cli.ok(ADMIN, "findings", "overdue", "--team=nobody").out().lines()).hasSize(1);
  }

  @Test
  void releasesAreCreatedReadAndCompared() throws Exception {
    cli.ok(
        ADMIN, "services", "put", "diff-api", "--team=diff", "--area=backend", "--criticality=low");
    String digest = "sha256:" + "e".repeat(64);
    ServerCli.Result created =
        cli.ok(
            ADMIN,
            "releases",
            "create",
            "--service=diff-api",
            "--version=0.9",
            "--digest=" + digest);
    assertThat(created.out()).startsWith("SERVICE   VERSION  DIGEST").contains(digest);
    refused(
        cli.as(
            ADMIN,
            "releases",
            "create",
            "--service=diff-api",
            "--version=0.9",
            "--digest=sha256:" + "f".repeat(64)),
        "Conflict");

    release("diff-api", "diff", "low", "1.0", "1.1.0");
    release("diff-api", "diff", "low", "2.0", "1.3.0");
    ServerCli.Result components =
        cli.ok(ADMIN, "releases", "components", "--service=diff-api", "--version=2.0");
    assertThat(components.out())
        .startsWith("REF  NAME")
        .contains("pkg:npm/left-pad@1.3.0")
        .contains("extra-2.0");
    assertThat(
            cli.ok(
                    ADMIN,
                    "releases",
                    "components",
                    "--service=diff-api",
                    "--version=2.0",
                    "--format=json")
                .json()
                .path("components"))
        .hasSize(2);
    assertThat(
            cli.ok(ADMIN, "releases", "code-findings", "--service=diff-api", "--version=2.0")
                .out()
                .lines())
        .hasSize(1);

    ServerCli.Result diff = cli.ok(ADMIN, "diff", "--service=diff-api", "--from=1.0", "--to=2.0");
    assertThat(diff.out())
        .startsWith("diff-api 1.0 -> 2.0")
        .contains("~ ")
        .contains("1.1.0 -> 1.3.0")
        .contains("components: 1 added, 1 removed, 1 changed")
        .contains("findings introduced (0): -")
        .contains("findings resolved (1): ");
    JsonNode json =
        cli.ok(ADMIN, "diff", "--service=diff-api", "--from=1.0", "--to=2.0", "--format=json")
            .json();
    assertThat(json.path("findingsResolved")).hasSize(1);
    assertThat(json.path("changed").get(0).path("to").asText()).isEqualTo("1.3.0");
    refused(cli.as(ADMIN, "diff", "--service=diff-api", "--from=0.1", "--to=2.0"), "Not Found");
    refused(
        cli.as(ADMIN, "attestations", "list", "--service=diff-api", "--version=7"), "Not Found");
    assertThat(
            cli.ok(ADMIN, "attestations", "list", "--service=diff-api", "--version=2.0")
                .out()
                .strip())
        .isEqualTo("ID  VERIFIED  PREDICATETYPE  BUILDERID  KEY  REASON");
  }

  @Test
  void webhooksAreAddedListedDeliveredAndRemoved() throws Exception {
    cli.ok(
        ADMIN, "services", "put", "hook-api", "--team=hook", "--area=backend", "--criticality=low");
    String sec = cli.mint("sam-hook", "security", "hook");
    String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    ServerCli.Result added =
        cli.ok(sec, "webhooks", "add", "--url=" + url, "--event=finding.new", "--team=hook");
    assertThat(added.out())
        .startsWith("ID  URL")
        .contains("SECRET")
        .contains(url)
        .contains("whsec_");
    JsonNode list = cli.ok(sec, "webhooks", "list", "--format=json").json().path("webhooks");
    assertThat(list).hasSize(1);
    long id = list.get(0).path("id").asLong();
    assertThat(cli.ok(sec, "webhooks", "list").out()).contains(url).doesNotContain("whsec_");

    ServerCli.Result refusedUrl =
        cli.as(
            sec, "webhooks", "add", "--url=http://10.1.2.3/x", "--event=sla.breach", "--team=hook");
    assertThat(refusedUrl.code()).as(refusedUrl.all()).isEqualTo(ExitCodes.INPUT);
    assertThat(refusedUrl.err()).contains("url");
    refused(
        cli.as(sec, "webhooks", "add", "--url=" + url, "--event=finding.new", "--team=web"),
        "outside your scope");

    release("hook-api", "hook", "low", "1.0", "1.1.0");
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode deliveries;
    do {
      Thread.sleep(50);
      deliveries =
          cli.ok(sec, "webhooks", "deliveries", Long.toString(id), "--format=json")
              .json()
              .path("deliveries");
    } while ((deliveries.isEmpty()
            || !"delivered".equals(deliveries.get(0).path("status").asText()))
        && System.nanoTime() < deadline);
    assertThat(deliveries.get(0).path("event").asText()).isEqualTo("finding.new");
    assertThat(deliveries.get(0).path("status").asText()).isEqualTo("delivered");
    assertThat(received.get()).isPositive();
    ServerCli.Result table = cli.ok(sec, "webhooks", "deliveries", Long.toString(id));
    assertThat(table.out()).startsWith("ID  EVENT").contains("finding.new").contains("2xx");

    ServerCli.Result removed = cli.ok(sec, "webhooks", "remove", Long.toString(id));
    assertThat(removed.out().strip()).isEqualTo("webhook " + id + " removed");
    refused(cli.as(sec, "webhooks", "deliveries", Long.toString(id)), "Not Found");
    refused(cli.as(sec, "webhooks", "remove", Long.toString(id)), "Not Found");
    refused(cli.as(cli.mint("dev-hook", "developer", "hook"), "webhooks", "list"), "Forbidden");
  }

  @Test
  void environmentsAuditPoliciesAndALedgerProof() throws Exception {
    ServerCli.Result envs = cli.ok(ADMIN, "environments");
    assertThat(envs.out().lines().toList())
        .containsExactly("ORDER  ENVIRONMENT", "1      dev", "2      staging", "3      prod");
    assertThat(cli.ok(ADMIN, "environments", "--format=json").json().path("environments"))
        .hasSize(3);

    cli.ok(ADMIN, "services", "put", "aud-api", "--team=aud", "--area=data", "--criticality=low");
    ServerCli.Result audit =
        cli.ok(ADMIN, "audit", "list", "--subject-kind=service", "--subject-id=aud-api");
    assertThat(audit.out().lines().findFirst().orElseThrow())
        .startsWith("INDEX  TIME")
        .contains("ACTOR", "ACTION", "SUBJECT");
    assertThat(audit.out()).contains("service.create").contains("service:aud-api");
    JsonNode events =
        cli.ok(ADMIN, "audit", "list", "--limit=2", "--format=json").json().path("events");
    assertThat(events).hasSize(2);
    assertThat(events.get(0).path("subject").isObject()).isTrue();
    assertThat(cli.as(ADMIN, "audit", "list", "--limit=0").code()).isEqualTo(ExitCodes.INPUT);
    refused(cli.as(cli.mint("dev-aud", "developer", "aud"), "audit", "list"), "Forbidden");

    Path bundle = Files.createDirectories(tmp.resolve("bundle"));
    Files.writeString(
        bundle.resolve("p.yaml"),
        "name: p\nrules:\n  - name: sbom\n    expression: release.sbom\n");
    String alice = cli.mint("alice-pol", "security", "*");
    JsonNode pushed = cli.ok(alice, "policy", "push", bundle.toString(), "--format=json").json();
    long bundleId = pushed.path("id").asLong();
    String digest = pushed.path("digest").asText();
    ServerCli.Result listed = cli.ok(alice, "policy", "list");
    assertThat(listed.out()).startsWith("ID  DIGEST").contains(digest).contains("pending");
    ServerCli.Result files = cli.ok(alice, "policy", "show", Long.toString(bundleId));
    assertThat(files.out().lines().toList())
        .containsExactly("FILE    BYTES", "p.yaml  " + Files.size(bundle.resolve("p.yaml")));
    assertThat(cli.ok(alice, "policy", "show", digest, "--file=p.yaml").out())
        .isEqualTo(Files.readString(bundle.resolve("p.yaml")));
    assertThat(
            cli.ok(alice, "policy", "show", digest, "--format=json")
                .json()
                .path("files")
                .has("p.yaml"))
        .isTrue();
    refused(cli.as(alice, "policy", "show", digest, "--file=q.yaml"), "has no file q.yaml");
    refused(cli.as(alice, "policy", "show", "sha256:" + "0".repeat(64)), "Not Found");
    refused(cli.as(alice, "policy", "show", "999999"), "no policy bundle 999999");

    ts.server.ledgerWriter().awaitCheckpointed(Duration.ofSeconds(20));
    ServerCli.Result proof = cli.ok(ADMIN, "ledger", "prove", "0");
    assertThat(proof.out()).startsWith("entry 0 (").contains("is included in the signed tree");
    assertThat(proof.err()).contains("trusting the server's own key");
    JsonNode json = cli.ok(ADMIN, "ledger", "prove", "1", "--format=json").json();
    assertThat(json.path("included").asBoolean()).isTrue();
    assertThat(json.path("treeSize").asLong()).isGreaterThan(1);
    ServerCli.Result beyond = cli.as(ADMIN, "ledger", "prove", "99999999");
    assertThat(beyond.code()).isEqualTo(ExitCodes.CHECK_FAILED);
    assertThat(beyond.err()).contains("is not in the latest signed checkpoint");
    // Pinned to a key that did not sign the checkpoint: refused before any proof is read.
    String otherKey =
        dev.bulwark.ledger.NoteKey.generate(json.path("origin").asText()).verifier().encoded();
    ServerCli.Result wrongKey = cli.as(ADMIN, "ledger", "prove", "0", "--key=" + otherKey);
    assertThat(wrongKey.code()).as(wrongKey.all()).isEqualTo(ExitCodes.CHECK_FAILED);
    assertThat(wrongKey.err()).contains("the latest checkpoint is refused");
  }
}

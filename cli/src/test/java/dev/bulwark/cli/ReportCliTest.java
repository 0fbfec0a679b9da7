package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.server.http.Json;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** bulwark report evidence against a real server: JSON, HTML, PDF and the attached bundle. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportCliTest {
  TestServer ts;
  @TempDir Path tmp;
  String day;

  record Result(int code, String out, String err) {}

  Result client(String... args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--server=http://127.0.0.1:" + ts.server.port();
    all[args.length + 1] = "--token=" + TestServer.ADMIN;
    return run(all);
  }

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  @BeforeAll
  void start() throws Exception {
    ts = new TestServer(TestDatabases.Kind.SQLITE, Files.createTempDirectory("bulwark-report-cli"));
    var http = ts.http;
    http.put(
        "/api/v1/services/pay-api",
        TestServer.ADMIN,
        Map.of("team", "pay", "area", "backend", "criticality", "high"));
    http.post(
        "/api/v1/services/pay-api/releases",
        TestServer.ADMIN,
        Map.of("version", "1.0", "digest", "sha256:" + "7c".repeat(32)));
    // Pushed by one security lead and approved by another (the admin minted both tokens, so it
    // could approve neither's push).
    String lead1 = ts.tokenFor("lead-1", "security", "*");
    var pushed =
        http.post(
            "/api/v1/policies/bundles",
            lead1,
            Map.of(
                "files",
                Map.of(
                    "named.yaml",
                    """
                    name: named
                    rules:
                      - name: has-name
                        expression: "service.name != ''"
                    """)));
    String lead = ts.tokenFor("lead-2", "security", "*");
    http.post(
        "/api/v1/policies/bundles/" + pushed.json().path("id").asLong() + "/approve",
        lead,
        Map.of());
    Map<String, String> body =
        Map.of("service", "pay-api", "version", "1.0", "environment", "prod");
    assertThat(http.post("/api/v1/gates/evaluate", TestServer.ADMIN, body).text())
        .contains("allow");
    assertThat(http.post("/api/v1/deployments", TestServer.ADMIN, body).status()).isEqualTo(201);
    ts.server.ledgerWriter().awaitCheckpointed(Duration.ofSeconds(20));
    day = ts.clock.instant().toString().substring(0, 10);
  }

  @AfterAll
  void stop() {
    ts.close();
  }

  @Test
  void writesTheReportAsJsonHtmlOrPdfAndTheBundleBesideIt() throws Exception {
    Path json = tmp.resolve("evidence.json");
    Result r =
        client(
            "report",
            "evidence",
            "--from",
            day,
            "--to",
            day,
            "--sample",
            "1",
            "--seed",
            "s",
            "-o",
            json.toString());
    assertThat(r.code()).as(r.err()).isZero();
    var doc = Json.MAPPER.readTree(Files.readAllBytes(json));
    assertThat(doc.path("population").path("count").asInt()).isEqualTo(1);
    assertThat(doc.path("sample").get(0).path("ledger").get(0).path("verified").asBoolean())
        .isTrue();

    Path pdf = tmp.resolve("evidence.pdf");
    Path bundle = tmp.resolve("bundle.json");
    r =
        client(
            "report",
            "evidence",
            "--from",
            day,
            "--to",
            day,
            "--sample",
            "1",
            "--seed",
            "s",
            "-o",
            pdf.toString(),
            "--bundle",
            bundle.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(new String(Files.readAllBytes(pdf), 0, 5, StandardCharsets.US_ASCII))
        .isEqualTo("%PDF-");
    String key = client("ledger", "public-key").out().strip();
    Result verified = run("ledger", "verify-bundle", bundle.toString(), "--key", key);
    assertThat(verified.code()).as(verified.out() + verified.err()).isZero();

    Result html = client("report", "evidence", "--from", day, "--to", day, "--format", "html");
    assertThat(html.code()).as(html.err()).isZero();
    assertThat(html.out()).startsWith("<!DOCTYPE html>").contains("Change evidence: prod");
  }

  @Test
  void badDaysASampleWithoutASeedAndATooLongPeriodAreRefused() {
    assertThat(client("report", "evidence", "--from", "2026-13-01", "--to", day).code())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(client("report", "evidence", "--from", day, "--to", day, "--sample", "2").code())
        .isEqualTo(ExitCodes.USAGE);
    Result tooLong = client("report", "evidence", "--from", "2020-01-01", "--to", "2026-01-01");
    assertThat(tooLong.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(tooLong.err()).contains("report.maxPeriodDays");
    assertThat(client("report", "evidence", "--from", day, "--to", day, "--format", "pdf").code())
        .isEqualTo(ExitCodes.USAGE);
  }
}

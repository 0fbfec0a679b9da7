package dev.bulwark.server.reports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.testing.BrowserTest;
import dev.bulwark.server.testing.Http;
import dev.bulwark.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/**
 * The evidence page in headless Chromium: an auditor asks for a period and a sample through the
 * form and sees the population, the sampled changes with separation of duties and ledger inclusion
 * proofs verified against the signed checkpoint; a role without AUDIT_READ is refused; a period
 * over {@code report.maxPeriodDays} is a clear error (422, as on the API). Writes the "evidence"
 * screenshot when asked for.
 */
class EvidenceBrowserTest extends BrowserTest {
  static final int DAYS = 3;
  static final int MAX_DAYS = 31;
  String auditor;
  String developer;
  String from;
  String to;

  @Override
  protected ServerConfig configure(ServerConfig c) {
    return c.withGates(
            new ServerConfig.GateSettings(List.of("dev", "staging", "prod"), 30, Optional.empty()))
        .withReportMaxPeriodDays(MAX_DAYS);
  }

  @BeforeAll
  void seed() throws Exception {
    Http http = ts.http;
    for (String[] s :
        new String[][] {{"pay-api", "pay", "1.0", "a"}, {"web-app", "web", "2.0", "b"}}) {
      ok(
          http.put(
              "/api/v1/services/" + s[0],
              TestServer.ADMIN,
              Map.of("team", s[1], "area", "backend", "criticality", "high")));
      ok(
          http.post(
              "/api/v1/services/" + s[0] + "/releases",
              TestServer.ADMIN,
              Map.of("version", s[2], "digest", "sha256:" + s[3].repeat(64))));
    }
    String lead = ts.tokenFor("lead-1", "security", "*");
    String lead2 = ts.tokenFor("lead-2", "security", "*");
    Http.Response pushed =
        http.post(
            "/api/v1/policies/bundles",
            lead,
            Map.of(
                "files",
                Map.of(
                    "evidence.yaml",
                    """
                    name: evidence
                    rules:
                      - name: tested
                        expression: "tests.exists(t, t.kind == 'sast')"
                    """)));
    ok(pushed);
    ok(
        http.post(
            "/api/v1/policies/bundles/" + pushed.json().path("id").asLong() + "/approve",
            lead2,
            Map.of()));
    String ciPay = ts.tokenFor("ci-pay", "ci", "pay");
    String ciWeb = ts.tokenFor("ci-web", "ci", "web");
    ok(
        http.send(
            "/api/v1/services/pay-api/releases/1.0/sarif?kind=sast",
            ciPay,
            "POST",
            "application/json",
            """
            {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "semgrep"}}, "results": []}]}
            """
                .getBytes(StandardCharsets.UTF_8)));
    // web-app has no test report: it passes through a waiver asked by one person, approved by
    // another.
    Map<String, Object> ask = new HashMap<>();
    ask.put("service", "web-app");
    ask.put("policy", "evidence");
    ask.put("rule", "tested");
    ask.put("reason", "DAST only this quarter");
    ask.put("expires", ts.clock.instant().plus(Duration.ofDays(25)).toString());
    Http.Response w =
        http.post("/api/v1/waivers", ts.tokenFor("dev-wendy", "developer", "web"), ask);
    ok(w);
    ok(
        http.post(
            "/api/v1/waivers/" + w.json().path("id").asLong() + "/approve",
            ts.tokenFor("sec-walter", "security", "web"),
            Map.of()));
    from = ts.clock.instant().toString().substring(0, 10);
    for (int day = 0; day < DAYS; day++) {
      for (String[] s : new String[][] {{"pay-api", "1.0", ciPay}, {"web-app", "2.0", ciWeb}}) {
        for (String env : List.of("staging", "prod")) {
          Map<String, String> body = Map.of("service", s[0], "version", s[1], "environment", env);
          Http.Response g = http.post("/api/v1/gates/evaluate", s[2], body);
          assertThat(g.json().path("decision").asText()).as(g.text()).isEqualTo("allow");
          ok(http.post("/api/v1/deployments", s[2], body));
        }
      }
      to = ts.clock.instant().toString().substring(0, 10);
      ts.clock.advance(Duration.ofDays(1));
    }
    ts.server.ledgerWriter().awaitCheckpointed(Duration.ofSeconds(20));
    auditor = ts.tokenFor("auditor-carol", "auditor", "pay", "web");
    developer = ts.tokenFor("dev-dana", "developer", "pay");
  }

  static void ok(Http.Response r) {
    assertThat(r.status()).as(r.text()).isBetween(200, 201);
  }

  @AfterEach
  void forgetTheSession() {
    browser.manage().deleteAllCookies();
  }

  /** Fills the form's fields as a person would (date inputs take their value by script). */
  void ask(String fromDay, String toDay, String sample, String seed) {
    go("/reports/evidence");
    JavascriptExecutor js = (JavascriptExecutor) browser;
    js.executeScript("document.getElementById('from').value = arguments[0]", fromDay);
    js.executeScript("document.getElementById('to').value = arguments[0]", toDay);
    WebElement s = browser.findElement(By.id("sample"));
    s.clear();
    s.sendKeys(sample);
    browser.findElement(By.id("seed")).sendKeys(seed);
    WebElement form = browser.findElement(By.id("evidence-form"));
    form.findElement(By.cssSelector("button[type=submit]")).click();
    new org.openqa.selenium.support.ui.WebDriverWait(browser, Duration.ofSeconds(15))
        .until(d -> d.getCurrentUrl().contains("from="));
  }

  @Test
  void anAuditorSeesThePopulationTheSampleSeparationOfDutiesAndLedgerProofs() {
    signIn(auditor);
    ask(from, to, "3", "carol-2026");
    WebElement report = waitFor(By.cssSelector("[data-testid=evidence-report]"));
    String text = report.getText();
    assertThat(text)
        .contains("Population\n" + (2 * DAYS) + " deployments")
        .contains("Sample\n3 of " + (2 * DAYS) + " (asked for 3)")
        .contains("Seed\ncarol-2026")
        .contains("signature verified");
    List<WebElement> changes = report.findElements(By.cssSelector("h3[id^=change-]"));
    assertThat(changes).hasSize(3);
    for (WebElement c : changes) {
      assertThat(c.getText()).matches("[1-3]\\. (pay-api 1\\.0|web-app 2\\.0) to prod");
    }
    assertThat(report.findElements(By.xpath(".//h4[text()='Separation of duties']"))).hasSize(3);
    assertThat(text)
        .contains("Holds: every approval is by a person other than its requester.")
        .contains("policy bundle (global): requested by lead-1, approved by lead-2 (two people)");
    assertThat(report.findElements(By.xpath(".//h4[text()='Ledger inclusion proofs']"))).hasSize(3);
    assertThat(text).contains("verified: included in the signed checkpoint of size");
    assertThat(text).doesNotContain("not verified");
    if (text.contains("web-app 2.0 to prod")) {
      assertThat(text).contains("requested by dev-wendy").contains("approved by sec-walter");
    }
    // The same sample again with the same seed: reproducible.
    String again = report.findElement(By.xpath("(.//h3)[1]")).getText();
    ask(from, to, "3", "carol-2026");
    assertThat(
            waitFor(By.cssSelector("[data-testid=evidence-report]"))
                .findElement(By.xpath("(.//h3)[1]"))
                .getText())
        .isEqualTo(again);
    assertThat(
            browser
                .findElement(By.cssSelector("[data-testid=evidence-pdf]"))
                .getDomAttribute("href"))
        .startsWith("/reports/evidence.pdf?from=" + from);
    // Long digests, proofs and ledger entries wrap: the page is no wider than the window, at
    // 1280 px and on a phone.
    for (int width : new int[] {DESKTOP_WIDTH, PHONE_WIDTH}) {
      browser.manage().window().setSize(new org.openqa.selenium.Dimension(width, 900));
      Object overflow =
          ((JavascriptExecutor) browser)
              .executeScript(
                  "return document.documentElement.scrollWidth"
                      + " - document.documentElement.clientWidth");
      assertThat(((Number) overflow).longValue()).as("overflow at " + width + " px").isZero();
    }
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(DESKTOP_WIDTH, 900));
    ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
    screenshot("evidence");
  }

  @Test
  void aRoleWithoutAuditReadIsRefused() {
    signIn(developer);
    assertThat(browser.findElements(By.cssSelector("nav a[href='/reports/evidence']"))).isEmpty();
    go("/reports/evidence?from=" + from + "&to=" + to);
    assertThat(waitFor(By.cssSelector("[data-testid=error-detail]")).getText())
        .contains("AUDIT_READ");
    assertThat(browser.findElement(By.cssSelector("[data-status]")).getDomAttribute("data-status"))
        .isEqualTo("403");
    assertThat(browser.findElements(By.cssSelector("[data-testid=evidence-report]"))).isEmpty();
  }

  @Test
  void aPeriodOverTheMaximumIsAClearError() {
    signIn(auditor);
    ask("2026-01-01", "2026-12-31", "3", "carol-2026");
    String detail = waitFor(By.cssSelector("[data-testid=error-detail]")).getText();
    assertThat(detail).contains("report.maxPeriodDays").contains(Integer.toString(MAX_DAYS));
    assertThat(browser.findElement(By.cssSelector("[data-status]")).getDomAttribute("data-status"))
        .isEqualTo("422");
    assertThat(browser.findElements(By.cssSelector("[data-testid=evidence-report]"))).isEmpty();
    // The API says the same: 422 with the field named.
    Http.Response api =
        ts.http.get("/api/v1/reports/evidence?from=2026-01-01&to=2026-12-31", auditor);
    assertThat(api.status()).isEqualTo(422);
    assertThat(api.text()).contains("report.maxPeriodDays");
  }
}

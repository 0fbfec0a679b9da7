package dev.bulwark.server.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.testing.BrowserTest;
import dev.bulwark.server.testing.Http;
import dev.bulwark.server.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Markup and script in every stored field a page shows, proved inert in the real DOM of headless
 * Chromium: each hostile string is stored (through the API wherever the API takes it), every page
 * that shows it is visited, and on each the string is there as literal text while no element it
 * would inject exists, no handler it carries has run and no dialog is open. The escaping is the
 * defence under test; the Content-Security-Policy would stop inline script too, so the test looks
 * for injected elements, which the policy does not stop.
 */
class HostileInputBrowserTest extends BrowserTest {
  /** Every hostile value, by the field it is stored in. */
  final Map<String, String> stored = new LinkedHashMap<>();

  String serviceName;
  long gateDecision;

  /** A value for field {@code f}: an element with a handler, and an attribute break-out. */
  static String hostile(String f) {
    return "<img src=x onerror=document.body.dataset.pwned=1 data-injected="
        + f
        + ">\"><script data-injected="
        + f
        + ">alert(1)</script>";
  }

  @Override
  protected ServerConfig configure(ServerConfig c) {
    return PagesFixture.configure(c);
  }

  static Http.Response ok(Http.Response r) {
    assertThat(r.status()).as(r.text()).isBetween(200, 201);
    return r;
  }

  @BeforeAll
  void store() throws Exception {
    Http http = ts.http;
    PagesFixture.put(ts, "hostile-svc", "pay", "critical");
    // SBOM strings: component name, version, purl qualifier, licence, supplier (with a javascript:
    // URL), and the x/sys component that gives the release its finding, with a hostile origin.
    stored.put("component", hostile("component"));
    stored.put("component-version", hostile("component-version"));
    stored.put("licence", hostile("licence"));
    stored.put("supplier", hostile("supplier"));
    // The origin of the finding's component in an image (layer and path, docs/image-sboms.md).
    stored.put("layer", hostile("layer"));
    stored.put("path", hostile("path"));
    String sbom =
        """
        {"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
          {"bom-ref": "h", "type": "library", "name": %s, "version": %s,
           "purl": "pkg:generic/hostile@1.0?note=%%3Cimg%%20data-injected%%3E",
           "licenses": [{"license": {"name": %s}}],
           "supplier": {"name": %s, "url": ["javascript:document.body.dataset.pwned='url'"]}},
          {"bom-ref": "sys", "type": "library", "name": "sys", "version": "%s",
           "purl": "pkg:golang/golang.org/x/sys@%s",
           "properties": [{"name": "syft:location:0:layerID", "value": %s},
                          {"name": "syft:location:0:path", "value": %s}]}]}
        """
            .formatted(
                json(stored.get("component")),
                json(stored.get("component-version")),
                json(stored.get("licence")),
                json(stored.get("supplier")),
                PagesFixture.OLD_SYS,
                PagesFixture.OLD_SYS,
                json(stored.get("layer")),
                json(stored.get("path")));
    PagesFixture.release(ts, "hostile-svc", "1.0", PagesFixture.DIGEST_1, sbom);
    // 1.1 drops the hostile component: the service page's diff of the two releases names it.
    PagesFixture.release(
        ts,
        "hostile-svc",
        "1.1",
        PagesFixture.DIGEST_2,
        PagesFixture.sbom("v1.6.0", PagesFixture.OLD_SYS));

    // Gate messages: a warn rule and a deny rule whose messages are hostile; the deny is waived.
    stored.put("rule-message", hostile("rule-message"));
    stored.put("deny-message", hostile("deny-message"));
    String lead = ts.tokenFor("lead-1", "security", "*");
    String lead2 = ts.tokenFor("lead-2", "security", "*");
    Http.Response bundle =
        ok(
            http.post(
                "/api/v1/policies/bundles",
                lead,
                Map.of(
                    "files",
                    Map.of(
                        "hostile.yaml",
                        """
                        name: hostile
                        rules:
                          - name: warned
                            expression: "false"
                            message: %s
                            action: warn
                          - name: denied
                            expression: "false"
                            message: %s
                            action: deny
                        """
                            .formatted(
                                json(stored.get("rule-message")),
                                json(stored.get("deny-message")))))));
    if (bundle.json().path("status").asText().equals("pending")) {
      ok(
          http.post(
              "/api/v1/policies/bundles/" + bundle.json().path("id").asLong() + "/approve",
              lead2,
              Map.of()));
    }
    // A waiver reason.
    stored.put("waiver-reason", hostile("waiver-reason"));
    Map<String, Object> ask = new HashMap<>();
    ask.put("service", "hostile-svc");
    ask.put("policy", "hostile");
    ask.put("rule", "denied");
    ask.put("reason", stored.get("waiver-reason"));
    ask.put("expires", ts.clock.instant().plus(Duration.ofDays(20)).toString());
    Http.Response w =
        ok(http.post("/api/v1/waivers", ts.tokenFor("dev-a", "developer", "pay"), ask));
    ok(
        http.post(
            "/api/v1/waivers/" + w.json().path("id").asLong() + "/approve",
            ts.tokenFor("sec-b", "security", "pay"),
            Map.of()));
    // A gate decision (allowed through the waiver) and a deployment to prod.
    String ci = ts.tokenFor("ci-bot", "ci", "pay");
    Map<String, String> target =
        Map.of("service", "hostile-svc", "version", "1.0", "environment", "prod");
    Http.Response g = ok(http.post("/api/v1/gates/evaluate", ci, target));
    gateDecision = g.json().path("decisionId").asLong();
    assertThat(gateDecision).as(g.text()).isPositive();
    ok(http.post("/api/v1/deployments", ci, target));
    // A triage reason.
    stored.put("triage-reason", hostile("triage-reason"));
    long finding = -1;
    for (JsonNode f :
        http.get("/api/v1/services/hostile-svc/releases/1.0/findings", TestServer.ADMIN)
            .json()
            .path("findings")) {
      finding = f.path("findingId").asLong();
    }
    assertThat(finding).isPositive();
    ok(
        http.post(
            "/api/v1/findings/" + finding + "/transitions",
            ts.tokenFor("dev-c", "developer", "pay"),
            Map.of("state", "affected", "reason", stored.get("triage-reason"))));
    // A token name.
    stored.put("token-name", hostile("token-name"));
    ok(
        http.post(
            "/api/v1/tokens",
            TestServer.ADMIN,
            Map.of("name", stored.get("token-name"), "role", "auditor", "teams", List.of("pay"))));
    ts.server.ledgerWriter().awaitCheckpointed(Duration.ofSeconds(20));
    // What the API refuses today but stored data can hold (names from before the naming rule,
    // ADR 0009; advisory text as a source sends it): written in the database directly.
    serviceName = "javascript:alert(1)" + hostile("service-name");
    stored.put("service-name", serviceName);
    stored.put("advisory-summary", hostile("advisory-summary"));
    stored.put("team", hostile("team"));
    ts.server
        .database()
        .jdbi()
        .useHandle(
            h -> {
              h.createUpdate(
                      "UPDATE findings SET summary = :s WHERE release_id IN (SELECT r.id FROM"
                          + " releases r JOIN service_records s ON s.id = r.service_id WHERE"
                          + " s.name = 'hostile-svc')")
                  .bind("s", stored.get("advisory-summary"))
                  .execute();
              h.createUpdate(
                      "UPDATE service_records SET name = :n, team = :t WHERE name = 'hostile-svc'")
                  .bind("n", serviceName)
                  .bind("t", stored.get("team"))
                  .execute();
            });
  }

  static String json(String s) {
    return new String(
        dev.bulwark.server.http.Json.write(s), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The pages to visit, and the fields each must show. */
  Map<String, List<String>> pages() {
    String today = ts.clock.instant().toString().substring(0, 10);
    Map<String, List<String>> p = new LinkedHashMap<>();
    p.put("/catalog", List.of("service-name", "team"));
    p.put("/dashboard", List.of());
    p.put(
        dev.bulwark.server.catalog.ServiceLinks.release(serviceName, "1.0") + "&against=1.1",
        List.of("service-name", "advisory-summary", "triage-reason", "component"));
    p.put("/gates", List.of("service-name"));
    p.put("/gates/" + gateDecision, List.of("service-name", "rule-message", "deny-message"));
    p.put("/deployments", List.of("service-name"));
    p.put("/waivers", List.of("service-name", "waiver-reason"));
    p.put("/tokens", List.of("token-name"));
    p.put("/ledger", List.of());
    p.put(
        "/reports/evidence?from=" + today + "&to=" + today + "&environment=prod&sample=5&seed=s",
        List.of("service-name", "waiver-reason", "deny-message"));
    return p;
  }

  @Test
  void everyStoredFieldIsShownAsTextAndNothingInItRuns() {
    signIn(TestServer.ADMIN);
    List<String> failures = new ArrayList<>();
    JavascriptExecutor js = (JavascriptExecutor) browser;
    for (Map.Entry<String, List<String>> page : pages().entrySet()) {
      go(page.getKey());
      waitFor(By.id("main"));
      if (page.getKey().equals("/ledger")) {
        // The ledger page builds its verdict from the entries it fetched (which name the service).
        new WebDriverWait(browser, Duration.ofSeconds(60))
            .until(
                d -> d.findElement(By.id("ledger-verify")).getDomAttribute("data-result") != null);
      }
      String where = page.getKey() + ": ";
      assertThat(browser.findElements(By.cssSelector("[data-testid=error-detail]")))
          .as(where + browser.findElement(By.tagName("body")).getText())
          .isEmpty();
      String text = browser.findElement(By.tagName("body")).getText();
      for (String field : page.getValue()) {
        if (!text.contains(stored.get(field))) {
          failures.add(where + field + " is not shown as its literal text");
        }
      }
      Object injected =
          js.executeScript(
              "return Array.from(document.querySelectorAll('[data-injected]'))"
                  + ".map(e => e.outerHTML).join('\\n')");
      if (!"".equals(injected)) {
        failures.add(where + "injected elements: " + injected);
      }
      Object pwned = js.executeScript("return document.body.dataset.pwned || ''");
      if (!"".equals(pwned)) {
        failures.add(where + "a handler ran: " + pwned);
      }
      Object jsLinks =
          js.executeScript(
              "return Array.from(document.querySelectorAll('a[href], form[action], [src]'))"
                  + ".map(e => e.getAttribute('href') || e.getAttribute('action')"
                  + " || e.getAttribute('src'))"
                  + ".filter(u => /^\\s*javascript:/i.test(u)).join('\\n')");
      if (!"".equals(jsLinks)) {
        failures.add(where + "javascript: links: " + jsLinks);
      }
      assertThatThrownBy(() -> browser.switchTo().alert())
          .as(where + "a dialog is open")
          .isInstanceOf(NoAlertPresentException.class);
    }
    assertThat(failures).isEmpty();
  }
}

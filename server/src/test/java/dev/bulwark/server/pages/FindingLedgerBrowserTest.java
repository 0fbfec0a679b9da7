package dev.bulwark.server.pages;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.testing.BrowserTest;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The inclusion widget on the pages that show ledgered things, in headless Chromium: a developer
 * triages a finding on the service page; an auditor sees that triage's widget say verified, follows
 * it to the ledger page, which verifies the same entry and shows what it says; the widgets of a
 * gate decision, of what runs where and of a waiver reach verified too; and once the test changes
 * the triage's entry in the database, the widget says it is not verified.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FindingLedgerBrowserTest extends BrowserTest {
  static final String REASON = "reachable from the refund path";
  static final String VULN = "GO-2022-0493";

  PagesFixture.People people;
  long finding;

  /** The id the ledger files the finding under: the first of its ids and aliases, sorted. */
  String filedAs;

  long entry;

  @Override
  protected ServerConfig configure(ServerConfig c) {
    return PagesFixture.configure(c);
  }

  @BeforeAll
  void seed() {
    people = PagesFixture.seed(ts);
    JsonNode all =
        ts.http
            .get("/api/v1/services/pay-api/releases/1.0/findings", TestServer.ADMIN)
            .json()
            .path("findings");
    for (JsonNode f : all) {
      if (f.path("id").asText().equals(VULN)) {
        finding = f.path("findingId").asLong();
        java.util.TreeSet<String> ids = new java.util.TreeSet<>(java.util.List.of(VULN));
        f.path("aliases").forEach(a -> ids.add(a.asText()));
        filedAs = ids.first();
      }
    }
    assertThat(finding).as("the fixture has " + VULN + " in pay-api 1.0").isPositive();
  }

  @AfterEach
  void forgetTheSession() {
    browser.manage().deleteAllCookies();
  }

  /** Waits until the widget has written its first verdict, pending or not, and returns its text. */
  String firstVerdictOf(By widget) {
    new WebDriverWait(browser, Duration.ofSeconds(60))
        .ignoring(StaleElementReferenceException.class)
        .until(d -> d.findElement(widget).getDomAttribute("data-ledger-result") != null);
    return browser.findElement(widget).getText();
  }

  /**
   * Waits until the widget has written its verdict, and returns its text. An entry newer than the
   * signed checkpoint reads "pending" until the widget looks again after the next checkpoint; that
   * is waited through.
   */
  String verdictOf(By widget) {
    new WebDriverWait(browser, Duration.ofSeconds(60))
        .ignoring(StaleElementReferenceException.class)
        .until(
            d -> {
              String r = d.findElement(widget).getDomAttribute("data-ledger-result");
              return r != null && !r.equals("pending");
            });
    return browser.findElement(widget).getText();
  }

  void checkpointed() throws InterruptedException {
    ts.server.ledgerWriter().awaitCheckpointed(Duration.ofSeconds(30));
  }

  By triageWidget() {
    return By.cssSelector("#finding-" + finding + " [data-ledger-entry]");
  }

  @Test
  @Order(1)
  void aTriageIsVerifiedOnTheServicePageAndOnTheLedgerPage() throws Exception {
    signIn(people.developer());
    go("/services/pay-api?release=1.0");
    WebElement row = waitFor(By.id("finding-" + finding));
    // Never triaged: nothing of the finding is on the ledger yet, so no widget.
    assertThat(row.findElements(By.cssSelector(".ledger-entry"))).isEmpty();
    new Select(row.findElement(By.name("state"))).selectByValue("affected");
    row.findElement(By.name("reason")).sendKeys(REASON);
    row.findElement(By.cssSelector("form.triage button")).click();
    // Chromium may answer the check on a document being torn down with an inspector error rather
    // than a stale element: ask again.
    new WebDriverWait(browser, Duration.ofSeconds(30))
        .ignoring(org.openqa.selenium.WebDriverException.class)
        .until(ExpectedConditions.stalenessOf(row));
    assertThat(waitFor(By.cssSelector("[data-testid=notice]")).getText())
        .contains("state was changed");
    // A developer may not read the ledger: the page names the entry but offers no check of it.
    WebElement plain = waitFor(By.cssSelector("#finding-" + finding + " .ledger-entry"));
    assertThat(plain.getText()).matches("this triage is entry \\d+ of the ledger");
    assertThat(plain.getDomAttribute("data-ledger-entry")).isNull();
    assertThat(plain.getTagName()).isEqualTo("span");
    signOut();

    checkpointed();
    signIn(people.auditor());
    go("/services/pay-api?release=1.0");
    String said = verdictOf(triageWidget());
    WebElement widget = browser.findElement(triageWidget());
    entry = Long.parseLong(widget.getDomAttribute("data-ledger-entry"));
    assertThat(said)
        .isEqualTo(
            "this triage is entry "
                + String.format(java.util.Locale.ENGLISH, "%,d", entry)
                + " of the ledger: verified");
    assertThat(widget.getDomAttribute("data-ledger-result")).isEqualTo("verified");
    assertThat(widget.getDomAttribute("href")).isEqualTo("/ledger?entry=" + entry);
    // The entry is the triage's own: the ledger's row for that index is about this finding.
    assertThat(entryRow(entry)).contains("\"action\":\"finding.affected\"");
    if (kind() == TestDatabases.Kind.SQLITE) {
      screenshot("triage-verified");
    }

    widget.click();
    waitFor(By.id("ledger-verify"));
    assertThat(currentPath()).isEqualTo("/ledger?entry=" + entry);
    assertThat(verdictOf(By.id("entry-result")))
        .isEqualTo(
            "this record is entry "
                + String.format(java.util.Locale.ENGLISH, "%,d", entry)
                + " of the ledger: verified");
    WebElement content =
        new WebDriverWait(browser, Duration.ofSeconds(30))
            .until(
                ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector("[data-testid=ledger-entry-content]")));
    assertThat(content.getText())
        .contains("\"action\": \"finding.affected\"")
        .contains("\"id\": \"" + finding + "\"")
        .contains("\"vulnerability\": \"" + filedAs + "\"")
        .contains("\"service\": \"pay-api\"")
        .contains("\"index\": " + entry);
  }

  @Test
  @Order(2)
  void aGateDecisionWhatRunsWhereAndAWaiverAreVerified() throws Exception {
    // A waiver requested through the API, so that the waivers page has one to prove.
    var w =
        ts.http.post(
            "/api/v1/waivers",
            people.developer(),
            java.util.Map.of(
                "service",
                "pay-api",
                "policy",
                "sbom",
                "rule",
                "no-unknown",
                "reason",
                "tracked in PAY-7",
                "expires",
                java.time.Instant.now().plus(Duration.ofDays(5)).toString()));
    assertThat(w.status()).as(w.text()).isEqualTo(201);
    // No wait for a checkpoint before the page: the waiver's entry may be newer than the signed
    // checkpoint when the widget first checks it (the test clock stands still, so the writer signs
    // only when asked). Then it says so, and looks again until the server has signed it.
    signIn(people.auditor());
    go("/waivers");
    By request = By.cssSelector("table.waivers [data-ledger-label='this request']");
    String first = firstVerdictOf(request);
    if (browser.findElement(request).getDomAttribute("data-ledger-result").equals("pending")) {
      assertThat(first)
          .startsWith("this request is entry ")
          .contains(" of the ledger: newer than the last signed checkpoint (")
          .endsWith("), not yet provable");
    }
    checkpointed();
    assertThat(verdictOf(request))
        .startsWith("this request is entry ")
        .endsWith(" of the ledger: verified");
    long requestEntry =
        Long.parseLong(browser.findElement(request).getDomAttribute("data-ledger-entry"));
    assertThat(entryRow(requestEntry)).contains("\"action\":\"waiver.request\"");

    go("/gates");
    waitFor(By.cssSelector("table.decisions a[href^='/gates/']")).click();
    By decision = By.cssSelector("dl.facts [data-ledger-entry]");
    assertThat(verdictOf(decision))
        .startsWith("this decision is entry ")
        .endsWith(" of the ledger: verified");
    long decisionEntry =
        Long.parseLong(browser.findElement(decision).getDomAttribute("data-ledger-entry"));
    assertThat(entryRow(decisionEntry)).contains("\"action\":\"gate.decision\"");

    go("/deployments");
    By deployment = By.cssSelector("table.matrix [data-ledger-entry]");
    assertThat(verdictOf(deployment))
        .startsWith("this deployment is entry ")
        .endsWith(" of the ledger: verified");
    long deploymentEntry =
        Long.parseLong(browser.findElement(deployment).getDomAttribute("data-ledger-entry"));
    assertThat(entryRow(deploymentEntry)).contains("\"action\":\"deployment.record\"");
  }

  @Test
  @Order(3)
  void aTriageChangedInTheDatabaseIsNotVerified() throws Exception {
    assertThat(entry).as("the first test found the triage's entry").isPositive();
    ts.testDb
        .db()
        .jdbi()
        .useHandle(
            h ->
                assertThat(
                        h.createUpdate(
                                """
                                UPDATE ledger_entries
                                SET entry = REPLACE(entry, 'finding.affected', 'finding.fixed')
                                WHERE idx = :i
                                """)
                            .bind("i", entry)
                            .execute())
                    .isEqualTo(1));
    signIn(people.auditor());
    go("/services/pay-api?release=1.0");
    assertThat(verdictOf(triageWidget()))
        .startsWith("this triage is entry ")
        .contains("of the ledger: NOT verified");
    assertThat(browser.findElement(triageWidget()).getDomAttribute("data-ledger-result"))
        .isEqualTo("failed");
    go("/ledger?entry=" + entry);
    assertThat(verdictOf(By.id("entry-result"))).contains("NOT verified");
  }

  /** The canonical JSON the ledger holds at an index, read from the database. */
  String entryRow(long index) {
    return ts.testDb
        .db()
        .jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT entry FROM ledger_entries WHERE idx = :i")
                    .bind("i", index)
                    .mapTo(String.class)
                    .one());
  }
}

package dev.bulwark.server.pages;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.testing.BrowserTest;
import dev.bulwark.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The feature pages in headless Chromium: a developer triages a finding on the service page and
 * sees its new state; a page the role may not use is refused; a waiver requested by one person is
 * approved by another. Writes the screenshots of the service page, a gate decision, what runs
 * where, the waivers and the tokens pages when asked for.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServicePageBrowserTest extends BrowserTest {
  PagesFixture.People people;

  @Override
  protected ServerConfig configure(ServerConfig c) {
    return PagesFixture.configure(c);
  }

  @BeforeAll
  void seed() {
    people = PagesFixture.seed(ts);
  }

  /** Each test starts signed out, whatever the one before it left. */
  @AfterEach
  void forgetTheSession() {
    browser.manage().deleteAllCookies();
  }

  private void top() {
    ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
  }

  /**
   * Waits until a click's navigation has replaced the page the element was on. Chromium may answer
   * the check, made while the old document is torn down, with an inspector error instead of a stale
   * element; that is the same answer a moment early, so the wait asks again.
   */
  private void gone(WebElement element) {
    new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(30))
        .ignoring(org.openqa.selenium.WebDriverException.class)
        .until(org.openqa.selenium.support.ui.ExpectedConditions.stalenessOf(element));
  }

  long findingId(String version, String vuln) {
    JsonNode all =
        ts.http
            .get("/api/v1/services/pay-api/releases/" + version + "/findings", TestServer.ADMIN)
            .json()
            .path("findings");
    for (JsonNode f : all) {
      if (f.path("id").asText().equals(vuln)) {
        return f.path("findingId").asLong();
      }
    }
    throw new AssertionError("no finding " + vuln);
  }

  @Test
  @Order(1)
  void aDeveloperTriagesAFindingAndSeesItsNewState() {
    long id = findingId("1.0", "GO-2022-0493");
    signIn(people.developer());
    go("/services/pay-api?release=1.0");
    WebElement row = waitFor(By.id("finding-" + id));
    assertThat(row.findElement(By.cssSelector("td.state")).getText()).startsWith("open");
    new Select(row.findElement(By.name("state"))).selectByValue("affected");
    row.findElement(By.name("reason")).sendKeys("reachable from the payment path");
    row.findElement(By.cssSelector("form.triage button")).click();
    assertThat(waitFor(By.cssSelector("[data-testid=notice]")).getText())
        .contains("state was changed");
    top();
    screenshot("service");
    String state = browser.findElement(By.cssSelector("#finding-" + id + " td.state")).getText();
    assertThat(state).startsWith("affected").contains("reachable from the payment path");
    assertThat(browser.findElement(By.id("vex")).getText()).contains("exploitable");
    signOut();
  }

  @Test
  @Order(2)
  void aPageTheRoleMayNotUseIsRefused() {
    signIn(people.developer());
    go("/tokens");
    assertThat(browser.findElement(By.cssSelector("h1")).getText()).contains("403");
    // Nor is it offered: the navigation shows only what the role may use.
    go("/waivers");
    assertThat(waitFor(By.cssSelector("header.top nav")).getAttribute("textContent"))
        .doesNotContain("Tokens")
        .contains("Waivers");
    signOut();
    signIn(people.auditor());
    go("/services/pay-api?release=1.0");
    waitFor(By.id("findings"));
    assertThat(browser.findElements(By.cssSelector("form.triage"))).isEmpty();
    signOut();
  }

  @Test
  @Order(3)
  void aWaiverRequestedByOnePersonIsApprovedByAnother() {
    signIn(people.developer2());
    go("/waivers?service=pay-api");
    WebElement form = waitFor(By.cssSelector("#request form"));
    form.findElement(By.name("policy")).sendKeys("sbom");
    form.findElement(By.name("rule")).sendKeys("no-unknown");
    form.findElement(By.name("reason")).sendKeys("tracked in PAY-42");
    // A date input takes the date as the browser's locale types it; set the value directly.
    ((org.openqa.selenium.JavascriptExecutor) browser)
        .executeScript("arguments[0].value = '2026-12-20'", form.findElement(By.name("expires")));
    form.findElement(By.cssSelector("button[type=submit]")).click();
    // The click starts a navigation: wait for the new page's table, not the old page's.
    gone(form);
    String fragment = waitFor(By.cssSelector("table.waivers")).getText();
    assertThat(fragment).contains("requested").contains("dev-two");
    // The requester has no approve button: developers may not approve.
    assertThat(browser.findElements(By.cssSelector("form[action$='/approve']"))).isEmpty();
    signOut();

    signIn(people.security());
    go("/waivers");
    WebElement approve = waitFor(By.cssSelector("form[action$='/approve'] button"));
    top();
    screenshot("waivers");
    approve.click();
    gone(approve);
    new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(30))
        .until(
            org.openqa.selenium.support.ui.ExpectedConditions.textToBe(
                By.cssSelector("table.waivers tbody tr td.state"), "approved"));
    WebElement row = waitFor(By.cssSelector("table.waivers tbody tr"));
    assertThat(row.findElement(By.cssSelector("td.state")).getText()).isEqualTo("approved");
    assertThat(row.getText()).contains("dev-two").contains("sam");
    signOut();
  }

  @Test
  @Order(4)
  void gateDecisionsAndWhatRunsWhere() {
    signIn(people.security());
    go("/gates");
    waitFor(By.cssSelector("table.decisions a[href^='/gates/']")).click();
    assertThat(waitFor(By.cssSelector("table.rules")).getText())
        .contains("sbom-required")
        .contains("no-unknown");
    screenshot("gate-decision");
    go("/deployments");
    assertThat(waitFor(By.cssSelector("table.matrix")).getText())
        .contains("pay-api")
        .contains("1.1");
    screenshot("what-runs-where");
    signOut();
    signIn(TestServer.ADMIN);
    go("/tokens");
    waitFor(By.cssSelector("table.tokens"));
    screenshot("tokens");
  }
}

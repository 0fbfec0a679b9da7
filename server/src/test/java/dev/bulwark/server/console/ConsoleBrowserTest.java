package dev.bulwark.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.feature.Feature;
import dev.bulwark.server.feature.FeatureContext;
import dev.bulwark.server.testing.BrowserTest;
import dev.bulwark.server.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;

/**
 * The console in headless Chromium: sign-in and sign-out, the team scope, CSRF and permission
 * refusals, expired, forged and replayed sessions, and markup in stored fields kept inert.
 */
class ConsoleBrowserTest extends BrowserTest {
  String alphaDev;

  @Override
  protected List<Function<FeatureContext, Feature>> extraFeatures() {
    return List.of(
        c ->
            Feature.of(
                "probe",
                List.of(),
                List.of(),
                Optional.empty(),
                List.of(
                    ConsolePage.get(
                        "/probe/admin",
                        Permission.TOKEN_ADMIN,
                        call -> View.download("probe.txt", "text/plain", "admin only")))));
  }

  @BeforeAll
  void services() {
    for (String[] s :
        new String[][] {
          {"checkout-web", "alpha", "website", "critical"},
          {"orders-api", "alpha", "backend", "high"},
          {"payments-api", "alpha", "backend", "medium"},
          {"ledger-db", "beta", "data", "medium"}
        }) {
      var r =
          ts.http.post(
              "/api/v1/services",
              TestServer.ADMIN,
              Map.of("name", s[0], "team", s[1], "area", s[2], "criticality", s[3]));
      assertThat(r.status()).as(r.text()).isEqualTo(201);
    }
    alphaDev = ts.tokenFor("dana@example.org", "developer", "alpha");
  }

  void freshBrowser() {
    browser.manage().deleteAllCookies();
  }

  @Test
  void signInWithATokenSeeOnlyOwnTeamsServicesAndSignOut() {
    freshBrowser();
    go("/");
    assertThat(browser.findElement(By.id("token")).isDisplayed()).isTrue();
    screenshot("sign-in");
    signIn(alphaDev);
    // The first page of the navigation: the dashboard (order 10, docs/console.md).
    assertThat(currentPath()).isEqualTo("/dashboard");
    go("/catalog");
    String table = browser.findElement(By.id("services")).getText();
    assertThat(table).contains("checkout-web").contains("orders-api").doesNotContain("ledger-db");
    assertThat(browser.findElement(By.cssSelector("[data-testid=subject]")).getText())
        .isEqualTo("dana@example.org");
    Cookie session = browser.manage().getCookieNamed("bulwark_session");
    assertThat(session.isHttpOnly()).isTrue();
    assertThat(session.getSameSite()).isEqualTo("Strict");
    assertThat(session.getPath()).isEqualTo("/");
    // The page's script cannot read the session (HttpOnly).
    assertThat((String) ((JavascriptExecutor) browser).executeScript("return document.cookie"))
        .doesNotContain("bulwark_session");
    screenshot("catalog");
    signOut();
    go("/catalog");
    assertThat(currentPath()).startsWith("/sign-in?next=");
  }

  @Test
  void aWrongTokenIsRefusedOnTheForm() {
    freshBrowser();
    go("/sign-in");
    browser.findElement(By.id("token")).sendKeys("bwk_wrong");
    browser.findElement(By.id("sign-in")).click();
    assertThat(waitFor(By.cssSelector("[data-testid=sign-in-error]")).getText())
        .contains("not accepted");
    assertThat(browser.manage().getCookieNamed("bulwark_session")).isNull();
  }

  @Test
  void aFormWithoutItsCsrfTokenIsRefusedAndTheSessionStays() {
    freshBrowser();
    signIn(alphaDev);
    ((JavascriptExecutor) browser)
        .executeScript(
            "for (const i of document.querySelectorAll('input[name=_csrf]')) i.remove();");
    browser.findElement(By.cssSelector("[data-testid=sign-out]")).click();
    assertThat(waitFor(By.cssSelector("[data-testid=error-detail]")).getText())
        .contains("no CSRF token");
    assertThat(browser.findElement(By.cssSelector("[data-status]")).getAttribute("data-status"))
        .isEqualTo("403");
    go("/catalog");
    assertThat(currentPath()).isEqualTo("/catalog"); // still signed in: nothing happened
  }

  @Test
  void aPageWithoutThePermissionIsRefused() {
    freshBrowser();
    signIn(alphaDev);
    go("/probe/admin");
    assertThat(waitFor(By.cssSelector("[data-testid=error-detail]")).getText())
        .contains("TOKEN_ADMIN");
    assertThat(browser.getPageSource()).doesNotContain("admin only");
  }

  @Test
  void anExpiredSessionIsSentToSignInAndBackAfterwards() {
    freshBrowser();
    signIn(alphaDev);
    ts.clock.advance(Duration.ofMinutes(31));
    go("/catalog?team=alpha");
    assertThat(currentPath()).isEqualTo("/sign-in?next=%2Fcatalog%3Fteam%3Dalpha");
    browser.findElement(By.id("token")).sendKeys(alphaDev);
    browser.findElement(By.id("sign-in")).click();
    waitFor(By.id("services"));
    assertThat(currentPath()).isEqualTo("/catalog?team=alpha");
  }

  @Test
  void forgedAndReplayedSessionCookiesAreRefused() {
    freshBrowser();
    signIn(alphaDev);
    Cookie session = browser.manage().getCookieNamed("bulwark_session");
    signOut();
    browser.manage().addCookie(session); // replayed after sign-out
    go("/catalog");
    assertThat(currentPath()).startsWith("/sign-in?next=");
    browser.manage().addCookie(new Cookie("bulwark_session", "A".repeat(43), "/")); // forged
    go("/catalog");
    assertThat(currentPath()).startsWith("/sign-in?next=");
  }

  @Test
  void markupInAServiceNameIsShownAsTextAndNeverRuns() {
    String hostile = "<img src=x onerror=\"document.title='pwned'\"><script>alert(1)</script>";
    ts.server
        .database()
        .jdbi()
        .useHandle(
            h ->
                h.createUpdate("UPDATE service_records SET name = :n WHERE name = 'payments-api'")
                    .bind("n", hostile)
                    .execute());
    try {
      freshBrowser();
      signIn(alphaDev);
      go("/catalog");
      String table = browser.findElement(By.id("services")).getText();
      assertThat(table).contains(hostile);
      assertThat(browser.getTitle()).isNotEqualTo("pwned").contains("Catalog");
      assertThat(browser.findElements(By.cssSelector("#services img"))).isEmpty();
      assertThatThrownBy(() -> browser.switchTo().alert())
          .isInstanceOf(NoAlertPresentException.class);
    } finally {
      ts.server
          .database()
          .jdbi()
          .useHandle(
              h ->
                  h.createUpdate("UPDATE service_records SET name = 'payments-api' WHERE name = :n")
                      .bind("n", hostile)
                      .execute());
    }
  }
}

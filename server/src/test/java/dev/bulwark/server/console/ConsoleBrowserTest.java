package dev.bulwark.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.server.testing.BrowserTest;
import dev.bulwark.server.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** The console in headless Chromium: sign-in, the team scope, markup kept inert, sign-out. */
class ConsoleBrowserTest extends BrowserTest {
  String alphaDev;

  @BeforeAll
  void services() {
    for (String[] s :
        new String[][] {
          {"checkout-web", "alpha", "website", "critical"},
          {"orders-api", "alpha", "backend", "high"},
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

  @Test
  void signInWithATokenSeeOnlyOwnTeamsServicesAndSignOut() {
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
    assertThat(browser.manage().getCookieNamed("bulwark_session").isHttpOnly()).isTrue();
    assertThat(browser.manage().getCookieNamed("bulwark_session").getSameSite())
        .isEqualTo("Strict");
    screenshot("catalog");
    signOut();
    go("/catalog");
    assertThat(currentPath()).startsWith("/sign-in?next=");
  }

  @Test
  void aWrongTokenIsRefusedOnTheForm() {
    go("/sign-in");
    browser.findElement(By.id("token")).sendKeys("bwk_wrong");
    browser.findElement(By.id("sign-in")).click();
    assertThat(waitFor(By.cssSelector("[data-testid=sign-in-error]")).getText())
        .contains("not accepted");
  }
}

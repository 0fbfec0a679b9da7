package dev.bulwark.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.testing.BrowserTest;
import dev.bulwark.server.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The dashboard page in headless Chromium on the demo's history: every chart is an inline SVG next
 * to its table, and a team member sees only their teams' numbers, the same as the API gives them.
 */
class DashboardBrowserTest extends BrowserTest {
  @Override
  protected ServerConfig configure(ServerConfig c) {
    return c.withDemo(true);
  }

  static final List<String> CHARTS =
      List.of(
          "chart-severities",
          "chart-teams",
          "chart-tolerance",
          "chart-remediation",
          "chart-trend",
          "chart-gates");

  @Test
  void aTeamMemberSeesOnlyTheirTeamsNumbers() {
    String finance = ts.tokenFor("fin@example.org", "developer", "finance");
    JsonNode api = ts.http.get("/api/v1/dashboard", finance).json();
    signIn(finance);
    go("/dashboard");
    List<WebElement> rows = browser.findElements(By.cssSelector("#table-teams tbody tr"));
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).getAttribute("data-team")).isEqualTo("finance");
    assertThat(browser.findElement(By.id("open-total")).getText())
        .isEqualTo(api.path("open").path("total").asText());
    String page = browser.findElement(By.id("main")).getText();
    assertThat(page).doesNotContain("shop").doesNotContain("platform").doesNotContain("growth");
    // The tolerance matrix counts only finance's two services.
    long services = 0;
    for (JsonNode c : api.path("tolerance")) {
      services += c.path("services").asLong();
    }
    assertThat(services).isEqualTo(2);
    signOut();
  }

  @Test
  void everyChartIsDrawnWithTheTableBehindIt() {
    signIn(TestServer.ADMIN);
    go("/dashboard");
    for (String id : CHARTS) {
      WebElement svg = browser.findElement(By.id(id));
      assertThat(svg.getTagName()).isEqualTo("svg");
      assertThat(svg.getAttribute("role")).isEqualTo("img");
    }
    for (String id :
        List.of(
            "table-severities",
            "table-teams",
            "table-tolerance",
            "table-remediation",
            "table-trend",
            "table-gates")) {
      assertThat(browser.findElements(By.id(id))).as(id).hasSize(1);
    }
    assertThat(browser.findElements(By.cssSelector("#table-teams tbody tr"))).hasSize(4);
    assertThat(browser.findElements(By.cssSelector("#chart-trend polyline"))).hasSizeGreaterThan(2);
    // No script ran inline and no style attribute was needed: the page's CSP stands.
    assertThat(browser.findElements(By.cssSelector("[style]"))).isEmpty();
    screenshot("dashboard");
    signOut();
  }

  @Test
  void aBadPeriodIsRefused() {
    signIn(TestServer.ADMIN);
    go("/dashboard?days=0");
    assertThat(browser.findElement(By.cssSelector("h1")).getText()).doesNotContain("Dashboard");
    go("/dashboard?days=7");
    assertThat(browser.findElement(By.id("as-of")).getText()).contains("2026-11-21 to 2026-11-27");
    signOut();
  }
}

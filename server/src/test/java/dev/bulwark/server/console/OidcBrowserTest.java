package dev.bulwark.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.testing.BrowserTest;
import dev.bulwark.server.testing.TestOidcProvider;
import dev.bulwark.server.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** OIDC sign-in in headless Chromium, against a provider the test serves on a socket. */
class OidcBrowserTest extends BrowserTest {
  TestOidcProvider idp;

  @Override
  protected ServerConfig configure(ServerConfig c) {
    try {
      idp =
          new TestOidcProvider(
              () -> ts == null ? Instant.parse("2026-11-27T10:00:00Z") : ts.clock.instant());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    idp.signInAs(
        "u-42",
        Map.of(
            "email",
            "olive@example.org",
            "bulwark_role",
            "security",
            "bulwark_teams",
            List.of("beta")));
    return c.withOidc(
            new ServerConfig.Oidc(
                idp.issuer(),
                "bulwark-api",
                URI.create(idp.issuer() + "/jwks"),
                "bulwark_role",
                "bulwark_teams",
                Duration.ofSeconds(30),
                "email"))
        .withConsole(
            new ServerConfig.ConsoleSettings(
                Duration.ofMinutes(30),
                Duration.ofHours(12),
                false,
                Optional.empty(),
                Optional.of(TestOidcProvider.CLIENT_ID),
                Optional.empty()));
  }

  @AfterAll
  void stopProvider() {
    if (idp != null) {
      idp.close();
    }
  }

  @Test
  void signsInWithTheOrganizationsIssuer() {
    for (String[] s : new String[][] {{"alpha-web", "alpha"}, {"beta-db", "beta"}}) {
      assertThat(
              ts.http
                  .post(
                      "/api/v1/services",
                      TestServer.ADMIN,
                      Map.of("name", s[0], "team", s[1], "area", "data", "criticality", "high"))
                  .status())
          .isEqualTo(201);
    }
    go("/");
    browser.findElement(By.id("sign-in-oidc")).click();
    waitFor(By.cssSelector("[data-testid=subject]"));
    // The first page of the navigation the caller may see.
    assertThat(currentPath()).isEqualTo("/dashboard");
    assertThat(browser.findElement(By.cssSelector("[data-testid=subject]")).getText())
        .isEqualTo("olive@example.org");
    go("/catalog");
    String table = browser.findElement(By.id("services")).getText();
    assertThat(table).contains("beta-db").doesNotContain("alpha-web");
    assertThat(idp.lastTokenError).isNull();
    signOut();
    go("/catalog");
    assertThat(currentPath()).startsWith("/sign-in?next=");
  }
}

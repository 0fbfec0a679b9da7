package dev.bulwark.server.testing;

import dev.bulwark.server.config.ServerConfig;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The base of every console test in a real browser: a {@link TestServer} on a real socket and one
 * headless Debian Chromium per test class, driven through chromedriver by Selenium. Without {@code
 * /usr/bin/chromium} and {@code /usr/bin/chromedriver} the class is skipped with a notice, unless
 * {@code BULWARK_TEST_BROWSER=required} (CI), which makes that a failure.
 *
 * <p>Chromium runs with a fresh profile and without anything that calls home (the test machines
 * have no route to the browser vendor's services).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BrowserTest {
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  public static final int DESKTOP_WIDTH = 1280;
  public static final int PHONE_WIDTH = 390;

  protected TestServer ts;
  protected ChromeDriver browser;
  protected String base;
  private Path profile;

  /** The database the server runs on; override for PostgreSQL. */
  protected TestDatabases.Kind kind() {
    return TestDatabases.Kind.SQLITE;
  }

  /** Settings of the server beyond {@link TestServer}'s; override to change them. */
  protected ServerConfig configure(ServerConfig c) {
    return c;
  }

  /** Test-only features the server also runs (docs/adding-a-feature.md); none by default. */
  protected java.util.List<
          java.util.function.Function<
              dev.bulwark.server.feature.FeatureContext, dev.bulwark.server.feature.Feature>>
      extraFeatures() {
    return java.util.List.of();
  }

  @BeforeAll
  void startServerAndBrowser() throws IOException {
    requireBrowser();
    ts =
        new TestServer(
            kind(), Files.createTempDirectory("bulwark-browser"), this::configure, extraFeatures());
    base = "http://127.0.0.1:" + ts.server.port();
    profile = Files.createTempDirectory("bulwark-chromium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-dev-shm-usage",
        "--window-size=" + DESKTOP_WIDTH + ",900",
        "--user-data-dir=" + profile.toAbsolutePath());
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
    browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
  }

  @AfterAll
  void stopBrowserAndServer() throws IOException {
    if (browser != null) {
      browser.quit();
    }
    if (ts != null) {
      ts.close();
    }
    if (profile != null) {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Skips (or, when required, fails) when Chromium or its driver is not installed. */
  public static void requireBrowser() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (present) {
      return;
    }
    String why =
        "Chromium browser tests need "
            + CHROMIUM
            + " and "
            + CHROMEDRIVER
            + " (apt-get install chromium chromium-driver)";
    if ("required".equals(System.getenv("BULWARK_TEST_BROWSER"))) {
      throw new AssertionError(why + "; BULWARK_TEST_BROWSER=required");
    }
    System.err.println("SKIPPED: " + why);
    Assumptions.abort(why);
  }

  /** Opens a path of the server and waits for the page. */
  protected void go(String path) {
    browser.get(base + path);
  }

  /** Signs in through the form with an API token and waits until the console shows who it is. */
  protected void signIn(String token) {
    go("/sign-in");
    browser.findElement(By.id("token")).sendKeys(token);
    browser.findElement(By.id("sign-in")).click();
    waitFor(By.cssSelector("[data-testid=subject]"));
  }

  /** Signs out with the header's button and waits for the sign-in page. */
  protected void signOut() {
    browser.findElement(By.cssSelector("[data-testid=sign-out]")).click();
    waitFor(By.id("token"));
  }

  /**
   * Waits for an element; on a timeout the failure shows where the browser is and what it shows.
   */
  protected WebElement waitFor(By by) {
    try {
      return new WebDriverWait(browser, Duration.ofSeconds(15))
          .until(ExpectedConditions.presenceOfElementLocated(by));
    } catch (org.openqa.selenium.TimeoutException e) {
      throw new AssertionError(
          "no "
              + by
              + " at "
              + browser.getCurrentUrl()
              + "; the page shows:\n"
              + browser.findElement(By.tagName("body")).getText(),
          e);
    }
  }

  /** The path (and query) the browser is at. */
  protected String currentPath() {
    return browser.getCurrentUrl().substring(base.length());
  }

  /** True when screenshots are asked for: {@code -Dbulwark.screenshots=true} or the variable. */
  public static boolean screenshotsWanted() {
    return Boolean.getBoolean("bulwark.screenshots")
        || "true".equals(System.getenv("BULWARK_SCREENSHOTS"));
  }

  /**
   * Writes the current page to {@code docs/screenshots/NAME.png} (1280 px wide) and {@code
   * NAME-phone.png} (390 px), when asked for ({@link #screenshotsWanted}); the height is the
   * page's, up to 2,000 px. The window is back at desktop width afterwards.
   */
  protected void screenshot(String name) {
    if (!screenshotsWanted()) {
      return;
    }
    if (!name.matches("[a-z0-9-]+")) {
      throw new IllegalArgumentException("a screenshot name is [a-z0-9-]+: " + name);
    }
    Path dir = Path.of("..", "docs", "screenshots");
    try {
      Files.createDirectories(dir);
      shoot(browser, DESKTOP_WIDTH, dir.resolve(name + ".png"));
      shoot(browser, PHONE_WIDTH, dir.resolve(name + "-phone.png"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      browser.manage().window().setSize(new Dimension(DESKTOP_WIDTH, 900));
    }
  }

  private static void shoot(WebDriver browser, int width, Path file) throws IOException {
    browser.manage().window().setSize(new Dimension(width, 900));
    long height =
        (Long)
            ((JavascriptExecutor) browser)
                .executeScript("return document.documentElement.scrollHeight");
    browser.manage().window().setSize(new Dimension(width, (int) Math.min(2000, height)));
    Files.write(file, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }
}

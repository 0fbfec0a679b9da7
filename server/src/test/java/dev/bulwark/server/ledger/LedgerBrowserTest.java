package dev.bulwark.server.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.ledger.Hashes;
import dev.bulwark.ledger.InMemoryTree;
import dev.bulwark.ledger.LedgerEntry;
import dev.bulwark.ledger.MerkleTree;
import dev.bulwark.server.testing.BrowserTest;
import dev.bulwark.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The ledger verified in real headless Chromium: the page's own JavaScript (WebCrypto) says the
 * ledger is intact, and broken once the test changes an entry in the database; the inclusion widget
 * proves one entry; and the JavaScript computes the same roots and proofs as the Java
 * implementation (engine-ledger, the oracle) for the same entries. On {@link BrowserTest}: skips
 * with a notice where Chromium or its driver is missing, unless {@code
 * BULWARK_TEST_BROWSER=required}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LedgerBrowserTest extends BrowserTest {
  @BeforeAll
  void seedAndSignIn() throws Exception {
    for (int i = 0; i < 12; i++) {
      ts.http.put(
          "/api/v1/services/svc-" + i,
          TestServer.ADMIN,
          Map.of("team", "t" + (i % 3), "area", "backend", "criticality", "high"));
    }
    ts.server.ledgerWriter().awaitCheckpointed(Duration.ofSeconds(20));
    signIn(ts.tokenFor("auditor-ann", "auditor", "t0"));
  }

  String verdict(String path) {
    go(path);
    new WebDriverWait(browser, Duration.ofSeconds(60))
        .until(d -> d.findElement(By.id("ledger-verify")).getDomAttribute("data-result") != null);
    return browser.findElement(By.cssSelector("[data-testid=ledger-verdict]")).getText();
  }

  String widget(long index) {
    go("/ledger?entry=" + index);
    new WebDriverWait(browser, Duration.ofSeconds(60))
        .until(
            d ->
                d.findElement(By.id("entry-result")).getDomAttribute("data-ledger-result") != null);
    return browser.findElement(By.id("entry-result")).getText();
  }

  @Test
  @Order(1)
  void theBrowserSaysTheLedgerIsIntactAndProvesAnEntry() {
    assertThat(verdict("/ledger")).startsWith("The ledger is intact: all ");
    assertThat(browser.findElement(By.id("ledger-verify")).getDomAttribute("data-result"))
        .isEqualTo("intact");
    assertThat(widget(3)).isEqualTo("this record is entry 3 of the ledger: verified");
    screenshot("ledger");
  }

  /** The page and its scripts run under the console's strict CSP: no inline script anywhere. */
  @Test
  @Order(2)
  void thePageHasNoInlineScript() {
    go("/ledger");
    for (var s : browser.findElements(By.tagName("script"))) {
      assertThat(s.getDomAttribute("src")).as("every script is a file").isNotBlank();
    }
  }

  /** The JavaScript against engine-ledger: same leaves, same roots, proofs accepted both ways. */
  @Test
  @Order(3)
  void theJavaScriptComputesWhatTheJavaImplementationComputes() {
    go("/ledger");
    Random random = new Random(16);
    List<String> canonical = new ArrayList<>();
    InMemoryTree tree = new InMemoryTree();
    for (int i = 0; i < 77; i++) {
      String name = "svc-" + i + (i % 5 == 0 ? "-\u00e9\u4e2d\ud83d\ude00\"\\\n" : "");
      LedgerEntry e =
          new LedgerEntry(
              i,
              Instant.ofEpochMilli(1_700_000_000_000L + random.nextInt(1_000_000)),
              "token:tok_" + random.nextInt(1000),
              "service.update",
              Map.of("kind", "service", "id", name, "team", "t" + i % 3),
              "req-" + i,
              null,
              "sha256:" + "ab".repeat(32));
      String c = new String(e.canonicalBytes(), StandardCharsets.UTF_8);
      canonical.add(c);
      tree.append(Hashes.leaf(e.canonicalBytes()));
    }
    List<String> javaRoots = new ArrayList<>();
    for (int n = 1; n <= canonical.size(); n++) {
      javaRoots.add(Hashes.hex(tree.root(n)));
    }
    @SuppressWarnings("unchecked")
    List<String> jsRoots =
        (List<String>)
            ((JavascriptExecutor) browser)
                .executeAsyncScript(
                    """
                    const done = arguments[arguments.length - 1];
                    import("/static/ledger-verify.js").then(async (L) => {
                      const leaves = await Promise.all(arguments[0].map(L.leafHash));
                      const roots = [];
                      for (let n = 1; n <= leaves.length; n++) {
                        roots.push(L.hex(await L.merkleRoot(leaves.slice(0, n))));
                      }
                      done(roots);
                    }).catch((e) => done(["error " + e]));
                    """,
                    canonical);
    assertThat(jsRoots).isEqualTo(javaRoots);
    // Java's proofs verify in JavaScript; a proof for the wrong index does not.
    List<Object> cases = new ArrayList<>();
    for (long index : new long[] {0, 1, 31, 32, 63, 64, 76}) {
      List<String> proof = new ArrayList<>();
      for (byte[] h : MerkleTree.inclusionProof(tree, index, 77)) {
        proof.add(Hashes.hex(h));
      }
      cases.add(Map.of("index", index, "proof", proof, "wrong", false));
      cases.add(Map.of("index", (index + 1) % 77, "proof", proof, "wrong", true));
    }
    @SuppressWarnings("unchecked")
    List<Boolean> ok =
        (List<Boolean>)
            ((JavascriptExecutor) browser)
                .executeAsyncScript(
                    """
                    const done = arguments[arguments.length - 1];
                    const [canonical, cases, rootHex] = arguments;
                    import("/static/ledger-verify.js").then(async (L) => {
                      const root = L.fromHex(rootHex);
                      const out = [];
                      for (const c of cases) {
                        const i = Number(c.index);
                        const leaf = await L.leafHash(canonical[c.wrong ? (i + 76) % 77 : i]);
                        out.push(await L.verifyInclusion(leaf, i, 77, c.proof.map(L.fromHex), root));
                      }
                      done(out);
                    }).catch((e) => done(["error " + e]));
                    """,
                    canonical, cases, Hashes.hex(tree.root(77)));
    for (int i = 0; i < ok.size(); i++) {
      @SuppressWarnings("unchecked")
      boolean wrong = (Boolean) ((Map<String, Object>) cases.get(i)).get("wrong");
      assertThat(ok.get(i)).as("case " + cases.get(i)).isEqualTo(!wrong);
    }
  }

  @Test
  @Order(4)
  void anEntryChangedInTheDatabaseIsReportedBroken() throws Exception {
    ts.testDb
        .db()
        .jdbi()
        .useHandle(
            h -> {
              try (var st =
                  h.getConnection()
                      .prepareStatement(
                          "UPDATE ledger_entries SET entry = REPLACE(entry, 'svc-5', 'svc-X')"
                              + " WHERE subject_id = 'svc-5'")) {
                assertThat(st.executeUpdate()).isPositive();
              }
            });
    String v = verdict("/ledger");
    assertThat(v).startsWith("The ledger is BROKEN: ");
    assertThat(browser.findElement(By.id("ledger-verify")).getDomAttribute("data-result"))
        .isEqualTo("broken");
    long tampered =
        ts.testDb
            .db()
            .jdbi()
            .withHandle(
                h -> {
                  try (var st =
                          h.getConnection()
                              .prepareStatement(
                                  "SELECT MIN(idx) FROM ledger_entries WHERE subject_id = 'svc-5'");
                      var rs = st.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                  }
                });
    assertThat(widget(tampered)).contains("NOT verified");
    assertThat(widget(0)).endsWith("verified");
  }
}

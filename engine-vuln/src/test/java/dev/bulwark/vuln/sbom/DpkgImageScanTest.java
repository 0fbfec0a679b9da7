package dev.bulwark.vuln.sbom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bulwark.vuln.match.AdvisoryIndex;
import dev.bulwark.vuln.match.ScanResult;
import dev.bulwark.vuln.match.Scanner;
import dev.bulwark.vuln.osv.Advisory;
import dev.bulwark.vuln.osv.OsvLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real SBOM of the machine the test runs on: its Debian packages as {@code dpkg-query} lists them
 * and its {@code /etc/os-release}, built into CycloneDX by {@link DpkgSbom}, written to a file,
 * parsed back and scanned with two Debian advisories. Skipped, with a notice, where there is no
 * dpkg-query (CI runs on Debian, where it is).
 */
class DpkgImageScanTest {
  static String output;
  static DpkgSbom.Distro distro;

  @BeforeAll
  static void query() throws Exception {
    Path osRelease = Path.of("/etc/os-release");
    Process p;
    try {
      p =
          new ProcessBuilder("dpkg-query", "-W", "-f=" + DpkgSbom.QUERY_FORMAT)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      System.err.println("SKIPPED DpkgImageScanTest: no dpkg-query on this machine (" + e + ")");
      return;
    }
    output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("dpkg-query exit status").isZero();
    distro = DpkgSbom.osRelease(Files.readString(osRelease));
  }

  static void requireDpkg() {
    if (output == null) {
      System.err.println("SKIPPED: dpkg-query is not installed here");
    }
    assumeTrue(output != null, "dpkg-query is not installed here");
  }

  @Test
  void everyInstalledPackageIsInTheSbomWithItsSourceAndStatusFile(@TempDir Path dir)
      throws Exception {
    requireDpkg();
    DpkgSbom.Listing listing = DpkgSbom.read("dpkg-query", output);
    long lines = output.lines().filter(l -> !l.isBlank()).count();
    assertThat(listing.packages().size() + listing.notInstalled()).isEqualTo((int) lines);
    assertThat(listing.packages()).isNotEmpty();

    String doc = DpkgSbom.cycloneDx(listing, distro, "test", Instant.EPOCH, new UUID(0, 1));
    var errors =
        new org.cyclonedx.parsers.JsonParser()
            .validate(doc.getBytes(StandardCharsets.UTF_8), org.cyclonedx.Version.VERSION_16);
    assertThat(errors).as("%s", errors).isEmpty();
    Path file = dir.resolve("host.cdx.json");
    Files.writeString(file, doc);

    Sbom sbom = SbomParser.parse(file);
    assertThat(sbom.components()).hasSize(listing.packages().size());
    assertThat(sbom.components())
        .allSatisfy(
            c -> {
              assertThat(c.purl()).startsWith("pkg:deb/" + distro.id() + "/");
              assertThat(c.purl()).contains("distro=" + distro.qualifier());
              assertThat(c.origin().packageType()).isEqualTo("deb");
              assertThat(c.origin().sourceRecorded()).isTrue();
              assertThat(c.origin().sourceName()).isNotBlank();
              assertThat(c.origin().locations())
                  .containsExactly(new Component.Location(null, DpkgSbom.STATUS_FILE));
            });
    Map<String, DpkgSbom.Entry> byName =
        listing.packages().stream()
            .collect(Collectors.toMap(e -> e.name() + ":" + e.architecture(), Function.identity()));
    for (Component c : sbom.components()) {
      DpkgSbom.Entry e = byName.get(c.name() + ":" + DpkgSbom.architectureOf(c.purl()));
      assertThat(e).as(c.purl()).isNotNull();
      assertThat(c.version()).isEqualTo(e.version());
      assertThat(c.origin().sourceName()).isEqualTo(e.source());
      assertThat(c.origin().sourceVersion()).isEqualTo(e.sourceVersion());
    }
  }

  @Test
  void theScanAccountsForEveryPackageAndMatchesTheDebianRecords(@TempDir Path dir)
      throws Exception {
    requireDpkg();
    DpkgSbom.Listing listing = DpkgSbom.read("dpkg-query", output);
    Path file = dir.resolve("host.cdx.json");
    Files.writeString(
        file, DpkgSbom.cycloneDx(listing, distro, "test", Instant.EPOCH, new UUID(0, 1)));
    Sbom sbom = SbomParser.parse(file);

    List<Advisory> advisories = new ArrayList<>();
    OsvLoader.load(
        Path.of(DpkgImageScanTest.class.getResource("/image-sbom/debian").toURI()), advisories);
    ScanResult r = new Scanner(AdvisoryIndex.build(advisories)).scan(sbom);

    assertThat(r.componentCount()).isEqualTo(sbom.components().size());
    assertThat(r.typeConflicts()).isEmpty();
    assertThat(r.notCovered()).isEmpty();
    // Every Debian version of the machine parses: none is left unchecked.
    assertThat(r.unmatched()).as("%s", r.unmatched()).isEmpty();
    if (distro.id().equals("debian")) {
      Component apt =
          sbom.components().stream().filter(c -> c.name().equals("apt")).findFirst().orElse(null);
      if (apt != null) {
        assertThat(r.vulnerable())
            .filteredOn(v -> v.component().equals(apt))
            .singleElement()
            .satisfies(
                v -> {
                  assertThat(v.findings())
                      .extracting(ScanResult.Finding::id)
                      .contains("DEBIAN-CVE-2011-3374");
                  assertThat(v.component().origin().locations().get(0).path())
                      .isEqualTo("/var/lib/dpkg/status");
                });
      }
      Comparable<Object> fix = debian("7.88.1-10+deb12u4");
      for (Component curl : sbom.components()) {
        if (curl.name().equals("curl")) {
          boolean fixed = debian(curl.version()).compareTo(fix) >= 0;
          assertThat(r.vulnerable().stream().anyMatch(v -> v.component().equals(curl)))
              .as(curl.purl())
              .isEqualTo(!fixed);
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  static Comparable<Object> debian(String version) throws Exception {
    return dev.bulwark.vuln.version.Ecosystem.DEBIAN.scheme().parse(version);
  }
}

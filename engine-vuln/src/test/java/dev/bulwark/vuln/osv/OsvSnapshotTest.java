package dev.bulwark.vuln.osv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.vuln.match.AdvisoryIndex;
import dev.bulwark.vuln.match.PackageRef;
import dev.bulwark.vuln.match.ScanResult;
import dev.bulwark.vuln.match.Scanner;
import dev.bulwark.vuln.sbom.Sbom;
import dev.bulwark.vuln.sbom.SbomParser;
import dev.bulwark.vuln.version.Ecosystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A scan through a snapshot finds exactly what a scan over every record finds. */
class OsvSnapshotTest {
  @TempDir Path dir;

  static Path resource(String p) throws Exception {
    return Path.of(OsvSnapshotTest.class.getResource("/" + p).toURI());
  }

  @Test
  void selectiveReadsGiveTheSameFindingsAsAFullLoad() throws Exception {
    List<Path> sources = List.of(resource("osv/go"), resource("osv/crates"));
    // One extra record links two real records' groups only through an alias, and names a package
    // that the SBOM does not have: grouping must still see it.
    Path extra = Files.createDirectories(dir.resolve("extra"));
    Files.writeString(
        extra.resolve("LINK-1.json"),
        "{\"id\": \"LINK-1\", \"aliases\": [\"CVE-2023-22466\", \"CVE-2017-18587\"], \"affected\": [{\"package\": {\"ecosystem\": \"npm\", \"name\": \"elsewhere\"}}]}");
    List<Path> all = List.of(sources.get(0), sources.get(1), extra);
    Sbom sbom = SbomParser.parse(resource("golden/app.cdx.json"));
    ScanResult full = new Scanner(AdvisoryIndex.build(OsvLoader.load(all))).scan(sbom);

    Set<PackageRef> wanted = new HashSet<>();
    Set<Long> hashes = new HashSet<>();
    sbom.components()
        .forEach(
            c -> {
              if (c.purl() != null
                  && PackageRef.fromPurl(c.purl()) instanceof PackageRef.Parsed.Ok ok) {
                wanted.add(ok.ref());
                hashes.add(OsvSnapshot.packageHash(ok.ref().ecosystem(), ok.ref().name()));
              }
            });
    BiPredicate<String, String> exact =
        (eco, name) ->
            Ecosystem.fromOsv(eco).map(e -> wanted.contains(PackageRef.of(e, name))).orElse(false);
    Path file = dir.resolve("cache/osv.snapshot");
    OsvSnapshot.write(all, file);
    OsvSnapshot.Selected sel = OsvSnapshot.read(file, hashes, exact).orElseThrow();
    assertThat(sel.records()).isEqualTo(10);
    assertThat(sel.withdrawn()).isEqualTo(1);
    assertThat(sel.advisories())
        .extracting(Advisory::id)
        .containsExactlyInAnyOrder("RUSTSEC-2017-0002", "RUSTSEC-2018-0003", "RUSTSEC-2023-0001");
    ScanResult viaSnapshot =
        new Scanner(AdvisoryIndex.build(sel.advisories(), sel.links(), sel.ecosystems()))
            .scan(sbom);
    assertThat(viaSnapshot).isEqualTo(full);

    OsvLoader.Selection selected = OsvLoader.loadSelected(all, exact);
    assertThat(
            new Scanner(
                    AdvisoryIndex.build(
                        selected.advisories(), selected.links(), selected.ecosystems()))
                .scan(sbom))
        .isEqualTo(full);
    assertThat(sel.ecosystems()).containsExactlyInAnyOrder("Go", "crates.io", "npm");
    assertThat(selected.ecosystems()).isEqualTo(sel.ecosystems());
    // The link record joined tokio's and hyper's advisories into one group.
    ScanResult.Finding tokio =
        full.vulnerable().stream()
            .filter(v -> v.component().ref().equals("tokio"))
            .findFirst()
            .orElseThrow()
            .findings()
            .get(0);
    assertThat(tokio.aliases()).contains("LINK-1", "CVE-2017-18587");
    // RUSTSEC-2023-0001 carries no severity: the group's other record rates it, and says so.
    assertThat(tokio.severityFrom()).isEqualTo("RUSTSEC-2017-0002");
    assertThat(tokio.severityByAlias()).isTrue();
  }

  @Test
  void somethingElseIsNotASnapshot() throws Exception {
    Path junk = dir.resolve("junk.snapshot");
    Files.writeString(junk, "not a snapshot at all");
    assertThat(OsvSnapshot.read(junk, Set.of(1L), (a, b) -> true)).isEmpty();
  }
}

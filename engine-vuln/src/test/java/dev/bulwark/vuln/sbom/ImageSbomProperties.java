package dev.bulwark.vuln.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.packageurl.PackageURL;
import dev.bulwark.vuln.match.AdvisoryIndex;
import dev.bulwark.vuln.match.ScanResult;
import dev.bulwark.vuln.match.Scanner;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of image SBOMs: what {@link DpkgSbom} writes reads back unchanged (names, versions
 * with epochs, {@code +} and {@code ~}, source packages), its purls read the same with
 * packageurl-java, and a scan accounts for every component, reporting exactly the type conflicts
 * {@link PackageTypes} defines.
 */
class ImageSbomProperties {
  @Provide
  Arbitrary<DpkgSbom.Entry> entries() {
    Arbitrary<String> name =
        Arbitraries.strings()
            .withChars("abcdefghijklmnopqrstuvwxyz0123456789+-.")
            .ofMinLength(1)
            .ofMaxLength(20)
            .filter(s -> Character.isLetterOrDigit(s.charAt(0)));
    Arbitrary<String> upstream =
        Arbitraries.strings()
            .withChars("0123456789.+~abc")
            .ofMinLength(1)
            .ofMaxLength(12)
            .filter(s -> Character.isDigit(s.charAt(0)));
    Arbitrary<String> version =
        Combinators.combine(
                Arbitraries.integers().between(0, 3),
                upstream,
                Arbitraries.strings().withChars("0123456789.+~deb").ofMaxLength(10))
            .as((e, u, r) -> (e == 0 ? "" : e + ":") + u + (r.isEmpty() ? "" : "-" + r));
    return Combinators.combine(
            name,
            version,
            Arbitraries.of("amd64", "all", "arm64"),
            name.injectNull(0.5),
            version.injectNull(0.7))
        .as(
            (n, v, a, s, sv) ->
                new DpkgSbom.Entry(
                    n, v, a, s == null ? n : s, sv == null || sv.equals(v) ? null : sv));
  }

  @Property(tries = 200)
  void whatTheDpkgBuilderWritesReadsBack(
      @ForAll @net.jqwik.api.constraints.Size(max = 30)
          List<DpkgSbom.@net.jqwik.api.From("entries") Entry> entries)
      throws Exception {
    // One component per name and architecture, as dpkg has.
    List<DpkgSbom.Entry> unique = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (DpkgSbom.Entry e : entries) {
      if (seen.add(e.name() + ":" + e.architecture())) {
        unique.add(e);
      }
    }
    DpkgSbom.Distro distro = new DpkgSbom.Distro("debian", "12");
    String doc =
        DpkgSbom.cycloneDx(
            new DpkgSbom.Listing(unique, 0), distro, "p", Instant.EPOCH, new UUID(0, 1));
    Sbom sbom =
        SbomParser.parse("p", new ByteArrayInputStream(doc.getBytes(StandardCharsets.UTF_8)));
    assertThat(sbom.components()).hasSize(unique.size());
    for (int i = 0; i < unique.size(); i++) {
      DpkgSbom.Entry e = unique.get(i);
      Component c = sbom.components().get(i);
      assertThat(c.name()).isEqualTo(e.name());
      assertThat(c.version()).isEqualTo(e.version());
      assertThat(c.origin().sourceName()).isEqualTo(e.source());
      assertThat(c.origin().sourceVersion()).isEqualTo(e.sourceVersion());
      PackageURL purl = new PackageURL(c.purl());
      assertThat(purl.getType()).isEqualTo("deb");
      assertThat(purl.getName()).isEqualTo(e.name());
      assertThat(purl.getVersion()).isEqualTo(e.version());
      assertThat(purl.getQualifiers()).containsEntry("distro", "debian-12");
      String upstream = purl.getQualifiers() == null ? null : purl.getQualifiers().get("upstream");
      if (!e.source().equals(e.name()) || e.sourceVersion() != null) {
        assertThat(upstream)
            .isEqualTo(e.source() + (e.sourceVersion() == null ? "" : "@" + e.sourceVersion()));
      } else {
        assertThat(upstream).isNull();
      }
    }
  }

  @Provide
  Arbitrary<Component> components() {
    Arbitrary<String> packageType =
        Arbitraries.of(
                "deb",
                "rpm",
                "apk",
                "npm",
                "python",
                "go-module",
                "java-archive",
                "debian",
                "alpine",
                "node-pkg",
                "jar",
                "binary",
                "nix",
                "gemspec")
            .injectNull(0.3);
    Arbitrary<String> purl =
        Arbitraries.of(
                "pkg:deb/debian/x@1.0-1?distro=debian-12",
                "pkg:rpm/redhat/x@1.0-1",
                "pkg:apk/alpine/x@1.0-r0",
                "pkg:npm/x@1.0.0",
                "pkg:pypi/x@1.0",
                "pkg:golang/example.com/x@v1.0.0",
                "pkg:maven/g/x@1.0",
                "pkg:gem/x@1.0",
                "pkg:generic/x@1.0",
                "pkg:/broken",
                "not a purl")
            .injectNull(0.15);
    return Combinators.combine(packageType, purl)
        .as(
            (t, p) ->
                new Component(
                    "r",
                    "x",
                    "1.0",
                    p,
                    t == null
                        ? Component.Origin.NONE
                        : new Component.Origin(null, null, t, true, List.of())));
  }

  @Property(tries = 300)
  void everyComponentIsAccountedForAndConflictsAreExactlyTheDisagreements(
      @ForAll List<@net.jqwik.api.From("components") Component> components) {
    ScanResult r = new Scanner(AdvisoryIndex.build(List.of())).scan(components);
    assertThat(r.componentCount()).isEqualTo(components.size());
    long expected =
        components.stream()
            .filter(
                c -> {
                  String purlType = PackageTypes.purlType(c.purl());
                  boolean malformed =
                      c.purl() != null
                          && dev.bulwark.vuln.match.PackageRef.fromPurl(c.purl())
                              instanceof dev.bulwark.vuln.match.PackageRef.Parsed.Malformed;
                  return !malformed
                      && purlType != null
                      && PackageTypes.purlTypeOf(c.origin().packageType())
                          .map(t -> !t.equals(purlType))
                          .orElse(false);
                })
            .count();
    assertThat(r.typeConflicts()).hasSize((int) expected);
  }
}

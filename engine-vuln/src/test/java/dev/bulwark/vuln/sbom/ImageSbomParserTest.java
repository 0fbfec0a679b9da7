package dev.bulwark.vuln.sbom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real image SBOMs from Syft's and Trivy's own test fixtures (see {@code image-sbom/README.md}),
 * each parsed into the model and compared with a reviewed golden file next to it ({@code
 * NAME.golden.json}). To accept a deliberate change, run with {@code -Dgolden.update=true} and
 * review the diff.
 */
class ImageSbomParserTest {
  static final Path DIR = Path.of("src/test/resources/image-sbom");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "trivy-fluentd-image.cdx.json",
        "trivy-alpine-languages.cdx.json",
        "trivy-evidence-occurrences.cdx.json",
        "trivy-centos7-image.spdx.json",
        "trivy-centos7-image.spdx",
        "syft-image-encoder.cdx.json",
        "syft-image-encoder.cdx.xml",
        "syft-image-encoder.spdx.json",
        "syft-spring-boot-image.cdx.json"
      })
  void parsesIntoTheReviewedModel(String file) throws Exception {
    Sbom sbom = SbomParser.parse(DIR.resolve(file));
    String actual = model(sbom);
    Path golden = DIR.resolve(file + ".golden.json");
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(golden, actual);
    }
    assertThat(actual).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
  }

  static String model(Sbom sbom) throws Exception {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("format", sbom.format());
    root.put("specVersion", sbom.specVersion());
    List<Object> components = new ArrayList<>();
    for (Component c : sbom.components()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ref", c.ref());
      m.put("name", c.name());
      m.put("version", c.version());
      m.put("purl", c.purl());
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("sourceName", c.origin().sourceName());
      o.put("sourceVersion", c.origin().sourceVersion());
      o.put("packageType", c.origin().packageType());
      o.put("sourceRecorded", c.origin().sourceRecorded());
      List<Object> ls = new ArrayList<>();
      for (Component.Location l : c.origin().locations()) {
        ls.add(java.util.Arrays.asList(l.layer(), l.path()));
      }
      o.put("locations", ls);
      m.put("origin", o);
      components.add(m);
    }
    root.put("components", components);
    return JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build()
            .writeValueAsString(root)
        + "\n";
  }

  static Sbom parse(String text) throws Exception {
    return SbomParser.parse("t", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void trivyRecordsTheSourcePackageAndTheLayer() throws Exception {
    Sbom s = SbomParser.parse(DIR.resolve("trivy-fluentd-image.cdx.json"));
    Component libidn = s.components().get(1);
    assertThat(libidn.name()).isEqualTo("libidn2-0");
    assertThat(libidn.origin().sourceName()).isEqualTo("libidn2");
    assertThat(libidn.origin().sourceVersion()).isNull(); // the same as the binary's
    assertThat(libidn.origin().sourceRecorded()).isTrue();
    assertThat(libidn.origin().locations())
        .containsExactly(
            new Component.Location(
                "sha256:831c5620387fb9efec59fc82a42b948546c6be601e3ab34a87108ecf852aa15f", null));
    Component gem = s.components().get(3);
    assertThat(gem.origin().packageType()).isEqualTo("gemspec");
    assertThat(gem.origin().locations().get(0).path())
        .isEqualTo("var/lib/gems/2.5.0/specifications/activesupport-6.0.2.1.gemspec");
  }

  @Test
  void trivySplitsTheSourceVersionIntoEpochVersionAndRelease() throws Exception {
    Sbom s =
        parse(
            """
        {"bomFormat": "CycloneDX", "specVersion": "1.6",
         "metadata": {"tools": {"components": [{"type": "application", "group": "aquasecurity", "name": "trivy", "version": "0.58.1"}]}},
         "components": [
          {"type": "library", "name": "libssl3", "version": "3.0.11-1~deb12u2",
           "purl": "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12.4",
           "properties": [{"name": "aquasecurity:trivy:PkgType", "value": "debian"},
                          {"name": "aquasecurity:trivy:SrcName", "value": "openssl"},
                          {"name": "aquasecurity:trivy:SrcVersion", "value": "3.0.11"},
                          {"name": "aquasecurity:trivy:SrcRelease", "value": "1~deb12u1"}]},
          {"type": "library", "name": "bash", "version": "1:5.2.15-2+b2",
           "purl": "pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12.4&epoch=1",
           "properties": [{"name": "aquasecurity:trivy:SrcName", "value": "bash"},
                          {"name": "aquasecurity:trivy:SrcVersion", "value": "5.2.15"},
                          {"name": "aquasecurity:trivy:SrcRelease", "value": "2"},
                          {"name": "aquasecurity:trivy:SrcEpoch", "value": "1"}]}]}
        """);
    assertThat(s.components().get(0).origin().sourceVersion()).isEqualTo("3.0.11-1~deb12u1");
    assertThat(s.components().get(0).origin().packageType()).isEqualTo("debian");
    assertThat(s.components().get(1).origin().sourceVersion()).isEqualTo("1:5.2.15-2");
  }

  @Test
  void syftRecordsTheSourceInItsMetadataAndInThePurl() throws Exception {
    Sbom s =
        parse(
            """
        {"bomFormat": "CycloneDX", "specVersion": "1.5",
         "metadata": {"tools": {"components": [{"type": "application", "author": "anchore", "name": "syft", "version": "1.0.0"}]}},
         "components": [
          {"type": "library", "name": "libssl3", "version": "3.0.11-1~deb12u2",
           "purl": "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&upstream=openssl&distro=debian-12",
           "properties": [{"name": "syft:package:type", "value": "deb"},
                          {"name": "syft:metadata:source", "value": "openssl"},
                          {"name": "syft:location:1:path", "value": "/usr/share/doc/libssl3/copyright"},
                          {"name": "syft:location:0:layerID", "value": "sha256:aa"},
                          {"name": "syft:location:0:path", "value": "/var/lib/dpkg/status"},
                          {"name": "syft:location:1:layerID", "value": "sha256:aa"}]},
          {"type": "library", "name": "tzdata", "version": "2021a-0+deb10u1",
           "purl": "pkg:deb/debian/tzdata@2021a-0%2Bdeb10u1?upstream=tzdata%402021a-0"},
          {"type": "library", "name": "libcrypto3", "version": "3.0.8-r3",
           "purl": "pkg:apk/alpine/libcrypto3@3.0.8-r3?arch=x86_64&upstream=openssl&distro=alpine-3.17.3",
           "properties": [{"name": "syft:package:type", "value": "apk"},
                          {"name": "syft:metadata:originPackage", "value": "openssl"}]},
          {"type": "library", "name": "openssl-libs", "version": "1:1.0.2k-16.el7",
           "purl": "pkg:rpm/centos/openssl-libs@1.0.2k-16.el7?arch=x86_64&epoch=1&upstream=openssl-1.0.2k-16.el7.src.rpm",
           "properties": [{"name": "syft:package:type", "value": "rpm"}]}]}
        """);
    Component ssl = s.components().get(0);
    assertThat(ssl.origin().sourceName()).isEqualTo("openssl");
    assertThat(ssl.origin().locations())
        .containsExactly(
            new Component.Location("sha256:aa", "/var/lib/dpkg/status"),
            new Component.Location("sha256:aa", "/usr/share/doc/libssl3/copyright"));
    assertThat(s.components().get(1).origin().sourceName()).isEqualTo("tzdata");
    assertThat(s.components().get(1).origin().sourceVersion()).isEqualTo("2021a-0");
    assertThat(s.components().get(2).origin().sourceName()).isEqualTo("openssl");
    assertThat(s.components().get(3).origin().sourceName()).isEqualTo("openssl");
    assertThat(s.components().get(3).origin().sourceVersion()).isEqualTo("1.0.2k-16.el7");
    assertThat(s.components()).allSatisfy(c -> assertThat(c.origin().sourceRecorded()).isTrue());
  }

  @Test
  void aDocumentOfAnotherToolDoesNotClaimToRecordSources() throws Exception {
    Sbom s =
        parse(
            """
        {"bomFormat": "CycloneDX", "specVersion": "1.4",
         "metadata": {"tools": [{"vendor": "someone", "name": "other-scanner"}]},
         "components": [{"name": "libc6", "version": "2.36-9", "purl": "pkg:deb/debian/libc6@2.36-9"}]}
        """);
    assertThat(s.components().get(0).origin()).isEqualTo(Component.Origin.NONE);
  }

  @Test
  void tagValueErrorsNameTheLine() {
    assertThatThrownBy(() -> parse("SPDXVersion: SPDX-2.3\nthis is not a tag\n"))
        .isInstanceOf(SbomFormatException.class)
        .hasMessageContaining("t: line 2");
    assertThatThrownBy(
            () ->
                parse(
                    "SPDXVersion: SPDX-2.3\nPackageName: x\nPackageComment: <text>never closed\n"))
        .hasMessageContaining("line 3")
        .hasMessageContaining("</text>");
    assertThatThrownBy(() -> parse("SPDXVersion: SPDX-2.3\nPackageName: " + "x".repeat(2 << 20)))
        .hasMessageContaining("longer than");
    assertThatThrownBy(() -> parse("Some: thing\n"))
        .hasMessageContaining("starts with SPDXVersion");
    assertThatThrownBy(() -> parse("Sorry, no SBOM here\n")).hasMessageContaining("t: not an SBOM");
  }

  @Test
  void deepXmlNestingIsRefusedWithThePosition() {
    String deep =
        "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\">"
            + "<a>".repeat(SbomParser.MAX_XML_DEPTH + 5)
            + "</a>".repeat(SbomParser.MAX_XML_DEPTH + 5)
            + "</bom>";
    assertThatThrownBy(() -> parse(deep))
        .isInstanceOf(SbomFormatException.class)
        .hasMessageContaining("nested deeper")
        .hasMessageContaining("line 1");
  }

  @Test
  void hostilePropertiesNeitherFailNorDropTheComponent() throws Exception {
    Sbom s =
        parse(
            """
        {"bomFormat": "CycloneDX", "specVersion": "1.6",
         "metadata": {"tools": {"components": [{"name": "syft"}]}},
         "components": [{"name": "a", "version": "1", "purl": "pkg:npm/a@1",
           "properties": [{"name": "syft:location:99999999999:path", "value": "/x"},
                          {"name": "syft:location:-1:path", "value": "/y"},
                          {"name": "syft:location:0:nonsense", "value": "/z"},
                          {"name": "syft:package:type"},
                          {"value": "no name"},
                          {"name": "syft:location:0:path", "value": {"an": "object"}}]}]}
        """);
    assertThat(s.components())
        .singleElement()
        .satisfies(c -> assertThat(c.purl()).isEqualTo("pkg:npm/a@1"));
  }

  @Test
  void newerTrivySpdxAnnotationsAndContainedFiles() throws Exception {
    Sbom s =
        parse(
            """
        {"spdxVersion": "SPDX-2.3", "creationInfo": {"creators": ["Organization: aquasecurity", "Tool: trivy-0.58.0"]},
         "packages": [
          {"SPDXID": "SPDXRef-Package-1", "name": "libssl3", "versionInfo": "3.0.15-1~deb12u1",
           "sourceInfo": "built package from: openssl 3.0.15-1~deb12u1",
           "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                             "referenceLocator": "pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12.8"}],
           "annotations": [
            {"annotator": "Tool: trivy-0.58.0", "annotationType": "OTHER", "comment": "LayerDiffID: sha256:2879a4821959ab702528e28a1c59cd26c4956112497f6d1dbfd86c8d88003983"},
            {"annotator": "Tool: trivy-0.58.0", "annotationType": "OTHER", "comment": "PkgType: debian"}]},
          {"SPDXID": "SPDXRef-Package-2", "name": "express", "versionInfo": "4.17.1",
           "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:npm/express@4.17.1"}],
           "annotations": [{"annotator": "Tool: trivy-0.58.0", "annotationType": "OTHER", "comment": "PkgType: node-pkg"}]}],
         "files": [{"SPDXID": "SPDXRef-File-9", "fileName": "app/node_modules/express/package.json"}],
         "relationships": [{"spdxElementId": "SPDXRef-Package-2", "relationshipType": "CONTAINS", "relatedSpdxElement": "SPDXRef-File-9"}]}
        """);
    Component ssl = s.components().get(0);
    assertThat(ssl.origin().sourceName()).isEqualTo("openssl");
    assertThat(ssl.origin().sourceVersion()).isNull();
    assertThat(ssl.origin().packageType()).isEqualTo("debian");
    assertThat(ssl.origin().locations())
        .containsExactly(
            new Component.Location(
                "sha256:2879a4821959ab702528e28a1c59cd26c4956112497f6d1dbfd86c8d88003983", null));
    Component express = s.components().get(1);
    assertThat(express.origin().packageType()).isEqualTo("node-pkg");
    assertThat(express.origin().locations())
        .containsExactly(new Component.Location(null, "app/node_modules/express/package.json"));
  }

  @Test
  void cycloneDxXmlWithTrivyPropertiesOldToolsAndEvidence() throws Exception {
    Sbom s =
        parse(
            """
        <?xml version="1.0" encoding="UTF-8"?>
        <bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1">
          <metadata><tools><tool><vendor>aquasecurity</vendor><name>trivy</name></tool></tools>
            <component type="container"><name>img</name>
              <properties><property name="aquasecurity:trivy:SrcName">not-a-package</property></properties>
            </component></metadata>
          <components>
            <component type="library" bom-ref="b">
              <name>libidn2-0</name><version>2.0.5-1</version>
              <purl>pkg:deb/debian/libidn2-0@2.0.5-1?distro=debian-10.2</purl>
              <properties>
                <property name="aquasecurity:trivy:SrcName">libidn2</property>
                <property name="aquasecurity:trivy:LayerDiffID">sha256:831c</property>
              </properties>
              <evidence><occurrences><occurrence><location>var/lib/dpkg/status</location></occurrence></occurrences></evidence>
            </component>
          </components>
        </bom>
        """);
    assertThat(s.components())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.origin().sourceName()).isEqualTo("libidn2");
              assertThat(c.origin().sourceRecorded()).isTrue();
              assertThat(c.origin().locations())
                  .containsExactly(new Component.Location("sha256:831c", "var/lib/dpkg/status"));
            });
  }
}

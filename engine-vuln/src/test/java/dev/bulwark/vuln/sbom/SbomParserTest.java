package dev.bulwark.vuln.sbom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SbomParserTest {
  static Sbom parse(String text) throws Exception {
    return SbomParser.parse("t", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  static Path resource(String name) throws Exception {
    return Path.of(SbomParserTest.class.getResource("/sbom/" + name).toURI());
  }

  @Test
  void cycloneDxJsonWithNestedComponentsAndDependencies() throws Exception {
    Sbom s =
        parse(
            """
        {"dependencies": [{"ref": "a", "dependsOn": ["b"]}],
         "components": [
           {"bom-ref": "a", "type": "library", "name": "a", "version": "1.0", "purl": "pkg:npm/a@1.0",
            "licenses": [{"license": {"name": "not-a-component-name"}}],
            "components": [{"bom-ref": "b", "name": "b", "version": "2.0", "purl": "pkg:npm/b@2.0"}]},
           {"bom-ref": "c", "name": "c"}],
         "bomFormat": "CycloneDX", "specVersion": "1.6",
         "metadata": {"component": {"bom-ref": "app", "name": "the-app"}}}
        """);
    assertThat(s.format()).isEqualTo("CycloneDX");
    assertThat(s.specVersion()).isEqualTo("1.6");
    assertThat(s.components()).extracting(Component::ref).containsExactly("a", "b", "c");
    assertThat(s.components().get(0).name()).isEqualTo("a");
    assertThat(s.dependencies()).containsEntry("a", java.util.List.of("b"));
  }

  @Test
  void cycloneDxXmlWithNestedComponentsAndDependencies() throws Exception {
    Sbom s =
        parse(
            """
        <?xml version="1.0" encoding="UTF-8"?>
        <bom xmlns="http://cyclonedx.org/schema/bom/1.4" version="1">
          <metadata><component type="application"><name>the-app</name></component></metadata>
          <components>
            <component type="library" bom-ref="a">
              <group>org.ex</group><name>a</name><version>1.0</version>
              <licenses><license><name>Apache</name></license></licenses>
              <purl>pkg:maven/org.ex/a@1.0</purl>
              <components>
                <component type="library" bom-ref="b"><name>b</name><version>2.0</version><purl>pkg:maven/org.ex/b@2.0</purl></component>
              </components>
            </component>
            <component type="library" bom-ref="c"><name>c</name></component>
          </components>
          <dependencies><dependency ref="a"><dependency ref="b"/></dependency></dependencies>
        </bom>
        """);
    assertThat(s.specVersion()).isEqualTo("1.4");
    assertThat(s.components()).extracting(Component::ref).containsExactly("a", "b", "c");
    assertThat(s.components().get(0).name()).isEqualTo("org.ex/a");
    assertThat(s.components().get(0).purl()).isEqualTo("pkg:maven/org.ex/a@1.0");
    assertThat(s.dependencies()).containsEntry("a", java.util.List.of("b"));
  }

  @Test
  void spdxJsonWithPurlReferences() throws Exception {
    Sbom s =
        parse(
            """
        {"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT",
         "packages": [
           {"SPDXID": "SPDXRef-a", "name": "requests", "versionInfo": "2.30.0",
            "externalRefs": [{"referenceCategory": "SECURITY", "referenceType": "cpe23Type", "referenceLocator": "cpe:2.3:a:x"},
                             {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:pypi/requests@2.30.0"}]},
           {"SPDXID": "SPDXRef-b", "name": "no-purl", "versionInfo": "1"}],
         "relationships": [{"spdxElementId": "SPDXRef-a", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-b"}]}
        """);
    assertThat(s.format()).isEqualTo("SPDX");
    assertThat(s.specVersion()).isEqualTo("2.3");
    assertThat(s.components()).hasSize(2);
    assertThat(s.components().get(0).purl()).isEqualTo("pkg:pypi/requests@2.30.0");
    assertThat(s.components().get(1).purl()).isNull();
    assertThat(s.dependencies()).containsEntry("SPDXRef-a", java.util.List.of("SPDXRef-b"));
  }

  @Test
  void theRealSbomsParseCompletely() throws Exception {
    assertThat(SbomParser.parse(resource("juice-shop-v11.1.2-bom.json")).components()).hasSize(840);
    Sbom keycloak = SbomParser.parse(resource("keycloak-10.0.2-bom.json"));
    assertThat(keycloak.components()).hasSize(903);
    assertThat(keycloak.dependencies()).hasSize(899);
    assertThat(
            SbomParser.parse(resource("proton-bridge-proton-bridge-v1.8.0.bom.json")).components())
        .hasSize(201);
    Sbom dropwizard = SbomParser.parse(resource("dropwizard-1.3.15-bom.xml"));
    assertThat(dropwizard.components()).hasSize(167);
    assertThat(dropwizard.components())
        .allSatisfy(c -> assertThat(c.purl()).startsWith("pkg:maven/"));
  }

  @Test
  void xmlWithADtdOrExternalEntityIsRefused() {
    String xxe =
        """
        <?xml version="1.0"?>
        <!DOCTYPE bom [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
        <bom xmlns="http://cyclonedx.org/schema/bom/1.4"><components><component type="library">
          <name>&xxe;</name><version>1</version></component></components></bom>
        """;
    assertThatThrownBy(() -> parse(xxe))
        .isInstanceOf(SbomFormatException.class)
        .hasMessageContaining("DTD")
        .hasMessageNotContaining("root:");
    String laughs =
        """
        <?xml version="1.0"?>
        <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
        <bom xmlns="http://cyclonedx.org/schema/bom/1.4"><components/></bom>
        """;
    assertThatThrownBy(() -> parse(laughs)).isInstanceOf(SbomFormatException.class);
  }

  @Test
  void truncatedOrForeignDocumentsNameThePosition() {
    assertThatThrownBy(
            () ->
                parse(
                    "{\"bomFormat\": \"CycloneDX\", \"components\": [{\"name\": \"a\",\n \"purl\": "))
        .isInstanceOf(SbomFormatException.class)
        .hasMessageContaining("line 2");
    assertThatThrownBy(
            () ->
                parse("<bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\"><components><component>"))
        .isInstanceOf(SbomFormatException.class)
        .hasMessageContaining("line 1");
    assertThatThrownBy(() -> parse("{\"name\": \"package.json\"}"))
        .hasMessageContaining("not an SBOM");
    assertThatThrownBy(() -> parse("<html><body/></html>")).hasMessageContaining("not a CycloneDX");
    assertThatThrownBy(() -> parse("hello")).hasMessageContaining("not an SBOM");
    assertThatThrownBy(() -> parse("{\"bomFormat\": \"CycloneDX\", \"components\": {}}"))
        .hasMessageContaining("wrong type");
    assertThatThrownBy(() -> parse("{\"bomFormat\": \"CycloneDX\"} {}"))
        .hasMessageContaining("trailing");
  }

  @Test
  void repeatedReferencesAreRenamedSoNoComponentIsLost() throws Exception {
    Sbom json =
        parse(
            """
        {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
          {"bom-ref": "x", "name": "clean", "purl": "pkg:npm/clean@1.0"},
          {"bom-ref": "x", "name": "vulnerable", "purl": "pkg:npm/vulnerable@1.0"},
          {"bom-ref": "x#2", "name": "taken"},
          {"bom-ref": "x", "name": "third"},
          {"name": "no-ref"},
          {"bom-ref": "component-4", "name": "collides-with-a-made-up-ref"}]}
        """);
    assertThat(json.components())
        .extracting(Component::ref)
        .containsExactly("x", "x#3", "x#2", "x#4", "component-4", "component-4#2");
    assertThat(json.components().get(1).purl()).isEqualTo("pkg:npm/vulnerable@1.0");
    Sbom xml =
        parse(
            """
        <bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components>
          <component bom-ref="a"><name>one</name></component>
          <component bom-ref="a"><name>two</name></component>
        </components></bom>
        """);
    assertThat(xml.components()).extracting(Component::ref).containsExactly("a", "a#2");
    Sbom spdx =
        parse(
            """
        {"spdxVersion": "SPDX-2.3", "packages": [
          {"SPDXID": "SPDXRef-p", "name": "one"}, {"SPDXID": "SPDXRef-p", "name": "two"}]}
        """);
    assertThat(spdx.components())
        .extracting(Component::ref)
        .containsExactly("SPDXRef-p", "SPDXRef-p#2");
  }
}

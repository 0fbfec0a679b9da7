package dev.bulwark.server.findings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.bulwark.server.http.Json;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The fast alias-list reader answers what Jackson answers, or steps aside (null). */
class ReleaseJsonProperties {
  @Provide
  Arbitrary<List<String>> lists() {
    return Arbitraries.strings()
        .withChars("aZ09-:\"\\\n\té ,[]")
        .ofMaxLength(8)
        .list()
        .ofMaxSize(5);
  }

  @Property(tries = 500)
  void agreesWithJacksonOnWhatJacksonWrites(@ForAll("lists") List<String> values) throws Exception {
    String json = Json.MAPPER.writeValueAsString(values);
    assertThat(ReleaseJson.strings(json)).isEqualTo(values);
    List<String> fast = ReleaseJson.simpleStrings(json);
    if (fast != null) {
      assertThat(fast).isEqualTo(values);
    }
  }

  @Property(tries = 500)
  void neverAcceptsWhatJacksonRefuses(@ForAll("garbage") String text) {
    List<String> fast = ReleaseJson.simpleStrings(text);
    if (fast != null) {
      try {
        assertThat(Json.MAPPER.readValue(text, new TypeReference<List<String>>() {}))
            .isEqualTo(fast);
      } catch (Exception e) {
        throw new AssertionError("fast path accepted what Jackson refuses: " + text, e);
      }
    }
  }

  @Provide
  Arbitrary<String> garbage() {
    return Arbitraries.strings().withChars("[]\", ab\n").ofMaxLength(12);
  }

  @Example
  void commonShapes() {
    assertThat(ReleaseJson.simpleStrings("[]")).isEmpty();
    assertThat(ReleaseJson.simpleStrings("[\"CVE-1\", \"GHSA-x\"]"))
        .containsExactly("CVE-1", "GHSA-x");
    assertThat(ReleaseJson.simpleStrings("[\"a\",]")).isNull();
    assertThat(ReleaseJson.simpleStrings("[,\"a\"]")).isNull();
    assertThat(ReleaseJson.simpleStrings("[\"a\" \"b\"]")).isNull();
  }
}

package dev.bulwark.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.erdtman.jcs.JsonCanonicalizer;

/** LedgerEntry writes RFC 8785 itself; it must agree byte for byte with the reference JCS. */
class CanonicalJsonProperties {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Provide
  Arbitrary<String> text() {
    // Letters of several scripts, quotes, backslashes, control characters, emoji.
    return Arbitraries.strings()
        .withCharRange('\u0000', '\u007f')
        .withCharRange('\u00a0', '\u024f')
        .withCharRange('\u4e00', '\u4e40')
        .withChars('\u2028', '\u2029', '\ufeff')
        .ofMaxLength(30)
        .injectNull(0.05)
        .map(s -> s == null ? null : s + (s.length() % 5 == 0 ? "\uD83D\uDE80" : ""));
  }

  @Provide
  Arbitrary<Map<String, String>> subjects() {
    Arbitrary<String> nonNull = text().filter(s -> s != null);
    return Arbitraries.maps(nonNull, nonNull)
        .ofMaxSize(5)
        .map(
            m -> {
              Map<String, String> s = new LinkedHashMap<>(m);
              s.put("kind", "service");
              s.putIfAbsent("id", "x");
              return s;
            });
  }

  @Property(tries = 1000)
  void ourBytesAreTheReferenceCanonicalization(
      @ForAll @LongRange(min = 0, max = 1L << 52) long index,
      @ForAll("text") String actor,
      @ForAll("text") String action,
      @ForAll("subjects") Map<String, String> subject,
      @ForAll("text") String requestId,
      @ForAll("text") String before,
      @ForAll("text") String after)
      throws Exception {
    LedgerEntry e =
        new LedgerEntry(
            index,
            Instant.ofEpochMilli(1_700_000_000_123L + index % 1000),
            actor == null ? "a" : actor,
            action == null ? "b" : action,
            subject,
            requestId == null ? "r" : requestId,
            before,
            after);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time", e.time().toString());
    m.put("subject", e.subject());
    m.put("requestId", e.requestId());
    m.put("index", e.index());
    m.put("before", e.beforeDigest());
    m.put("after", e.afterDigest());
    m.put("actor", e.actor());
    m.put("action", e.action());
    byte[] reference = new JsonCanonicalizer(JSON.writeValueAsBytes(m)).getEncodedUTF8();
    assertThat(new String(e.canonicalBytes(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo(new String(reference, java.nio.charset.StandardCharsets.UTF_8));
    assertThat(LedgerEntry.parse(e.canonicalBytes())).isEqualTo(e);
  }
}

package dev.bulwark.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.erdtman.jcs.JsonCanonicalizer;

/**
 * The input digest is SHA-256 of the RFC 8785 canonical JSON of the input, checked against
 * erdtman's reference canonicalizer for inputs with arbitrary strings (quotes, backslashes, control
 * characters, non-ASCII).
 */
class InputDigestProperties {
  static final ObjectMapper JSON = new ObjectMapper();

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.strings().withChars("aZ09\"\\\b\f\n\r\t\u0001\u001fé€ -").ofMaxLength(12);
  }

  @Provide
  Arbitrary<Instant> instants() {
    return net.jqwik.api.Combinators.combine(
            Arbitraries.longs().between(-62_135_596_800L, 253_402_300_799L),
            Arbitraries.of(0, 5, 1_000, 120_000, 1_000_000, 999_000_000, 123_456_789))
        .as(Instant::ofEpochSecond);
  }

  @Property(tries = 300)
  void digestIsSha256OfTheCanonicalJson(
      @ForAll("texts") String a,
      @ForAll("texts") String b,
      @ForAll("texts") String c,
      @ForAll("instants") Instant due)
      throws Exception {
    List<GateInput.Finding> findings = new ArrayList<>();
    findings.add(
        new GateInput.Finding(a, List.of(b, c), "dependency", "high", "open", c, due, true, b));
    GateInput in =
        new GateInput(
            new GateInput.Service(a, b, "data", "critical"),
            new GateInput.Release(c, "sha256:" + a, true, 3),
            findings,
            List.of(
                new GateInput.Attestation(
                    a, false, b, c, a, List.of(new GateInput.Material(b, c)))),
            List.of(new GateInput.TestReport(c, "sast", 1, 0, 1, 0, 0)),
            b,
            List.of(new GateInput.Promotion(a, "allowed", Instant.EPOCH)),
            Instant.parse("2026-11-27T12:00:00Z"));
    // Two levels: the findings list's digest, then the input with the list replaced by it.
    @SuppressWarnings("unchecked")
    java.util.Map<String, Object> plain =
        new java.util.TreeMap<>((java.util.Map<String, Object>) GateInput.plain(in.values()));
    String findingsDigest = sha256(JSON.writeValueAsBytes(plain.get("findings")));
    assertThat(in.findingsDigest()).isEqualTo(findingsDigest);
    plain.put("findings", findingsDigest);
    assertThat(in.digest()).isEqualTo(sha256(JSON.writeValueAsBytes(plain)));
    // Re-based on another environment and time: the findings digest is shared, the input's not.
    GateInput later = in.at("prod", List.of(), due);
    assertThat(later.findingsDigest()).isEqualTo(findingsDigest);
    plain.put("environment", "prod");
    plain.put("promotions", List.of());
    plain.put("now", GateInput.plain(GateInput.timestamp(due)));
    assertThat(later.digest()).isEqualTo(sha256(JSON.writeValueAsBytes(plain)));
  }

  static String sha256(byte[] json) throws Exception {
    byte[] canonical = new JsonCanonicalizer(json).getEncodedUTF8();
    return "sha256:"
        + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
  }
}

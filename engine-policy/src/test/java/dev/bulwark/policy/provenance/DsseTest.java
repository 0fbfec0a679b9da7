package dev.bulwark.policy.provenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class DsseTest {
  static final String DIGEST = "sha256:" + "ab".repeat(32);

  static KeyPair ed25519() throws Exception {
    return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
  }

  static KeyPair ec(String curve) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec(curve));
    return g.generateKeyPair();
  }

  static KeyPair rsa(int bits) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(bits);
    return g.generateKeyPair();
  }

  static String statement(String digest) {
    return """
        {"_type": "https://in-toto.io/Statement/v1",
         "subject": [{"name": "registry.example/payments", "digest": {"sha256": "%s"}}],
         "predicateType": "https://slsa.dev/provenance/v1",
         "predicate": {
           "buildDefinition": {
             "buildType": "https://actions.github.io/buildtypes/workflow/v1",
             "externalParameters": {"workflow": {"ref": "refs/heads/main",
               "repository": "https://github.com/example/payments", "path": ".github/workflows/build.yml"}},
             "resolvedDependencies": [{"uri": "git+https://github.com/example/payments@refs/heads/main",
               "digest": {"gitCommit": "7fd1a60b01f91b314f59955a4e4d4e80d8edf11d"}}]},
           "runDetails": {"builder": {"id": "https://github.com/actions/runner/github-hosted"}}}}
        """
        .formatted(digest.replaceFirst("sha256:", ""));
  }

  static byte[] envelope(
      String payloadType, String payload, PrivateKey key, String alg, String keyid)
      throws Exception {
    byte[] body = payload.getBytes(StandardCharsets.UTF_8);
    Signature s = Signature.getInstance(alg);
    s.initSign(key);
    s.update(Dsse.pae(payloadType, body));
    String sig = Base64.getEncoder().encodeToString(s.sign());
    return """
        {"payloadType": "%s", "payload": "%s", "signatures": [{"keyid": "%s", "sig": "%s"}]}
        """
        .formatted(payloadType, Base64.getEncoder().encodeToString(body), keyid, sig)
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void paeIsTheSpecsEncoding() {
    // The example of the DSSE v1 protocol document.
    assertThat(
            new String(
                Dsse.pae(
                    "http://example.com/HelloWorld",
                    "hello world".getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8))
        .isEqualTo("DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  }

  @Test
  void ed25519EcdsaAndRsaSignaturesVerifyAndSlsaFieldsAreRead() throws Exception {
    KeyPair ed = ed25519();
    KeyPair p256 = ec("secp256r1");
    KeyPair r = rsa(2048);
    List<TrustedKey> keys =
        List.of(
            new TrustedKey("ci-ed25519", ed.getPublic(), List.of()),
            new TrustedKey("ci-p256", p256.getPublic(), List.of("pay")),
            new TrustedKey("ci-rsa", r.getPublic(), List.of()));
    for (var c :
        List.of(
            new Object[] {ed.getPrivate(), "Ed25519", "ci-ed25519"},
            new Object[] {p256.getPrivate(), "SHA256withECDSA", "ci-p256"},
            new Object[] {p256.getPrivate(), "SHA256withECDSAinP1363Format", "ci-p256"},
            new Object[] {r.getPrivate(), "SHA256withRSA", "ci-rsa"})) {
      Dsse.Verification v =
          Dsse.verify(
              envelope(
                  Dsse.IN_TOTO_PAYLOAD, statement(DIGEST), (PrivateKey) c[0], (String) c[1], ""),
              DIGEST,
              keys,
              "pay");
      assertThat(v.verified()).as((String) c[1] + ": " + v.reason()).isTrue();
      assertThat(v.keyName()).isEqualTo(c[2]);
      assertThat(v.predicateType()).isEqualTo(Dsse.SLSA_PROVENANCE_V1);
      assertThat(v.builderId()).isEqualTo("https://github.com/actions/runner/github-hosted");
      assertThat(v.sourceRepository()).isEqualTo("https://github.com/example/payments");
      assertThat(v.materials())
          .containsExactly(
              new Dsse.Material(
                  "git+https://github.com/example/payments@refs/heads/main",
                  "gitCommit:7fd1a60b01f91b314f59955a4e4d4e80d8edf11d"));
    }
  }

  @Test
  void everyBadEnvelopeFailsWithItsReasonAndNeverThrows() throws Exception {
    KeyPair trusted = ed25519();
    KeyPair stranger = ed25519();
    List<TrustedKey> keys = List.of(new TrustedKey("ci", trusted.getPublic(), List.of("pay")));
    String ok = statement(DIGEST);
    // Signed by an unknown key that claims the trusted key's id: keyid is never trusted.
    assertThat(
            Dsse.verify(
                    envelope(Dsse.IN_TOTO_PAYLOAD, ok, stranger.getPrivate(), "Ed25519", "ci"),
                    DIGEST,
                    keys,
                    "pay")
                .reason())
        .isEqualTo("no signature verifies with a key trusted for team pay");
    // A good signature over another payload type.
    assertThat(
            Dsse.verify(
                    envelope("text/plain", ok, trusted.getPrivate(), "Ed25519", ""),
                    DIGEST,
                    keys,
                    "pay")
                .reason())
        .startsWith("wrong payload type 'text/plain'");
    // The statement names another artifact.
    Dsse.Verification other =
        Dsse.verify(
            envelope(
                Dsse.IN_TOTO_PAYLOAD,
                statement("sha256:" + "cd".repeat(32)),
                trusted.getPrivate(),
                "Ed25519",
                ""),
            DIGEST,
            keys,
            "pay");
    assertThat(other.verified()).isFalse();
    assertThat(other.reason()).startsWith("no subject of the statement has the release digest");
    assertThat(other.builderId()).isEqualTo("https://github.com/actions/runner/github-hosted");
    // The key is trusted for another team only.
    assertThat(
            Dsse.verify(
                    envelope(Dsse.IN_TOTO_PAYLOAD, ok, trusted.getPrivate(), "Ed25519", ""),
                    DIGEST,
                    keys,
                    "web")
                .reason())
        .isEqualTo("no key is trusted for team web");
    // A bit flipped in the payload after signing.
    String env =
        new String(
            envelope(Dsse.IN_TOTO_PAYLOAD, ok, trusted.getPrivate(), "Ed25519", ""),
            StandardCharsets.UTF_8);
    String flipped =
        env.replace(
            Base64.getEncoder().encodeToString(ok.getBytes(StandardCharsets.UTF_8)),
            Base64.getEncoder()
                .encodeToString(ok.replace("main", "mair").getBytes(StandardCharsets.UTF_8)));
    assertThat(flipped).isNotEqualTo(env);
    assertThat(
            Dsse.verify(flipped.getBytes(StandardCharsets.UTF_8), DIGEST, keys, "pay").verified())
        .isFalse();
    // An old statement version.
    assertThat(
            Dsse.verify(
                    envelope(
                        Dsse.IN_TOTO_PAYLOAD,
                        ok.replace("Statement/v1", "Statement/v0.1"),
                        trusted.getPrivate(),
                        "Ed25519",
                        ""),
                    DIGEST,
                    keys,
                    "pay")
                .reason())
        .startsWith("not an in-toto Statement v1");
    for (String hostile :
        List.of(
            "",
            "[]",
            "{",
            "{\"payloadType\": 1}",
            "{\"payload\": \"%%%\", \"payloadType\": \"x\"}",
            "{\"payload\": \"\", \"payloadType\": \"application/vnd.in-toto+json\", \"signatures\": []}")) {
      Dsse.Verification v =
          Dsse.verify(hostile.getBytes(StandardCharsets.UTF_8), DIGEST, keys, "pay");
      assertThat(v.verified()).as(hostile).isFalse();
      assertThat(v.reason()).as(hostile).isNotBlank();
    }
    assertThat(Dsse.verify(new byte[Dsse.MAX_ENVELOPE_BYTES + 1], DIGEST, keys, "pay").reason())
        .contains("larger than");
  }

  @Test
  void weakOrUnsupportedKeysAreRefused() throws Exception {
    assertThatThrownBy(() -> new TrustedKey("small", rsa(1024).getPublic(), List.of()))
        .hasMessageContaining("2048");
    assertThatThrownBy(() -> new TrustedKey("p384", ec("secp384r1").getPublic(), List.of()))
        .hasMessageContaining("P-256");
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(ed25519().getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    assertThat(TrustedKey.parsePem(pem).getAlgorithm()).isIn("EdDSA", "Ed25519");
    assertThatThrownBy(
            () -> TrustedKey.parsePem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"))
        .hasMessageContaining("not an Ed25519");
    assertThatThrownBy(() -> TrustedKey.parsePem("hello")).hasMessageContaining("PEM");
  }
}

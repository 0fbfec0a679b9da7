package dev.bulwark.server.testing;

import dev.bulwark.policy.provenance.Dsse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;

/**
 * Provenance fixtures for gate tests: a trusted-keys file naming one Ed25519 key ({@code
 * ci-builder}, team {@code pay}), and DSSE envelopes of a SLSA v1 statement about {@code pay-api}
 * signed with a key of the test's choice.
 */
public final class Provenance {
  private Provenance() {}

  /** Writes {@code keys.yaml} in {@code dir} trusting {@code key} as {@code ci-builder}. */
  public static Path trustedKeys(Path dir, PublicKey key) throws IOException {
    Path keys = dir.resolve("keys.yaml");
    Files.writeString(
        keys,
        "keys:\n  - name: ci-builder\n    teams: [pay]\n    key: |\n      -----BEGIN PUBLIC KEY-----\n      "
            + Base64.getEncoder().encodeToString(key.getEncoded())
            + "\n      -----END PUBLIC KEY-----\n");
    return keys;
  }

  /** A DSSE envelope of provenance for {@code digest} from GitHub's hosted runner. */
  public static byte[] envelope(PrivateKey key, String digest) {
    String statement =
        """
        {"_type": "https://in-toto.io/Statement/v1",
         "subject": [{"name": "pay-api", "digest": {"sha256": "%s"}}],
         "predicateType": "https://slsa.dev/provenance/v1",
         "predicate": {"buildDefinition": {"buildType": "https://example/build/v1",
           "externalParameters": {"source": {"uri": "git+https://github.com/example/pay-api"}},
           "resolvedDependencies": [{"uri": "git+https://github.com/example/pay-api", "digest": {"sha1": "abc"}}]},
           "runDetails": {"builder": {"id": "https://github.com/actions/runner/github-hosted"}}}}
        """
            .formatted(digest.substring("sha256:".length()));
    byte[] payload = statement.getBytes(StandardCharsets.UTF_8);
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(key);
      s.update(Dsse.pae(Dsse.IN_TOTO_PAYLOAD, payload));
      return """
          {"payloadType": "%s", "payload": "%s", "signatures": [{"keyid": "ci-builder", "sig": "%s"}]}
          """
          .formatted(
              Dsse.IN_TOTO_PAYLOAD,
              Base64.getEncoder().encodeToString(payload),
              Base64.getEncoder().encodeToString(s.sign()))
          .getBytes(StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }
}

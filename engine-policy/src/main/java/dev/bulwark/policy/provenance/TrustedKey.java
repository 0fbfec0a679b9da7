package dev.bulwark.policy.provenance;

import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A public key trusted to sign attestations, for some teams or (no teams) for all. Only Ed25519,
 * ECDSA on P-256 and RSA of 2048 bits or more are accepted.
 */
public record TrustedKey(String name, PublicKey key, List<String> teams) {
  public TrustedKey {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(key, "key");
    teams = List.copyOf(teams);
    check(key);
  }

  public boolean trustedFor(String team) {
    return teams.isEmpty() || teams.contains(team);
  }

  /** Reads a PEM {@code PUBLIC KEY} (X.509 SubjectPublicKeyInfo) block. */
  public static PublicKey parsePem(String pem) {
    String body =
        pem.replace("-----BEGIN PUBLIC KEY-----", "")
            .replace("-----END PUBLIC KEY-----", "")
            .replaceAll("\\s", "");
    if (body.isEmpty() || !pem.contains("-----BEGIN PUBLIC KEY-----")) {
      throw new IllegalArgumentException("not a PEM PUBLIC KEY block");
    }
    byte[] der;
    try {
      der = Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the PEM block is not valid base64");
    }
    for (String alg : List.of("Ed25519", "EC", "RSA")) {
      try {
        PublicKey k = KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(der));
        check(k);
        return k;
      } catch (java.security.GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException("not an Ed25519, EC P-256 or RSA public key");
  }

  static void check(PublicKey k) {
    switch (k) {
      case ECPublicKey ec -> {
        if (!isP256(ec.getParams())) {
          throw new IllegalArgumentException("EC keys must be on P-256");
        }
      }
      case RSAPublicKey rsa -> {
        if (rsa.getModulus().bitLength() < 2048) {
          throw new IllegalArgumentException("RSA keys must have 2048 bits or more");
        }
      }
      default -> {
        if (!k.getAlgorithm().equals("EdDSA") && !k.getAlgorithm().equals("Ed25519")) {
          throw new IllegalArgumentException("unsupported key algorithm " + k.getAlgorithm());
        }
      }
    }
  }

  private static boolean isP256(ECParameterSpec p) {
    // P-256's order n (FIPS 186-4, D.1.2.3).
    return p.getOrder()
        .equals(
            new java.math.BigInteger(
                "115792089210356248762697446949407573529996955224135760342422259061068512044369"));
  }
}

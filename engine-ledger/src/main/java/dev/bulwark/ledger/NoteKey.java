package dev.bulwark.ledger;

import dev.bulwark.common.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 keys in the C2SP signed-note encoding. The key id is the first four bytes of SHA-256(name
 * || "\n" || 0x01 || public key); a verifier key is written {@code <name>+<hex key id>+<base64(0x01
 * || public key)>}. Keys come from the JDK's Ed25519.
 */
public final class NoteKey {
  static final byte ED25519 = 0x01;

  /** X.509 SubjectPublicKeyInfo prefix of an Ed25519 public key: the raw 32 bytes follow. */
  private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  private NoteKey() {}

  /** A public key with its name and id, as verifiers hold it. */
  public record Verifier(String name, byte[] keyId, byte[] publicKey) {
    public Verifier {
      keyId = keyId.clone();
      publicKey = publicKey.clone();
    }

    public String encoded() {
      byte[] typed = new byte[1 + publicKey.length];
      typed[0] = ED25519;
      System.arraycopy(publicKey, 0, typed, 1, publicKey.length);
      return name
          + "+"
          + HexFormat.of().formatHex(keyId)
          + "+"
          + Base64.getEncoder().encodeToString(typed);
    }

    /** Parses {@code name+hexid+base64key}; the id must match the key, or it is refused. */
    public static Verifier parse(String text) {
      // Names may not contain '+' (C2SP signed-note), but base64 may: split at the first two.
      String s = text.strip();
      int mid = s.indexOf('+');
      int last = mid < 0 ? -1 : s.indexOf('+', mid + 1);
      if (mid <= 0 || last < 0) {
        throw new IllegalArgumentException("a verifier key is name+keyid+key");
      }
      String name = s.substring(0, mid);
      byte[] id;
      byte[] typed;
      try {
        id = HexFormat.of().parseHex(s.substring(mid + 1, last));
        typed = Base64.getDecoder().decode(s.substring(last + 1));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("a verifier key has a hex key id and a base64 key");
      }
      if (id.length != 4 || typed.length != 33 || typed[0] != ED25519) {
        throw new IllegalArgumentException(
            "only Ed25519 verifier keys (type 0x01, 32 bytes) are supported");
      }
      byte[] pub = Arrays.copyOfRange(typed, 1, 33);
      if (!Arrays.equals(id, NoteKey.keyId(name, pub))) {
        throw new IllegalArgumentException("the key id does not match the key and name");
      }
      return new Verifier(name, id, pub);
    }

    PublicKey jdkKey() throws GeneralSecurityException {
      byte[] x509 = new byte[X509_PREFIX.length + 32];
      System.arraycopy(X509_PREFIX, 0, x509, 0, X509_PREFIX.length);
      System.arraycopy(publicKey, 0, x509, X509_PREFIX.length, 32);
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(x509));
    }
  }

  /** A signing key: the name it signs as and the JDK private key. */
  public record Signer(String name, PrivateKey privateKey, Verifier verifier) {}

  public static byte[] keyId(String name, byte[] publicKey) {
    MessageDigest d = Sha256.digest();
    d.update(name.getBytes(StandardCharsets.UTF_8));
    d.update((byte) '\n');
    d.update(ED25519);
    d.update(publicKey);
    return Arrays.copyOf(d.digest(), 4);
  }

  public static Signer generate(String name) {
    if (name.isEmpty() || name.contains("+") || name.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("a key name is non-empty, without '+' or white space");
    }
    try {
      KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      return fromKeys(name, kp.getPrivate().getEncoded(), kp.getPublic().getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 is required by every JDK 15+", e);
    }
  }

  /** Rebuilds a signer from PKCS#8 private and X.509 public encodings (as stored in a key file). */
  public static Signer fromKeys(String name, byte[] pkcs8, byte[] x509) {
    if (x509.length != X509_PREFIX.length + 32
        || !Arrays.equals(Arrays.copyOf(x509, X509_PREFIX.length), X509_PREFIX)) {
      throw new IllegalArgumentException("not an Ed25519 public key");
    }
    try {
      PrivateKey priv =
          KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      byte[] pub = Arrays.copyOfRange(x509, X509_PREFIX.length, x509.length);
      return new Signer(name, priv, new Verifier(name, keyId(name, pub), pub));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an Ed25519 private key: " + e.getMessage());
    }
  }

  /** The X.509 encoding of a raw public key, for storing beside the private key. */
  public static byte[] x509(byte[] rawPublicKey) {
    byte[] x509 = new byte[X509_PREFIX.length + 32];
    System.arraycopy(X509_PREFIX, 0, x509, 0, X509_PREFIX.length);
    System.arraycopy(rawPublicKey, 0, x509, X509_PREFIX.length, 32);
    return x509;
  }
}

package dev.bulwark.server.notify;

import dev.bulwark.server.config.ConfigException;
import dev.bulwark.server.db.PrivateFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook signing secrets at rest: AES-256-GCM under a key in a file beside the ledger signing key
 * (mode 0600, generated on first start, refused if others can read it), so a copy of the database
 * or of a backup alone does not reveal them. A stored value is {@code v1:} and the base64 of a
 * random 96-bit nonce followed by the ciphertext and its tag; the webhook's id is authenticated
 * with it, so a secret copied onto another webhook's row does not decrypt.
 */
public final class WebhookSecrets {
  public static final String KEY_FILE = "webhook-secrets.key";
  private static final String HEADER = "bulwark-webhook-secrets-key v1";
  private static final String PREFIX = "v1:";
  private static final int NONCE_BYTES = 12;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKey key;

  private WebhookSecrets(SecretKey key) {
    this.key = key;
  }

  /** Thrown when a stored secret cannot be decrypted: another key, or a damaged value. */
  public static final class Unreadable extends Exception {
    Unreadable(String message) {
      super(message);
    }
  }

  /** Loads the key from {@code file}, creating it on first use. */
  public static WebhookSecrets loadOrCreate(Path file) {
    try {
      if (!Files.exists(file)) {
        create(file);
      }
      dev.bulwark.server.db.PrivateFiles.requireOwnerOnly(file, "webhook secrets key file");
      List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
      if (lines.size() < 2 || !lines.get(0).equals(HEADER)) {
        throw new ConfigException(
            "webhook secrets key file " + file + " is not a Bulwark webhook secrets key");
      }
      byte[] raw = Base64.getDecoder().decode(lines.get(1));
      if (raw.length != 32) {
        throw new ConfigException("webhook secrets key file " + file + " is damaged");
      }
      return new WebhookSecrets(new SecretKeySpec(raw, "AES"));
    } catch (IOException e) {
      throw new ConfigException(
          "cannot use webhook secrets key file " + file + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("webhook secrets key file " + file + " is damaged");
    }
  }

  private static void create(Path file) throws IOException {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String text = HEADER + "\n" + Base64.getEncoder().encodeToString(raw) + "\n";
    Path dir = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      PrivateFiles.directory(dir);
    }
    try {
      PrivateFiles.file(file);
    } catch (FileAlreadyExistsException e) {
      return;
    }
    if (Files.size(file) > 0) {
      return; // another process wrote it first; use that one
    }
    try (OutputStream out =
        Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.SYNC)) {
      out.write(text.getBytes(StandardCharsets.US_ASCII));
    }
  }

  /** True when {@code stored} is an encrypted value rather than a secret from before encryption. */
  public static boolean encrypted(String stored) {
    return stored.startsWith(PREFIX);
  }

  public String encrypt(long webhookId, String secret) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      c.updateAAD(aad(webhookId));
      byte[] sealed = c.doFinal(secret.getBytes(StandardCharsets.UTF_8));
      byte[] out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
      return PREFIX + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is part of every JDK", e);
    }
  }

  /** The secret of {@code stored}; a value from before encryption is returned as it is. */
  public String decrypt(long webhookId, String stored) throws Unreadable {
    if (!encrypted(stored)) {
      return stored;
    }
    byte[] all;
    try {
      all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new Unreadable("the stored secret of webhook " + webhookId + " is damaged");
    }
    if (all.length < NONCE_BYTES + 16) {
      throw new Unreadable("the stored secret of webhook " + webhookId + " is damaged");
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, all, 0, NONCE_BYTES));
      c.updateAAD(aad(webhookId));
      return new String(
          c.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new Unreadable(
          "the stored secret of webhook "
              + webhookId
              + " does not decrypt with "
              + KEY_FILE
              + " (another key, or a damaged value)");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is part of every JDK", e);
    }
  }

  private static byte[] aad(long webhookId) {
    return ("bulwark webhook " + webhookId).getBytes(StandardCharsets.UTF_8);
  }
}

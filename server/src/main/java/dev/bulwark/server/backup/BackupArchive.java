package dev.bulwark.server.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.common.Sha256;
import dev.bulwark.server.config.ConfigException;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.ledger.LedgerKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A backup archive: a zip of a manifest ({@value #MANIFEST}: the format, the SHA-256 and size of
 * every part, the ledger's size and key id), the database snapshot and, unless left out, the two
 * key files without which the restored data cannot be used as it was: the ledger signing key (the
 * checkpoints verify only with it) and the webhook secrets key. Entry names are fixed; an archive
 * with any other entry is refused, so nothing in it names a path.
 */
public final class BackupArchive {
  public static final String FORMAT = "bulwark-backup/1";
  public static final String MANIFEST = "bulwark-backup.json";
  public static final String DATABASE = Database.SQLITE_FILE;
  public static final String LEDGER_KEY = "ledger-signing.key";

  /**
   * As the notify feature names it (its WebhookSecrets.KEY_FILE); features do not import others.
   */
  public static final String WEBHOOK_KEY = "webhook-secrets.key";

  private static final Set<String> ENTRIES = Set.of(MANIFEST, DATABASE, LEDGER_KEY, WEBHOOK_KEY);
  private static final long MAX_KEY_BYTES = 64 * 1024;
  private static final long MAX_MANIFEST_BYTES = 64 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private BackupArchive() {}

  /** The key files of a server: the ledger signing key and, beside it, the webhook secrets key. */
  public record KeyFiles(Path ledgerKey, Path webhookKey) {
    public KeyFiles {
      if (ledgerKey == null || webhookKey == null) {
        throw new IllegalArgumentException("both key paths are required");
      }
    }

    /** Where the server keeps them: the webhook key beside the ledger key (BulwarkServer). */
    public static KeyFiles beside(Path ledgerKey) {
      return new KeyFiles(ledgerKey, ledgerKey.toAbsolutePath().resolveSibling(WEBHOOK_KEY));
    }
  }

  /**
   * What an archive holds, from its manifest (checked against the parts). {@code ledgerKeyId} is
   * the hex key id of the signing key of the server it came from, also when the key was left out.
   */
  public record Manifest(
      String format,
      Instant created,
      long databaseBytes,
      String databaseSha256,
      long ledgerEntries,
      String ledgerKeyId,
      Map<String, String> keys) {
    public Manifest {
      keys = Map.copyOf(keys);
    }

    public boolean hasLedgerKey() {
      return keys.containsKey(LEDGER_KEY);
    }
  }

  /**
   * Writes an archive of the running database {@code db} to {@code target} (which must not exist),
   * created owner-only from the start: it holds the keys. The snapshot is staged in {@code workDir}
   * and checked as a restore checks it before it goes in.
   */
  static Manifest write(
      Database db, KeyFiles keys, boolean withKeys, Path target, Path workDir, Clock clock)
      throws IOException, SQLException, Backups.NotABackup {
    Path snapshot = workDir.resolve(target.getFileName() + ".db");
    try {
      Backups.snapshot(db, snapshot);
      Backups.verify(snapshot);
      BackupDao.Ledger ledger = BackupDao.ledger(snapshot);
      byte[] ledgerKey = Files.readAllBytes(keys.ledgerKey());
      String keyId =
          HexFormat.of()
              .formatHex(
                  LedgerKeys.parse(ledgerKey, "ledger key file " + keys.ledgerKey())
                      .verifier()
                      .keyId());
      Map<String, byte[]> keyParts = new LinkedHashMap<>();
      if (withKeys) {
        keyParts.put(LEDGER_KEY, ledgerKey);
        if (Files.exists(keys.webhookKey())) {
          keyParts.put(WEBHOOK_KEY, Files.readAllBytes(keys.webhookKey()));
        }
      }
      Map<String, String> sums = new LinkedHashMap<>();
      keyParts.forEach((name, bytes) -> sums.put(name, Sha256.hex(bytes)));
      Manifest manifest =
          new Manifest(
              FORMAT,
              clock.instant(),
              Files.size(snapshot),
              sha256(snapshot),
              ledger.entries(),
              keyId,
              sums);
      createPrivate(target);
      try (OutputStream file = Files.newOutputStream(target, StandardOpenOption.WRITE);
          ZipOutputStream zip = new ZipOutputStream(file)) {
        zip.putNextEntry(new ZipEntry(MANIFEST));
        zip.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson(manifest)));
        zip.closeEntry();
        zip.putNextEntry(new ZipEntry(DATABASE));
        Files.copy(snapshot, zip);
        zip.closeEntry();
        for (var part : keyParts.entrySet()) {
          zip.putNextEntry(new ZipEntry(part.getKey()));
          zip.write(part.getValue());
          zip.closeEntry();
        }
      }
      return manifest;
    } finally {
      Files.deleteIfExists(snapshot);
    }
  }

  /** A file created empty with mode 0600 (where the file system has modes), never wider. */
  public static void createPrivate(Path file) throws IOException {
    if (Files.getFileStore(file.toAbsolutePath().getParent()).supportsFileAttributeView("posix")) {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(file);
    }
  }

  /** An archive read and checked: the database staged in a file, the keys in memory. */
  record Opened(
      Manifest manifest, Path database, Optional<byte[]> ledgerKey, Optional<byte[]> webhookKey) {}

  /**
   * Reads {@code file} (an archive, or a bare SQLite database as older versions wrote), staging the
   * database as {@code staged}; every part is checked against the manifest's checksums and the
   * database as {@link Backups#verify} checks it.
   */
  static Opened open(Path file, Path staged) throws IOException, Backups.NotABackup {
    if (!Files.isRegularFile(file)) {
      throw new Backups.NotABackup(file + " is not a file");
    }
    byte[] magic;
    try (InputStream in = Files.newInputStream(file)) {
      magic = in.readNBytes(4);
    }
    if (magic.length == 4 && magic[0] == 'S' && magic[1] == 'Q') {
      // A bare database (a backup of an older version): no keys, no manifest.
      Backups.verify(file);
      Files.copy(file, staged);
      BackupDao.Ledger ledger = ledgerOf(staged);
      return new Opened(
          new Manifest(
              "sqlite", null, Files.size(staged), sha256(staged), ledger.entries(), null, Map.of()),
          staged,
          Optional.empty(),
          Optional.empty());
    }
    if (!(magic.length == 4 && magic[0] == 'P' && magic[1] == 'K')) {
      throw new Backups.NotABackup(
          file + " is not a Bulwark backup (neither a backup archive nor an SQLite database)");
    }
    try (ZipFile zip = new ZipFile(file.toFile())) {
      for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
        String name = e.nextElement().getName();
        if (!ENTRIES.contains(name)) {
          throw new Backups.NotABackup(file + " is not a Bulwark backup: it holds " + name);
        }
      }
      ZipEntry m = zip.getEntry(MANIFEST);
      if (m == null) {
        throw new Backups.NotABackup(
            file + " is a zip but not a Bulwark backup (no " + MANIFEST + ")");
      }
      Manifest manifest = fromJson(file, read(zip, m, MAX_MANIFEST_BYTES, file));
      ZipEntry d = zip.getEntry(DATABASE);
      if (d == null) {
        throw new Backups.NotABackup(file + " holds no database");
      }
      MessageDigest digest = Sha256.digest();
      try (InputStream in = new DigestInputStream(zip.getInputStream(d), digest)) {
        Files.copy(in, staged);
      }
      if (!HexFormat.of().formatHex(digest.digest()).equals(manifest.databaseSha256())) {
        throw new Backups.NotABackup(
            file + " is damaged: its database does not match the manifest's checksum");
      }
      Backups.verify(staged);
      Optional<byte[]> ledgerKey = key(zip, file, manifest, LEDGER_KEY);
      Optional<byte[]> webhookKey = key(zip, file, manifest, WEBHOOK_KEY);
      return new Opened(manifest, staged, ledgerKey, webhookKey);
    } catch (ZipException e) {
      throw new Backups.NotABackup(file + " is a damaged zip: " + e.getMessage());
    }
  }

  private static Optional<byte[]> key(ZipFile zip, Path file, Manifest manifest, String name)
      throws IOException, Backups.NotABackup {
    ZipEntry e = zip.getEntry(name);
    String sum = manifest.keys().get(name);
    if (e == null && sum == null) {
      return Optional.empty();
    }
    if (e == null || sum == null) {
      throw new Backups.NotABackup(
          file
              + " is damaged: "
              + name
              + " is "
              + (e == null ? "listed but missing" : "not listed"));
    }
    byte[] bytes = read(zip, e, MAX_KEY_BYTES, file);
    if (!Sha256.hex(bytes).equals(sum)) {
      throw new Backups.NotABackup(
          file + " is damaged: " + name + " does not match the manifest's checksum");
    }
    return Optional.of(bytes);
  }

  static BackupDao.Ledger ledgerOf(Path database) throws Backups.NotABackup {
    try {
      return BackupDao.ledger(database);
    } catch (SQLException e) {
      throw new Backups.NotABackup(database + " has no readable ledger: " + e.getMessage());
    }
  }

  /** Whether {@code key} (a key file's content) signed the latest checkpoint of {@code ledger}. */
  static String keyProblem(byte[] key, String where, BackupDao.Ledger ledger) {
    try {
      var signer = LedgerKeys.parse(key, where);
      if (ledger.latestCheckpoint() != null
          && !LedgerKeys.signed(ledger.latestCheckpoint(), signer)) {
        return where
            + " (key id "
            + HexFormat.of().formatHex(signer.verifier().keyId())
            + ") did not sign this ledger's checkpoints";
      }
      return null;
    } catch (ConfigException e) {
      return e.getMessage();
    }
  }

  private static byte[] read(ZipFile zip, ZipEntry e, long max, Path file)
      throws IOException, Backups.NotABackup {
    try (InputStream in = zip.getInputStream(e)) {
      byte[] bytes = in.readNBytes((int) max + 1);
      if (bytes.length > max) {
        throw new Backups.NotABackup(file + ": " + e.getName() + " is too large");
      }
      return bytes;
    }
  }

  static String sha256(Path file) throws IOException {
    MessageDigest d = Sha256.digest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), d)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(d.digest());
  }

  private static ObjectNode toJson(Manifest m) {
    ObjectNode n = JSON.createObjectNode();
    n.put("format", m.format());
    n.put("created", m.created().toString());
    ObjectNode db = n.putObject("database");
    db.put("file", DATABASE);
    db.put("bytes", m.databaseBytes());
    db.put("sha256", m.databaseSha256());
    ObjectNode ledger = n.putObject("ledger");
    ledger.put("entries", m.ledgerEntries());
    ledger.put("keyId", m.ledgerKeyId());
    ObjectNode keys = n.putObject("keys");
    m.keys().forEach(keys::put);
    n.put(
        "note",
        m.hasLedgerKey()
            ? "holds the ledger signing key: store this file as you store that key"
            : "without the ledger signing key: a restore needs the key file of key id "
                + m.ledgerKeyId()
                + " from elsewhere, or the ledger's checkpoints will not verify");
    return n;
  }

  private static Manifest fromJson(Path file, byte[] bytes) throws Backups.NotABackup {
    try {
      JsonNode n = JSON.readTree(bytes);
      if (!FORMAT.equals(n.path("format").asText())) {
        throw new Backups.NotABackup(
            file + " is a backup of format '" + n.path("format").asText() + "', not " + FORMAT);
      }
      Map<String, String> keys = new LinkedHashMap<>();
      for (var k : n.path("keys").properties()) {
        keys.put(k.getKey(), k.getValue().asText());
      }
      String sha = n.path("database").path("sha256").asText();
      if (sha.length() != 64) {
        throw new Backups.NotABackup(file + ": the manifest has no database checksum");
      }
      return new Manifest(
          FORMAT,
          Instant.parse(n.path("created").asText()),
          n.path("database").path("bytes").asLong(),
          sha,
          n.path("ledger").path("entries").asLong(),
          n.path("ledger").path("keyId").isTextual()
              ? n.path("ledger").path("keyId").asText()
              : null,
          keys);
    } catch (IOException | java.time.format.DateTimeParseException e) {
      throw new Backups.NotABackup(file + ": the manifest is not readable: " + e.getMessage());
    }
  }
}

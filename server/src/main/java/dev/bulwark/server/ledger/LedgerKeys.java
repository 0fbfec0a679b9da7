package dev.bulwark.server.ledger;

import dev.bulwark.ledger.NoteKey;
import dev.bulwark.ledger.SignedNote;
import dev.bulwark.server.config.ConfigException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The checkpoint signing key: an Ed25519 key in a file readable by its owner only (mode 0600),
 * generated on first start or supplied. A key file that others may read is refused, as ssh does.
 */
public final class LedgerKeys {
  private static final String HEADER = "bulwark-ledger-key v1";

  private LedgerKeys() {}

  public static NoteKey.Signer loadOrCreate(Path file, String origin) {
    try {
      if (!Files.exists(file)) {
        create(file, origin);
      }
      dev.bulwark.server.db.PrivateFiles.requireOwnerOnly(file, "ledger key file");
      NoteKey.Signer key = parse(Files.readAllBytes(file), "ledger key file " + file);
      if (!key.name().equals(origin)) {
        throw new ConfigException(
            "ledger key file "
                + file
                + " signs as '"
                + key.name()
                + "', but ledger.origin is '"
                + origin
                + "'");
      }
      return key;
    } catch (IOException e) {
      throw new ConfigException("cannot use ledger key file " + file + ": " + e.getMessage());
    }
  }

  /**
   * The key of a ledger that may already hold entries. A ledger with entries never gets a new key:
   * its checkpoints are signed by the old one, so a new key would leave all of them unverifiable
   * (the restore of a backup without its key file did exactly that). And the key found must be the
   * one that signed the latest checkpoint.
   */
  public static NoteKey.Signer loadOrCreate(Path file, String origin, LedgerStore ledger) {
    long entries = ledger.size();
    if (entries > 0 && !Files.exists(file)) {
      throw new ConfigException(
          "the ledger holds "
              + entries
              + " entries but its signing key "
              + file
              + " is missing; put back the key file of this database (a backup archive holds it),"
              + " or set ledger.keyFile: a new key would leave every checkpoint unverifiable");
    }
    NoteKey.Signer key = loadOrCreate(file, origin);
    Optional<String> latest = ledger.latestCheckpoint();
    if (latest.isPresent()
        && SignedNote.verify(latest.get(), key.verifier()) instanceof SignedNote.Result.Invalid) {
      throw new ConfigException(
          "ledger key file "
              + file
              + " (key id "
              + HexFormat.of().formatHex(key.verifier().keyId())
              + ") did not sign this ledger's checkpoints; use the key file of this database");
    }
    return key;
  }

  /** Whether {@code note} is a checkpoint signed by {@code key}. */
  public static boolean signed(String note, NoteKey.Signer key) {
    return SignedNote.verify(note, key.verifier()) instanceof SignedNote.Result.Valid;
  }

  /**
   * Parses the content of a key file ({@code where} names it in errors), as a restore checks a key
   * before it writes anything.
   */
  public static NoteKey.Signer parse(byte[] content, String where) {
    List<String> lines = new String(content, StandardCharsets.US_ASCII).lines().toList();
    if (lines.size() < 4 || !lines.get(0).equals(HEADER)) {
      throw new ConfigException(where + " is not a Bulwark ledger key");
    }
    try {
      return NoteKey.fromKeys(
          lines.get(1),
          Base64.getDecoder().decode(lines.get(2)),
          Base64.getDecoder().decode(lines.get(3)));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(where + " is damaged: " + e.getMessage());
    }
  }

  private static void create(Path file, String origin) throws IOException {
    NoteKey.Signer key = NoteKey.generate(origin);
    String text =
        HEADER
            + "\n"
            + origin
            + "\n"
            + Base64.getEncoder().encodeToString(key.privateKey().getEncoded())
            + "\n"
            + Base64.getEncoder().encodeToString(NoteKey.x509(key.verifier().publicKey()))
            + "\n";
    Path dir = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      dev.bulwark.server.db.PrivateFiles.directory(dir);
    }
    boolean posix =
        Files.getFileStore(file.toAbsolutePath().getParent()).supportsFileAttributeView("posix");
    try {
      if (posix) {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(file);
      }
    } catch (FileAlreadyExistsException e) {
      return; // another process created it first; use that one
    }
    try (OutputStream out =
        Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.SYNC)) {
      out.write(text.getBytes(StandardCharsets.US_ASCII));
    }
  }
}

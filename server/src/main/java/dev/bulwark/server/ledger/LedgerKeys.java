package dev.bulwark.server.ledger;

import dev.bulwark.ledger.NoteKey;
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
import java.util.List;

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
      List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
      if (lines.size() < 4 || !lines.get(0).equals(HEADER)) {
        throw new ConfigException("ledger key file " + file + " is not a Bulwark ledger key");
      }
      String name = lines.get(1);
      if (!name.equals(origin)) {
        throw new ConfigException(
            "ledger key file "
                + file
                + " signs as '"
                + name
                + "', but ledger.origin is '"
                + origin
                + "'");
      }
      return NoteKey.fromKeys(
          name, Base64.getDecoder().decode(lines.get(2)), Base64.getDecoder().decode(lines.get(3)));
    } catch (IOException e) {
      throw new ConfigException("cannot use ledger key file " + file + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("ledger key file " + file + " is damaged: " + e.getMessage());
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

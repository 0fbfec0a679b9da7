package dev.bulwark.server.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.ledger.NoteKey;
import dev.bulwark.server.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerKeysTest {
  @TempDir Path dir;

  @Test
  void aKeyIsGeneratedOwnerOnlyAndLoadedAgain() throws Exception {
    Path file = dir.resolve("ledger.key");
    NoteKey.Signer first = LedgerKeys.loadOrCreate(file, "example.test/ledger");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    NoteKey.Signer again = LedgerKeys.loadOrCreate(file, "example.test/ledger");
    assertThat(again.verifier().encoded()).isEqualTo(first.verifier().encoded());
  }

  @Test
  void aKeyOthersCanReadOrOfAnotherOriginOrDamagedIsRefused() throws Exception {
    Path file = dir.resolve("ledger.key");
    LedgerKeys.loadOrCreate(file, "example.test/ledger");
    assertThatThrownBy(() -> LedgerKeys.loadOrCreate(file, "other.test/ledger"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ledger.origin");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> LedgerKeys.loadOrCreate(file, "example.test/ledger"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("chmod 600");
    Path junk = dir.resolve("junk.key");
    Files.writeString(junk, "hello");
    Files.setPosixFilePermissions(junk, PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> LedgerKeys.loadOrCreate(junk, "example.test/ledger"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not a Bulwark ledger key");
  }
}

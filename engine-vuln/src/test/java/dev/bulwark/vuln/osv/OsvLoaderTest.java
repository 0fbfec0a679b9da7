package dev.bulwark.vuln.osv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OsvLoaderTest {
  @TempDir Path dir;

  static final String RECORD = "{\"id\": \"X-1\", \"affected\": []}";

  Path zip(String name, Object... entries) throws Exception {
    Path z = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(z);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      for (int i = 0; i < entries.length; i += 2) {
        zip.putNextEntry(new ZipEntry((String) entries[i]));
        Object body = entries[i + 1];
        zip.write(body instanceof byte[] b ? b : ((String) body).getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    return z;
  }

  @Test
  void zipsDirectoriesAndSingleFilesInJsonAndYaml() throws Exception {
    Path z =
        zip(
            "export.zip",
            "X-1.json",
            RECORD,
            "X-2.json",
            "{\"id\": \"X-2\"}",
            "README.txt",
            "not a record");
    Path d = Files.createDirectories(dir.resolve("records/nested"));
    Files.writeString(d.resolve("Y-1.yaml"), "id: Y-1\naffected: []\n");
    Files.writeString(dir.resolve("records/Y-2.json"), "{\"id\": \"Y-2\"}");
    List<Advisory> all = OsvLoader.load(List.of(z, dir.resolve("records")));
    assertThat(all).extracting(Advisory::id).containsExactly("X-1", "X-2", "Y-2", "Y-1");
  }

  @Test
  void zipSlipEntriesAreRefused() throws Exception {
    for (String evil :
        List.of(
            "../../etc/cron.d/evil.json", "/abs/evil.json", "a/../../evil.json", "..\\evil.json")) {
      Path z = zip("slip" + Math.abs(evil.hashCode()) + ".zip", evil, RECORD);
      assertThatThrownBy(() -> OsvLoader.load(List.of(z)))
          .isInstanceOf(OsvFormatException.class)
          .hasMessageContaining("zip slip");
    }
    assertThat(OsvLoader.isUnsafe("GO-2020-0001.json")).isFalse();
    assertThat(OsvLoader.isUnsafe("dir/..hidden.json")).isFalse();
  }

  @Test
  void zipBombsAreRefusedWithoutInflatingThem() throws Exception {
    byte[] zeros = new byte[(int) OsvLoader.MAX_ENTRY_BYTES + 1024];
    Path z = zip("bomb.zip", "bomb.json", zeros);
    assertThat(Files.size(z)).isLessThan(100_000);
    assertThatThrownBy(() -> OsvLoader.load(List.of(z)))
        .isInstanceOf(OsvFormatException.class)
        .hasMessageContaining("zip bomb");
  }

  @Test
  void badRecordsNameTheirFileAndPosition() throws Exception {
    Path z = zip("bad.zip", "X-1.json", RECORD, "BROKEN.json", "{\"id\": \"B\",\n \"affected\": [");
    assertThatThrownBy(() -> OsvLoader.load(List.of(z)))
        .isInstanceOf(OsvFormatException.class)
        .hasMessageContaining("bad.zip!BROKEN.json:2:");
    Path notOsv = dir.resolve("package.json");
    Files.writeString(notOsv, "{\"name\": \"my-app\", \"version\": \"1.0.0\"}");
    assertThatThrownBy(() -> OsvLoader.load(List.of(notOsv)))
        .hasMessageContaining("package.json")
        .hasMessageContaining("not an OSV record");
    Path array = dir.resolve("array.json");
    Files.writeString(array, "[1, 2]");
    assertThatThrownBy(() -> OsvLoader.load(List.of(array)))
        .hasMessageContaining("not an OSV record");
    Path badEvent = dir.resolve("event.json");
    Files.writeString(
        badEvent,
        "{\"id\": \"E\", \"affected\": [{\"package\": {\"ecosystem\": \"npm\", \"name\": \"x\"}, \"ranges\": [{\"type\": \"SEMVER\", \"events\": [{\"introduced\": \"0\", \"fixed\": \"1\"}]}]}]}");
    assertThatThrownBy(() -> OsvLoader.load(List.of(badEvent))).hasMessageContaining("exactly one");
    Path notZip = dir.resolve("fake.zip");
    Files.writeString(notZip, "PK but not really");
    assertThatThrownBy(() -> OsvLoader.load(List.of(notZip)))
        .isInstanceOf(OsvFormatException.class)
        .hasMessageContaining("fake.zip");
    assertThatThrownBy(() -> OsvLoader.load(List.of(dir.resolve("missing"))))
        .hasMessageContaining("no such file");
  }

  /**
   * Ten to the eleventh "x" if aliases were expanded. Jackson's YAML parser does not expand aliases
   * into copies, so the record loads at once with its small size; the timeout fails the test if
   * that ever changes.
   */
  @Test
  @org.junit.jupiter.api.Timeout(10)
  void yamlAliasBombsDoNotExpand() throws Exception {
    StringBuilder y = new StringBuilder("id: LOL\na: &a [x,x,x,x,x,x,x,x,x,x]\n");
    for (char c = 'b'; c <= 'k'; c++) {
      y.append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 10; i++) {
        y.append(i == 0 ? "" : ",").append('*').append((char) (c - 1));
      }
      y.append("]\n");
    }
    Path f = dir.resolve("lol.yaml");
    Files.writeString(f, y.toString());
    assertThat(OsvLoader.load(List.of(f))).extracting(Advisory::id).containsExactly("LOL");
  }

  @Test
  void aDirectoryWithNothingElseLoadsNothingQuietlyButAllRecords() throws Exception {
    Files.createDirectories(dir.resolve("empty"));
    List<Advisory> out = new ArrayList<>();
    OsvLoader.load(dir.resolve("empty"), out);
    assertThat(out).isEmpty();
  }
}

package dev.bulwark.server.advisories;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OSV export zips over real HTTP: conditional GET, atomic replacement, fallback to the cache. */
class OsvDownloaderTest {
  @TempDir Path tmp;
  HttpServer server;
  final AtomicReference<byte[]> zip = new AtomicReference<>();
  final AtomicReference<String> etag = new AtomicReference<>("\"v1\"");
  final AtomicInteger status = new AtomicInteger(200);
  final List<String> conditions = new CopyOnWriteArrayList<>();
  URI url;

  static byte[] zipOf(String... ids) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      for (String id : ids) {
        z.putNextEntry(new ZipEntry(id + ".json"));
        z.write(
            Files.readAllBytes(
                Path.of(OsvDownloaderTest.class.getResource("/osv/" + id + ".json").toURI())));
        z.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  @BeforeEach
  void start() throws Exception {
    zip.set(zipOf("GO-2020-0001"));
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/Go/all.zip",
        ex -> {
          String inm = ex.getRequestHeaders().getFirst("If-None-Match");
          conditions.add(String.valueOf(inm));
          if (status.get() != 200) {
            ex.sendResponseHeaders(status.get(), -1);
          } else if (etag.get().equals(inm)) {
            ex.sendResponseHeaders(304, -1);
          } else {
            ex.getResponseHeaders().add("ETag", etag.get());
            ex.sendResponseHeaders(200, zip.get().length);
            ex.getResponseBody().write(zip.get());
          }
          ex.close();
        });
    server.start();
    url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/Go/all.zip");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void conditionalGetThenReplacementThenFallback() throws Exception {
    OsvDownloader d = new OsvDownloader(tmp.resolve("cache"));
    OsvDownloader.Fetched first = d.fetch(url);
    assertThat(first.outcome()).isEqualTo(OsvDownloader.Outcome.DOWNLOADED);
    assertThat(Files.readAllBytes(first.file())).isEqualTo(zip.get());

    OsvDownloader.Fetched again = d.fetch(url);
    assertThat(again.outcome()).isEqualTo(OsvDownloader.Outcome.NOT_MODIFIED);
    assertThat(conditions).containsExactly("null", "\"v1\"");

    zip.set(zipOf("GO-2020-0001", "GO-2022-0493"));
    etag.set("\"v2\"");
    OsvDownloader.Fetched changed = d.fetch(url);
    assertThat(changed.outcome()).isEqualTo(OsvDownloader.Outcome.DOWNLOADED);
    assertThat(Files.readAllBytes(changed.file())).isEqualTo(zip.get());

    status.set(503);
    OsvDownloader.Fetched down = d.fetch(url);
    assertThat(down.outcome()).isEqualTo(OsvDownloader.Outcome.CACHED_AFTER_ERROR);
    assertThat(Files.readAllBytes(down.file())).isEqualTo(zip.get());
    try (var leftovers = Files.list(tmp.resolve("cache"))) {
      assertThat(leftovers.map(p -> p.getFileName().toString()))
          .as("no partial downloads left behind")
          .noneMatch(n -> n.endsWith(".part"));
    }
  }

  @Test
  void noCopyAndNoServerIsAnError() throws IOException {
    status.set(500);
    OsvDownloader d = new OsvDownloader(tmp.resolve("cache"));
    assertThatThrownBy(() -> d.fetch(url))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("HTTP 500")
        .hasMessageContaining("no earlier copy");
    server.stop(0);
    assertThatThrownBy(() -> d.fetch(url)).hasMessageContaining("cannot reach it");
  }

  @Test
  void advisoriesFromAUrlReportOnlyWhatChanged() throws Exception {
    Advisories a = new Advisories(List.of(), List.of(url), tmp.resolve("cache"));
    assertThat(a.load().changedIds()).containsExactly("GO-2020-0001");
    assertThat(a.load().changedIds()).as("304: nothing changed").isEmpty();
    zip.set(zipOf("GO-2020-0001", "GO-2022-0493"));
    etag.set("\"v2\"");
    assertThat(a.load().changedIds()).containsExactly("GO-2022-0493");
    assertThat(a.index().size()).isEqualTo(2);
  }
}

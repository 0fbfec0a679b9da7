package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.bulwark.server.http.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code advisories fetch} and {@code scan --osv URL} against an HTTP server the test serves over a
 * real socket, as OSV's bucket answers: a zip per ecosystem, ETag and Last-Modified, 304s.
 */
class AdvisoriesFetchTest {
  @TempDir Path dir;
  HttpServer server;
  String base;
  final Map<String, byte[]> exports = new ConcurrentHashMap<>();
  final List<String> requests = new CopyOnWriteArrayList<>();

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  static byte[] zip(Map<String, String> records) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      for (var r : records.entrySet()) {
        z.putNextEntry(new ZipEntry(r.getKey()));
        z.write(r.getValue().getBytes(StandardCharsets.UTF_8));
        z.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  static String record(String id, String ecosystem, String name, String fixed) {
    return """
        {"id": "%s", "modified": "2026-01-01T00:00:00Z",
         "affected": [{"package": {"ecosystem": "%s", "name": "%s"},
           "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "%s"}]}]}]}
        """
        .formatted(id, ecosystem, name, fixed);
  }

  @BeforeEach
  void serve() throws IOException {
    exports.put(
        "/Go/all.zip",
        zip(
            Map.of(
                "GO-2099-0001.json", record("GO-2099-0001", "Go", "example.com/lib", "1.2.0"),
                "GO-2099-0002.json", record("GO-2099-0002", "Go", "example.com/other", "2.0.0"))));
    exports.put(
        "/npm/all.zip", zip(Map.of("GHSA-x.json", record("GHSA-x", "npm", "left-pad", "1.3.0"))));
    exports.put(
        "/Debian:12/all.zip",
        zip(Map.of("DSA-1.json", record("DSA-1", "Debian:12", "openssl", "3.0.1"))));
    exports.put(
        "/NotAZip/all.zip", "<html>a captive portal</html>".getBytes(StandardCharsets.UTF_8));
    exports.put("/ecosystems.txt", "Go\nnpm\nDebian:12\n".getBytes(StandardCharsets.UTF_8));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::answer);
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void answer(HttpExchange x) throws IOException {
    String path = x.getRequestURI().getPath();
    requests.add(
        path
            + " inm="
            + x.getRequestHeaders().getFirst("If-None-Match")
            + " ims="
            + x.getRequestHeaders().getFirst("If-Modified-Since"));
    byte[] body = exports.get(path);
    if (body == null) {
      x.sendResponseHeaders(404, -1);
      x.close();
      return;
    }
    String etag = "\"" + java.util.Arrays.hashCode(body) + "\"";
    if (etag.equals(x.getRequestHeaders().getFirst("If-None-Match"))) {
      x.sendResponseHeaders(304, -1);
      x.close();
      return;
    }
    x.getResponseHeaders().add("ETag", etag);
    x.getResponseHeaders().add("Last-Modified", "Tue, 01 Dec 2026 10:00:00 GMT");
    x.sendResponseHeaders(200, body.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(body);
    }
  }

  @Test
  void fetchesEachExportOnceAndThenOnlyAsksWhetherItChanged() throws Exception {
    Path out = dir.resolve("osv");
    Result r =
        run(
            "advisories",
            "fetch",
            "--ecosystem",
            "go,npm",
            "--ecosystem",
            "Debian:12",
            "--mirror",
            base,
            "-o",
            out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("Go: downloaded")
        .contains("2 records")
        .contains("npm: downloaded")
        .contains("Debian:12: downloaded");
    assertThat(requests).contains("/Debian:12/all.zip inm=null ims=null");
    byte[] go = Files.readAllBytes(out.resolve("Go.zip"));
    assertThat(go).isEqualTo(exports.get("/Go/all.zip"));
    String sum = dev.bulwark.common.Sha256.hex(go);
    assertThat(Files.readString(out.resolve("Go.zip.sha256"))).isEqualTo(sum + "  Go.zip\n");
    assertThat(r.out()).contains("sha256 " + sum);
    assertThat(out.resolve("Debian_12.zip")).exists();

    requests.clear();
    Result again =
        run(
            "advisories",
            "fetch",
            "--ecosystem",
            "Go",
            "--mirror",
            base,
            "-o",
            out.toString(),
            "--format",
            "json");
    assertThat(again.code()).as(again.err()).isZero();
    JsonNode row = Json.MAPPER.readTree(again.out()).path("fetched").get(0);
    assertThat(row.path("outcome").asText()).isEqualTo("unchanged");
    assertThat(row.path("sha256").asText()).isEqualTo(sum);
    assertThat(row.path("records").asInt()).isEqualTo(2);
    assertThat(requests)
        .singleElement()
        .asString()
        .contains("inm=\"")
        .contains("ims=Tue, 01 Dec 2026 10:00:00 GMT");

    // A copy changed on disk is not asked about conditionally: it is downloaded again.
    Files.write(out.resolve("Go.zip"), new byte[] {1, 2, 3});
    requests.clear();
    Result repaired =
        run("advisories", "fetch", "--ecosystem", "Go", "--mirror", base, "-o", out.toString());
    assertThat(repaired.out()).contains("Go: downloaded").contains("sha256 " + sum);
    assertThat(requests).singleElement().asString().contains("inm=null");
    assertThat(Files.readAllBytes(out.resolve("Go.zip"))).isEqualTo(go);

    // Upstream changes: the new export replaces the old, and its checksum follows.
    exports.put(
        "/Go/all.zip",
        zip(Map.of("GO-2099-0003.json", record("GO-2099-0003", "Go", "example.com/new", "1.0.1"))));
    Result changed =
        run("advisories", "fetch", "--ecosystem", "Go", "--mirror", base, "-o", out.toString());
    assertThat(changed.out()).contains("Go: downloaded").contains("1 records");
    assertThat(Files.readString(out.resolve("Go.zip.sha256")))
        .startsWith(dev.bulwark.common.Sha256.hex(exports.get("/Go/all.zip")));
  }

  @Test
  void aMirrorWithATrailingSlashAndTheDeprecatedOutSpellingWork() {
    Path out = dir.resolve("osv");
    Result r =
        run(
            "advisories",
            "fetch",
            "--ecosystem",
            "npm",
            "--mirror",
            base + "/",
            "--out",
            out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("--out is deprecated");
    assertThat(out.resolve("npm.zip")).exists();
  }

  @Test
  void errorsAreOneLineWithTheirExitCodesAndReplaceNothing() throws Exception {
    Path out = dir.resolve("osv");
    assertThat(
            run("advisories", "fetch", "--ecosystem", "Go", "--mirror", base, "-o", out.toString())
                .code())
        .isZero();
    byte[] before = Files.readAllBytes(out.resolve("Go.zip"));

    Result unknown =
        run("advisories", "fetch", "--ecosystem", "Gopher", "--mirror", base, "-o", out.toString());
    assertThat(unknown.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(unknown.err().strip())
        .doesNotContain("\n")
        .contains("Gopher: no OSV export at " + base + "/Gopher/all.zip (HTTP 404)")
        .contains("the ecosystems there: Go, npm, Debian:12");

    Result notZip =
        run(
            "advisories",
            "fetch",
            "--ecosystem",
            "NotAZip",
            "--mirror",
            base,
            "-o",
            out.toString());
    assertThat(notZip.code()).isEqualTo(ExitCodes.SERVER);
    assertThat(notZip.err().strip())
        .doesNotContain("\n")
        .contains("did not answer with a zip of OSV records")
        .contains("nothing was replaced");
    assertThat(out.resolve("NotAZip.zip")).doesNotExist();

    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Result down =
        run(
            "advisories",
            "fetch",
            "--ecosystem",
            "Go",
            "--mirror",
            "http://127.0.0.1:" + closed,
            "-o",
            out.toString());
    assertThat(down.code()).isEqualTo(ExitCodes.SERVER);
    assertThat(down.err()).contains("cannot fetch").contains("connection refused");
    assertThat(Files.readAllBytes(out.resolve("Go.zip"))).isEqualTo(before);
    try (var left = Files.list(out)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
    }

    Path file = Files.writeString(dir.resolve("a-file"), "x");
    assertThat(
            run("advisories", "fetch", "--ecosystem", "Go", "--mirror", base, "-o", file.toString())
                .code())
        .isEqualTo(ExitCodes.INPUT);
    assertThat(run("advisories", "fetch", "--ecosystem", "Go", "--mirror", base).code())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(
            run("advisories", "fetch", "--ecosystem", "Go", "--mirror", "ftp://x", "-o", "d")
                .code())
        .isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void scanTakesAnExportUrlAndKeepsItInItsCache() throws Exception {
    Path sbom = dir.resolve("app.cdx.json");
    Files.writeString(
        sbom,
        """
        {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
          {"bom-ref": "a", "name": "left-pad", "version": "1.1.0", "purl": "pkg:npm/left-pad@1.1.0"}]}
        """);
    Path cache = dir.resolve("cache");
    String url = base + "/npm/all.zip";
    Result r =
        run(
            "scan",
            sbom.toString(),
            "--osv",
            url,
            "--cache-dir",
            cache.toString(),
            "--format",
            "json");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("GHSA-x");
    requests.clear();
    Result again =
        run(
            "scan",
            sbom.toString(),
            "--osv",
            url,
            "--cache-dir",
            cache.toString(),
            "--format",
            "json");
    assertThat(again.out()).contains("GHSA-x");
    assertThat(requests).singleElement().asString().contains("inm=\"");
    try (var files = Files.list(cache.resolve("osv-downloads"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.endsWith(".zip"))
          .anyMatch(n -> n.endsWith(".zip.sha256"));
    }
    Result missing =
        run(
            "scan",
            sbom.toString(),
            "--osv",
            base + "/Nope/all.zip",
            "--cache-dir",
            cache.toString());
    assertThat(missing.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(missing.err()).contains("HTTP 404");
  }
}

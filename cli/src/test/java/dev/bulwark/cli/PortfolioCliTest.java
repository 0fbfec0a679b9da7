package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** bulwark portfolio components against a real server: OS packages, vers ranges by scheme. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PortfolioCliTest {
  TestServer ts;
  Path data;

  record Result(int code, String out, String err) {}

  @BeforeAll
  void start() throws IOException {
    data = Files.createTempDirectory("bulwark-cli-portfolio");
    ts = new TestServer(TestDatabases.Kind.SQLITE, data);
    assertThat(
            client(
                    "services",
                    "put",
                    "img",
                    "--team",
                    "img",
                    "--area",
                    "backend",
                    "--criticality",
                    "high")
                .code())
        .isZero();
    upload("1.0", "300.0.0", "3.0.11-1~deb12u1");
    upload("2.0", "300.0.11", "3.0.11-1~deb12u2");
    upload("3.0", "not-semver", "1:3.0.0-1");
  }

  @AfterAll
  void stop() {
    ts.close();
  }

  void upload(String version, String npm, String deb) throws IOException {
    Path sbom = data.resolve("img-" + version + ".cdx.json");
    Files.writeString(
        sbom,
        """
        {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
          {"bom-ref": "big", "name": "big", "version": "%s", "purl": "pkg:npm/big@%s"},
          {"bom-ref": "openssl", "name": "openssl", "version": "%s",
           "purl": "pkg:deb/debian/openssl@%s?arch=amd64&distro=debian-12"}]}
        """
            .formatted(npm, npm, deb, deb.replace(":", "%3A")));
    Result r =
        client(
            "sbom",
            "upload",
            "--service",
            "img",
            "--version",
            version,
            "--digest",
            "sha256:" + "d".repeat(64),
            sbom.toString());
    assertThat(r.code()).as(r.err()).isZero();
  }

  Result client(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--server=http://127.0.0.1:" + ts.server.port());
    all.add("--token=" + TestServer.ADMIN);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  List<String> versions(Result r) {
    List<String> out = new ArrayList<>();
    for (String line : r.out().split("\n")) {
      String[] cols = line.trim().split("\\s+");
      if (cols.length > 2 && cols[0].equals("img")) {
        out.add(cols[2]);
      }
    }
    return out;
  }

  /** The known bug: versatile's npm scheme held 300.0.11 inside {@code <300.0.11}. */
  @Test
  void npmMajorVersionsAbove127() {
    Result r =
        client(
            "portfolio",
            "components",
            "--purl",
            "pkg:npm/big",
            "--range",
            "vers:npm/>=300.0.0|<300.0.11");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(versions(r)).containsExactly("1.0");
    assertThat(r.err()).contains("not compared with the range: img 3.0").contains("not-semver");
  }

  @Test
  void debianPackagesByNameAndRange() {
    Result all = client("portfolio", "components", "--purl", "pkg:deb/debian/openssl");
    assertThat(all.code()).as(all.err()).isZero();
    assertThat(versions(all)).containsExactly("1.0", "2.0", "3.0");
    Result r =
        client(
            "portfolio",
            "components",
            "--purl",
            "pkg:deb/debian/openssl",
            "--range",
            "vers:deb/>=3.0.0|<3.0.11-1~deb12u2");
    assertThat(versions(r)).containsExactly("1.0");
    // 1:3.0.0-1 has an epoch: above every version without one.
    Result epoch =
        client(
            "portfolio",
            "components",
            "--purl",
            "pkg:deb/debian/openssl",
            "--range",
            "vers:deb/>=1:0");
    assertThat(versions(epoch)).containsExactly("3.0");
    Result wrongScheme =
        client(
            "portfolio",
            "components",
            "--purl",
            "pkg:deb/debian/openssl",
            "--range",
            "vers:npm/>=1.0.0");
    assertThat(wrongScheme.code()).isEqualTo(4);
    assertThat(wrongScheme.err()).contains("vers:deb/");
  }
}

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
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The repository's own docs and deployment examples hold what they say: the catalog examples
 * import, the Dockerfile keeps its rules (it is not built here: no Docker engine on the machine
 * that runs the tests), the Kubernetes manifest meets the Pod Security Standards "restricted"
 * profile, and the README and getting-started name only files that exist.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DocsExamplesTest {
  static final Path ROOT = CiTemplatesTest.repositoryRoot();

  TestServer ts;

  @BeforeAll
  void start() throws IOException {
    ts = new TestServer(TestDatabases.Kind.SQLITE, Files.createTempDirectory("bulwark-docs"));
  }

  @AfterAll
  void stop() {
    ts.close();
  }

  // --- docs/catalog.md ------------------------------------------------------------------------

  @Test
  void theCatalogExamplesImportCleanly() throws IOException {
    List<String> blocks = fenced(Files.readString(ROOT.resolve("docs/catalog.md")), "yaml");
    assertThat(blocks).as("docs/catalog.md shows both formats").hasSize(2);
    Path dir = Files.createTempDirectory("bulwark-catalog-doc");
    List<String> outputs = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      Path file = Files.writeString(dir.resolve("example-" + i + ".yaml"), blocks.get(i));
      CliTest.Result dry = admin("catalog", "import", file.toString(), "--dry-run");
      assertThat(dry.code()).as(dry.err()).isZero();
      CliTest.Result r = admin("catalog", "import", file.toString());
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).as("an example imports without rejections").contains("created ");
      outputs.add(r.out());
    }
    assertThat(outputs.get(0)).contains("created 3, updated 0, unchanged 0");
    assertThat(outputs.get(1)).contains("created 2, updated 0, unchanged 0").contains("skipped");
    CliTest.Result api = admin("services", "get", "payments-api", "--format", "json");
    assertThat(api.code()).as(api.err()).isZero();
    assertThat(api.json().path("team").asText()).isEqualTo("payments");
    assertThat(api.json().path("criticality").asText()).isEqualTo("critical");
    assertThat(api.json().path("value").asDouble()).isEqualTo(1_200_000.0);
    CliTest.Result shop = admin("services", "get", "shop-api", "--format", "json");
    assertThat(shop.json().path("area").asText()).isEqualTo("backend");
    assertThat(shop.json().path("value").asDouble()).isEqualTo(250_000.0);
  }

  // --- Dockerfile -----------------------------------------------------------------------------

  @Test
  void theDockerfileKeepsItsRules() throws IOException {
    List<String> lines = instructions(Files.readString(ROOT.resolve("Dockerfile")));
    List<String> from = starting(lines, "FROM");
    assertThat(from).hasSize(1);
    String base = from.get(0).substring("FROM ".length()).strip();
    assertThat(base)
        .as("a JRE base pinned by tag (or digest), never latest")
        .matches("eclipse-temurin:(2[1-9]|[3-9][0-9])[^:@\\s]*-jre[^:\\s]*(@sha256:[0-9a-f]{64})?")
        .doesNotContain("latest");
    assertThat(starting(lines, "ADD")).as("no ADD: COPY only, and never of a URL").isEmpty();
    assertThat(String.join("\n", starting(lines, "COPY")))
        .contains("cli/target/bulwark.jar /opt/bulwark/bulwark.jar");
    List<String> users = starting(lines, "USER");
    assertThat(users).isNotEmpty();
    String user = users.get(users.size() - 1).substring("USER ".length()).strip();
    assertThat(user).as("a fixed non-root uid").matches("[1-9][0-9]{3,}(:[1-9][0-9]{3,})?");
    String health = String.join("\n", starting(lines, "HEALTHCHECK"));
    assertThat(health).contains("/healthz").doesNotContain("curl").doesNotContain("wget");
    assertThat(starting(lines, "EXPOSE")).containsExactly("EXPOSE 8080");
    assertThat(starting(lines, "VOLUME")).isNotEmpty();
    List<String> entry = starting(lines, "ENTRYPOINT");
    assertThat(entry).hasSize(1);
    assertThat(entry.get(0))
        .as("exec form running the jar, temp files where a tmpfs is mounted")
        .startsWith("ENTRYPOINT [\"java\"")
        .contains("\"-jar\", \"/opt/bulwark/bulwark.jar\"")
        .contains("-Djava.io.tmpdir=/tmp")
        .as("a class-data-sharing archive would be written into the read-only image")
        .doesNotContain("AutoCreateSharedArchive")
        .doesNotContain("ArchiveClassesAtExit");
    String env = String.join("\n", starting(lines, "ENV"));
    assertThat(env).contains("BULWARK_HOST=0.0.0.0").contains("BULWARK_DATA=/var/lib/bulwark/data");
    assertThat(Files.readString(ROOT.resolve(".dockerignore"))).contains("!cli/target/bulwark.jar");
  }

  /** Dockerfile instructions, continuation lines joined, comments dropped. */
  static List<String> instructions(String dockerfile) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String raw : dockerfile.split("\n")) {
      String line = raw.strip();
      if (line.startsWith("#") || (line.isEmpty() && cur.isEmpty())) {
        continue;
      }
      if (line.endsWith("\\")) {
        cur.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      cur.append(line);
      out.add(cur.toString().strip().replaceAll("\\s+", " "));
      cur.setLength(0);
    }
    return out;
  }

  static List<String> starting(List<String> lines, String instruction) {
    return lines.stream().filter(l -> l.startsWith(instruction + " ")).toList();
  }

  // --- examples/kubernetes ----------------------------------------------------------------------

  @Test
  @SuppressWarnings("unchecked")
  void theKubernetesManifestMeetsTheRestrictedPodSecurityStandard() throws IOException {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object d :
        new Yaml(new SafeConstructor(new LoaderOptions()))
            .loadAll(Files.readString(ROOT.resolve("examples/kubernetes/bulwark.yaml")))) {
      docs.add((Map<String, Object>) d);
    }
    assertThat(docs.stream().map(d -> d.get("kind")))
        .containsExactlyInAnyOrder("PersistentVolumeClaim", "Deployment", "Service");
    Map<String, Object> deployment = kind(docs, "Deployment");
    Map<String, Object> pod = map(map(map(deployment, "spec"), "template"), "spec");
    Map<String, Object> podSecurity = map(pod, "securityContext");
    assertThat(podSecurity).containsEntry("runAsNonRoot", true);
    assertThat(map(podSecurity, "seccompProfile")).containsEntry("type", "RuntimeDefault");
    // baseline: no host namespaces, no host paths, no host ports
    for (String key : List.of("hostNetwork", "hostPID", "hostIPC")) {
      assertThat(pod.get(key)).as(key).isIn(null, false);
    }
    Set<String> restrictedVolumes =
        Set.of(
            "configMap",
            "csi",
            "downwardAPI",
            "emptyDir",
            "ephemeral",
            "persistentVolumeClaim",
            "projected",
            "secret");
    for (Map<String, Object> v : (List<Map<String, Object>>) pod.get("volumes")) {
      Set<String> types = new java.util.HashSet<>(v.keySet());
      types.remove("name");
      assertThat(restrictedVolumes).as("volume " + v.get("name")).containsAll(types);
    }
    String dockerUser = dockerfileUid();
    List<Map<String, Object>> containers = (List<Map<String, Object>>) pod.get("containers");
    assertThat(pod.get("initContainers")).isNull();
    for (Map<String, Object> c : containers) {
      Map<String, Object> sc = map(c, "securityContext");
      assertThat(sc).containsEntry("allowPrivilegeEscalation", false);
      assertThat(sc).containsEntry("readOnlyRootFilesystem", true);
      assertThat(sc.get("privileged")).isIn(null, false);
      assertThat((List<String>) map(sc, "capabilities").get("drop")).contains("ALL");
      assertThat(map(sc, "capabilities").get("add")).isNull();
      Object uid = sc.getOrDefault("runAsUser", podSecurity.get("runAsUser"));
      assertThat(String.valueOf(uid)).as("the Dockerfile's uid").isEqualTo(dockerUser);
      for (Map<String, Object> port : (List<Map<String, Object>>) c.get("ports")) {
        assertThat(port.get("hostPort")).isNull();
      }
      Map<String, Object> resources = map(c, "resources");
      assertThat(map(resources, "requests")).containsKeys("cpu", "memory");
      assertThat(map(resources, "limits")).containsKey("memory");
      for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
        assertThat(map(map(c, probe), "httpGet")).as(probe).containsEntry("path", "/healthz");
      }
      List<Object> mounts =
          ((List<Map<String, Object>>) c.get("volumeMounts"))
              .stream().map(m -> m.get("mountPath")).toList();
      assertThat(mounts)
          .as("a writable /tmp and the data volume, the root filesystem being read-only")
          .contains("/tmp", "/var/lib/bulwark");
    }
    Map<String, Object> service = kind(docs, "Service");
    assertThat((Map<String, Object>) map(service, "spec").get("selector"))
        .isEqualTo(map(map(map(deployment, "spec"), "selector"), "matchLabels"));
  }

  static String dockerfileUid() throws IOException {
    List<String> users =
        starting(instructions(Files.readString(ROOT.resolve("Dockerfile"))), "USER");
    return users.get(users.size() - 1).substring("USER ".length()).strip().split(":")[0];
  }

  // --- README and getting-started ---------------------------------------------------------------

  @Test
  void theReadmeAndTheGuideNameOnlyFilesThatExist() throws IOException {
    for (String doc : List.of("README.md", "docs/getting-started.md", "docs/architecture.md")) {
      String text = Files.readString(ROOT.resolve(doc));
      assertThat(text)
          .as(doc + " links nothing outside the repository")
          .doesNotContain("../shared");
      Matcher m =
          Pattern.compile("`((?:docs|examples|policies)/[A-Za-z0-9_./-]+|Dockerfile|LICENSE)`")
              .matcher(text);
      while (m.find()) {
        String path = m.group(1);
        assertThat(ROOT.resolve(path)).as(doc + " names " + path).exists();
      }
    }
    String readme = Files.readString(ROOT.resolve("README.md"));
    assertThat(readme).contains("BULWARK_URL").contains("docs/getting-started.md");
  }

  /**
   * Every {@code ./bulwark} line of the README and the guide parses: the commands and options they
   * show exist. Values the reader fills in ({@code $DIGEST}, {@code bwk_...}) parse as any value
   * would.
   */
  @Test
  void theCommandsTheDocsShowExist() throws IOException {
    int checked = 0;
    for (String doc : List.of("README.md", "docs/getting-started.md")) {
      for (String block : fenced(Files.readString(ROOT.resolve(doc)), "sh")) {
        for (String line : block.split("\n")) {
          int at = line.indexOf("./bulwark ");
          if (at < 0) {
            continue;
          }
          String command = line.substring(at + "./bulwark ".length());
          command = command.replaceAll("\\s{2,}#.*$", "").replaceAll(";.*$", "").strip();
          List<String> args = CiTemplatesTest.words(command);
          picocli.CommandLine.ParseResult parsed;
          try {
            parsed = Main.commandLine().parseArgs(args.toArray(String[]::new));
          } catch (picocli.CommandLine.ParameterException e) {
            throw new AssertionError(doc + ": " + line.strip() + ": " + e.getMessage(), e);
          }
          // picocli skips its checks once a help or version option is seen: an unknown command
          // followed by a release's --version would otherwise print the tool's version and pass.
          for (var level = parsed; level != null; level = level.subcommand()) {
            assertThat(level.unmatched()).as(doc + ": " + line.strip()).isEmpty();
            assertThat(level.isVersionHelpRequested() || level.isUsageHelpRequested())
                .as(doc + ": " + line.strip() + " asks for help or the version")
                .isFalse();
          }
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThan(20);
  }

  @Test
  void theLicenceIsTheApacheLicenceUnmodified() throws IOException {
    assertThat(dev.bulwark.common.Sha256.hex(Files.readAllBytes(ROOT.resolve("LICENSE"))))
        .as("https://www.apache.org/licenses/LICENSE-2.0.txt")
        .isEqualTo("cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30");
  }

  // --- plumbing -------------------------------------------------------------------------------

  static List<String> fenced(String markdown, String language) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("(?ms)^```" + language + "\\n(.*?)^```").matcher(markdown);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Map<String, Object> m, String key) {
    Object v = m.get(key);
    assertThat(v).as(key).isInstanceOf(Map.class);
    return (Map<String, Object>) v;
  }

  static Map<String, Object> kind(List<Map<String, Object>> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(d.get("kind"))).findFirst().orElseThrow();
  }

  CliTest.Result admin(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--server=http://127.0.0.1:" + ts.server.port());
    all.add("--token=" + TestServer.ADMIN);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
    return new CliTest.Result(code, out.toString(), err.toString());
  }
}

package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.bulwark.server.config.ServerConfig;
import dev.bulwark.server.testing.Http;
import dev.bulwark.server.testing.Provenance;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The CI templates of {@code examples/ci} do what they say: every {@code bulwark} line of each
 * pipeline, in the pipeline's order and with its variables replaced by this test's values, runs
 * against a real server with a ci token, and a release walks from scan to a recorded production
 * deployment. A pipeline stops at the first command that exits non-zero, as CI does; a denied gate
 * therefore leaves the deployment unrecorded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CiTemplatesTest {
  static final Path ROOT = repositoryRoot();
  static final Pattern VARIABLE =
      Pattern.compile("\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)}|([A-Za-z_][A-Za-z0-9_]*))");

  /** The commands a template must call: the loop the issue asks for. */
  static final List<String> REQUIRED =
      List.of("scan", "sbom upload", "sarif upload", "attest", "gate", "deploy record");

  TestServer ts;
  Path dir;
  KeyPair signer;
  String ci;

  /** One {@code bulwark} command line of a template, where it is, and its argument vector. */
  record Command(String where, List<String> argv) {
    String name() {
      return argv.size() > 1 && List.of("sbom", "sarif", "deploy").contains(argv.get(0))
          ? argv.get(0) + " " + argv.get(1)
          : argv.get(0);
    }
  }

  record Ran(Command command, int code, String out, String err) {}

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("bulwark-ci-templates");
    signer = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Path keys = Provenance.trustedKeys(dir, signer.getPublic());
    ts =
        new TestServer(
            TestDatabases.Kind.SQLITE,
            dir.resolve("data"),
            c ->
                c.withGates(
                    new ServerConfig.GateSettings(
                        List.of("dev", "staging", "prod"), 30, Optional.of(keys))));
    // What the templates expect to exist already: the service in the catalog, an active policy
    // bundle (the starter bundle, pushed and approved by two people) and a ci token.
    Http.Response put =
        ts.http.put(
            "/api/v1/services/pay-api",
            TestServer.ADMIN,
            Map.of("team", "pay", "area", "backend", "criticality", "critical"));
    assertThat(put.status()).as(put.text()).isIn(200, 201);
    String alice = ts.tokenFor("alice", "security", "*");
    String bob = ts.tokenFor("bob", "security", "*");
    CliTest.Result push =
        run(
            "policy",
            "push",
            ROOT.resolve("policies/starter").toString(),
            "--server=" + url(),
            "--token=" + alice);
    assertThat(push.code()).as(push.err()).isZero();
    CliTest.Result approve = run("policy", "approve", "1", "--server=" + url(), "--token=" + bob);
    assertThat(approve.code()).as(approve.err()).isZero();
    ci = ts.tokenFor("ci-pay", "ci", "pay");
  }

  @AfterAll
  void stop() {
    if (ts != null) {
      ts.close();
    }
  }

  @Test
  void theGithubActionsWorkflowTakesAReleaseToProduction() throws Exception {
    Map<String, Object> workflow = load("github-actions.yml");
    @SuppressWarnings("unchecked")
    Map<String, Object> env = (Map<String, Object>) workflow.get("env");
    assertThat(env)
        .as("the server and the token come from the repository's settings, never the file")
        .containsEntry("BULWARK_URL", "${{ vars.BULWARK_URL }}")
        .containsEntry("BULWARK_TOKEN", "${{ secrets.BULWARK_TOKEN }}");
    List<Command> commands = github(workflow);
    assertCallsTheLoop(commands);
    List<Ran> ran = execute(commands, values("1.0.1", "clean.sarif", cleanSarif()));
    assertAllPassed(ran, commands);
    assertDeployed("1.0.1", "prod");
  }

  @Test
  void theGitlabPipelineTakesAReleaseToProduction() throws Exception {
    Map<String, Object> pipeline = load("gitlab-ci.yml");
    @SuppressWarnings("unchecked")
    Map<String, Object> variables = (Map<String, Object>) pipeline.get("variables");
    assertThat(variables)
        .as("the server and the token are CI/CD variables of the project, never in the file")
        .doesNotContainKeys("BULWARK_URL", "BULWARK_TOKEN");
    List<Command> commands = gitlab(pipeline);
    assertCallsTheLoop(commands);
    List<Ran> ran = execute(commands, values("1.0.2", "clean.sarif", cleanSarif()));
    assertAllPassed(ran, commands);
    assertDeployed("1.0.2", "prod");
  }

  @Test
  void aDeniedGateStopsThePipelineBeforeTheDeploymentIsRecorded() throws Exception {
    List<Command> commands = github(load("github-actions.yml"));
    List<Ran> ran = execute(commands, values("1.0.3", "high.sarif", highSarif()));
    Ran last = ran.get(ran.size() - 1);
    assertThat(last.command().name()).as(last.command().where()).isEqualTo("gate");
    assertThat(last.code()).as(last.out() + last.err()).isEqualTo(ExitCodes.CHECK_FAILED);
    assertThat(last.out()).contains("sast/no-high-sast-result");
    assertThat(ran).hasSizeLessThan(commands.size());
    assertThat(deployments()).doesNotContain("1.0.3");
  }

  // --- the pipelines' structure ------------------------------------------------------------

  @SuppressWarnings("unchecked")
  static List<Command> github(Map<String, Object> workflow) {
    Set<String> declared = new LinkedHashSet<>(keys(workflow.get("env")));
    declared.addAll(List.of("GITHUB_REPOSITORY", "GITHUB_SERVER_URL", "RUNNER_TEMP"));
    Map<String, Object> jobs = (Map<String, Object>) workflow.get("jobs");
    List<Command> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (Map.Entry<String, Object> job : jobs.entrySet()) {
      Map<String, Object> j = (Map<String, Object>) job.getValue();
      for (String need : list(j.get("needs"))) {
        assertThat(seen).as(job.getKey() + " needs a job that runs before it").contains(need);
      }
      seen.add(job.getKey());
      Set<String> jobVars = new LinkedHashSet<>(declared);
      jobVars.addAll(keys(j.get("env")));
      List<Map<String, Object>> steps = (List<Map<String, Object>>) j.get("steps");
      for (int i = 0; i < steps.size(); i++) {
        Map<String, Object> step = steps.get(i);
        if (step.get("run") == null) {
          continue;
        }
        Set<String> stepVars = new LinkedHashSet<>(jobVars);
        stepVars.addAll(keys(step.get("env")));
        String where =
            "github-actions.yml jobs." + job.getKey() + ".steps[" + i + "] " + step.get("name");
        out.addAll(commands(where, (String) step.get("run"), stepVars));
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static List<Command> gitlab(Map<String, Object> pipeline) {
    List<String> stages = list(pipeline.get("stages"));
    Set<String> reserved = Set.of("stages", "variables", "default", "include", "workflow");
    Set<String> declared = new LinkedHashSet<>(keys(pipeline.get("variables")));
    // Set in the project's settings, as the file's header says, or by GitLab itself.
    declared.addAll(
        List.of(
            "BULWARK_URL",
            "BULWARK_TOKEN",
            "BULWARK_JAR_URL",
            "BULWARK_JAR_SHA256",
            "PROVENANCE_KEY",
            "CI_PROJECT_URL"));
    Pattern dotenvLine = Pattern.compile("echo \"([A-Z_][A-Z0-9_]*)=");
    List<Map.Entry<String, Map<String, Object>>> jobs = new ArrayList<>();
    for (Map.Entry<String, Object> e : pipeline.entrySet()) {
      if (reserved.contains(e.getKey()) || e.getKey().startsWith(".")) {
        continue;
      }
      Map<String, Object> job = (Map<String, Object>) e.getValue();
      assertThat(stages).as(e.getKey() + "'s stage").contains((String) job.get("stage"));
      jobs.add(Map.entry(e.getKey(), job));
      // Variables a job passes on as a dotenv report are declared for the jobs after it.
      if (job.get("artifacts") instanceof Map<?, ?> a
          && a.get("reports") instanceof Map<?, ?> r
          && r.containsKey("dotenv")) {
        for (String line : list(job.get("script"))) {
          Matcher m = dotenvLine.matcher(line);
          if (m.find()) {
            declared.add(m.group(1));
          }
        }
      }
    }
    jobs.sort(
        (a, b) ->
            stages.indexOf(a.getValue().get("stage")) - stages.indexOf(b.getValue().get("stage")));
    List<Command> out = new ArrayList<>();
    for (Map.Entry<String, Map<String, Object>> e : jobs) {
      Map<String, Object> job = e.getValue();
      Set<String> vars = new LinkedHashSet<>(declared);
      vars.addAll(keys(job.get("variables")));
      List<String> script = new ArrayList<>();
      Object before = job.get("before_script");
      if (before == null && job.get("extends") instanceof String parent) {
        before = ((Map<String, Object>) pipeline.get(parent)).get("before_script");
      }
      script.addAll(list(before));
      script.addAll(list(job.get("script")));
      for (int i = 0; i < script.size(); i++) {
        out.addAll(
            commands("gitlab-ci.yml " + e.getKey() + " script line " + i, script.get(i), vars));
      }
    }
    return out;
  }

  /**
   * The {@code bulwark} lines of a shell script, split as the shell splits them; every variable
   * they use must be declared by the pipeline, and no CI expression ({@code ${{ }}}) may appear
   * inside a command line: values reach the shell through the environment, never pasted into the
   * script, so that a branch name cannot inject shell code.
   */
  static List<Command> commands(String where, String script, Set<String> declared) {
    List<Command> out = new ArrayList<>();
    String joined = script.replace("\\\n", " ");
    int n = 0;
    for (String line : joined.split("\n")) {
      n++;
      String l = line.strip();
      if (!l.startsWith("bulwark ")) {
        continue;
      }
      String at = where + " (line " + n + ")";
      assertThat(l).as(at).doesNotContain("${{");
      Matcher m = VARIABLE.matcher(l);
      while (m.find()) {
        String name = m.group(1) != null ? m.group(1) : m.group(2);
        assertThat(declared)
            .as(at + " uses $" + name + ", which the pipeline does not declare")
            .contains(name);
      }
      out.add(new Command(at, words(l).subList(1, words(l).size())));
    }
    return out;
  }

  /** Shell words: blanks split, '...' is literal, "..." keeps $VAR for later expansion. */
  static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean inWord = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\'') {
        int end = line.indexOf('\'', i + 1);
        w.append(line, i + 1, end);
        i = end;
        inWord = true;
      } else if (c == '"') {
        int end = line.indexOf('"', i + 1);
        w.append(line, i + 1, end);
        i = end;
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(w.toString());
          w.setLength(0);
          inWord = false;
        }
      } else if (c == '|' || c == ';' || c == '&' || c == '>' || c == '<' || c == '`') {
        throw new AssertionError(
            "a bulwark line is one plain command, without '" + c + "': " + line);
      } else {
        w.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(w.toString());
    }
    return words;
  }

  static void assertCallsTheLoop(List<Command> commands) {
    List<String> names = commands.stream().map(Command::name).toList();
    assertThat(names).containsAll(REQUIRED);
    Command scan = commands.stream().filter(c -> c.name().equals("scan")).findFirst().orElseThrow();
    assertThat(scan.argv()).as("scan fails the pipeline at a threshold").contains("--fail-on");
    assertThat(names.indexOf("gate")).isLessThan(names.indexOf("deploy record"));
  }

  // --- running them ---------------------------------------------------------------------

  /** Runs the commands in order until one exits non-zero, as a CI runner does. */
  List<Ran> execute(List<Command> commands, Map<String, String> values) {
    List<Ran> ran = new ArrayList<>();
    for (Command c : commands) {
      List<String> argv = new ArrayList<>();
      for (String word : c.argv()) {
        argv.add(expand(c.where(), word, values));
      }
      Ran r = runAsCi(c, argv);
      ran.add(r);
      if (r.code() != ExitCodes.OK) {
        break;
      }
    }
    return ran;
  }

  Ran runAsCi(Command c, List<String> argv) {
    List<String> all = new ArrayList<>(argv);
    if (clientCommand(argv)) {
      // CI passes BULWARK_URL and BULWARK_TOKEN in the environment; a test cannot set those for
      // its own JVM, so it passes the same values as flags.
      all.add("--server=" + url());
      all.add("--token=" + ci);
    }
    CliTest.Result r = run(all.toArray(String[]::new));
    return new Ran(c, r.code(), r.out(), r.err());
  }

  /** Whether the command (after its subcommand words) takes --server, i.e. talks to a server. */
  static boolean clientCommand(List<String> argv) {
    picocli.CommandLine cl = Main.commandLine();
    for (String word : argv) {
      picocli.CommandLine sub = cl.getSubcommands().get(word);
      if (sub == null) {
        break;
      }
      cl = sub;
    }
    return cl.getCommandSpec().findOption("--server") != null;
  }

  static String expand(String where, String word, Map<String, String> values) {
    Matcher m = VARIABLE.matcher(word);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2);
      String v = values.get(name);
      if (v == null) {
        fail(where + " uses $" + name + ", for which this test has no value");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(v));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The test's values of the pipeline's variables, and the files they name, for one release. */
  Map<String, String> values(String version, String sarifName, String sarif) throws Exception {
    Path run = Files.createDirectories(dir.resolve("run-" + version));
    String digest =
        "sha256:"
            + dev.bulwark.common.Sha256.hex(
                ("pay-api " + version).getBytes(StandardCharsets.UTF_8));
    Path sbom = ROOT.resolve("examples/getting-started/app.cdx.json");
    Path sarifFile = Files.writeString(run.resolve(sarifName), sarif);
    Path osv = osvExport(run.resolve("osv-go.zip"));
    Path provenance = run.resolve("provenance.dsse.json");
    Files.write(provenance, provenance(run, digest));
    Map<String, String> v = new HashMap<>();
    v.put("SERVICE", "pay-api");
    v.put("VERSION", version);
    v.put("DIGEST", digest);
    v.put("IMAGE_DIGEST", digest);
    v.put("SBOM_FILE", sbom.toString());
    v.put("SARIF_FILE", sarifFile.toString());
    v.put("OSV_FILE", osv.toString());
    v.put("PROVENANCE_FILE", provenance.toString());
    return v;
  }

  /**
   * Provenance as the templates make it: {@code examples/provenance/sign-provenance.sh} with the
   * trusted key, when bash and openssl are here; otherwise the Java fixture, with a notice.
   */
  byte[] provenance(Path run, String digest) throws Exception {
    Path key = run.resolve("signing.pem");
    Files.writeString(
        key,
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(signer.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n");
    try {
      Process p =
          new ProcessBuilder(
                  "bash",
                  ROOT.resolve("examples/provenance/sign-provenance.sh").toString(),
                  key.toString(),
                  digest,
                  "pay-api",
                  "https://github.com/actions/runner/github-hosted",
                  "git+https://github.com/example/pay-api")
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      byte[] out = p.getInputStream().readAllBytes();
      if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
        return out;
      }
      fail("sign-provenance.sh exited " + p.exitValue());
    } catch (IOException e) {
      System.err.println(
          "CiTemplatesTest: NOTICE: cannot run sign-provenance.sh ("
              + e.getMessage()
              + "); the Java fixture signs instead");
    }
    return Provenance.envelope(signer.getPrivate(), digest);
  }

  /** An OSV export with one advisory about a package the example SBOM holds, of low severity. */
  static Path osvExport(Path zip) throws IOException {
    String record =
        """
        {"schema_version": "1.6.0", "id": "GO-2099-0001", "modified": "2026-11-01T00:00:00Z",
         "summary": "test advisory",
         "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:L"}],
         "affected": [{"package": {"ecosystem": "Go", "name": "golang.org/x/text"},
           "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "0.3.8"}]}]}]}
        """;
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
      z.putNextEntry(new ZipEntry("GO-2099-0001.json"));
      z.write(record.getBytes(StandardCharsets.UTF_8));
      z.closeEntry();
    }
    return zip;
  }

  static String cleanSarif() {
    return sarif("warning");
  }

  static String highSarif() {
    return sarif("error");
  }

  static String sarif(String level) {
    return """
        {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "semgrep", "rules": [{"id": "r1"}]}},
          "results": [{"ruleId": "r1", "level": "%s", "message": {"text": "finding"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": "main.go"}, "region": {"startLine": 3}}}]}]}]}
        """
        .formatted(level);
  }

  void assertAllPassed(List<Ran> ran, List<Command> commands) {
    for (Ran r : ran) {
      assertThat(r.code())
          .as(
              r.command().where()
                  + ": bulwark "
                  + String.join(" ", r.command().argv())
                  + "\n"
                  + r.out()
                  + r.err())
          .isZero();
    }
    assertThat(ran).hasSameSizeAs(commands);
  }

  void assertDeployed(String version, String environment) {
    String list = deployments();
    assertThat(list).contains("\"version\":\"" + version + "\"").contains(environment);
  }

  String deployments() {
    Http.Response r = ts.http.get("/api/v1/deployments", TestServer.ADMIN);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.text();
  }

  // --- plumbing -----------------------------------------------------------------------------

  String url() {
    return "http://127.0.0.1:" + ts.server.port();
  }

  static CliTest.Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new CliTest.Result(code, out.toString(), err.toString());
  }

  static Map<String, Object> load(String name) throws IOException {
    return new Yaml(new SafeConstructor(new LoaderOptions()))
        .load(Files.readString(ROOT.resolve("examples/ci").resolve(name)));
  }

  static Set<String> keys(Object map) {
    return map instanceof Map<?, ?> m
        ? Set.copyOf(m.keySet().stream().map(String::valueOf).toList())
        : Set.of();
  }

  static List<String> list(Object o) {
    if (o == null) {
      return List.of();
    }
    if (o instanceof List<?> l) {
      return l.stream().map(String::valueOf).toList();
    }
    return List.of(String.valueOf(o));
  }

  /** The repository's root: the tests run in the module's directory. */
  static Path repositoryRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("examples"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new AssertionError("no examples/ directory above " + Path.of("").toAbsolutePath());
    }
    return p;
  }
}

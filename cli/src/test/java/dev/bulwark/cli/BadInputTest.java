package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Issue 14, "bad input": every command that reads a file, found by walking the command tree for
 * parameters of type Path or File (so a command added later is covered without a line here), is
 * given a missing file, a directory, an unreadable file, an empty file and a file in a wrong
 * format, and must answer exit 4 with one line on stderr naming the file and the problem.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
  /** What a Path parameter is, when it is not a file the command reads (the reviewed list). */
  enum Kind {
    /** A file the command reads: all five cases. */
    FILE,
    /** A directory the command reads (a policy bundle, a data directory). */
    DIRECTORY,
    /** A file or a directory of files the command reads: no "a directory" case. */
    FILE_OR_DIRECTORY,
    /** A file the command reads when it exists and creates otherwise: no "missing" case. */
    FILE_OR_NEW,
    /** Where a command writes (an output file or directory): not an input. */
    OUTPUT
  }

  /**
   * The parameters that are not plain input files, by command path and parameter name. Anything not
   * listed is taken to be an input file, so that a new command is checked by default.
   */
  static final Map<String, Kind> KINDS =
      Map.ofEntries(
          Map.entry("policy lint DIR", Kind.DIRECTORY),
          Map.entry("policy test DIR", Kind.DIRECTORY),
          Map.entry("policy push DIR", Kind.DIRECTORY),
          Map.entry("ledger public-key --data", Kind.DIRECTORY),
          Map.entry("ledger witness --state", Kind.FILE_OR_NEW),
          Map.entry("scan --osv", Kind.FILE_OR_DIRECTORY),
          Map.entry("server --osv", Kind.FILE_OR_DIRECTORY),
          Map.entry("server --data", Kind.OUTPUT),
          Map.entry("restore --data", Kind.OUTPUT),
          Map.entry("restore --ledger-key-file", Kind.OUTPUT),
          Map.entry("scan --cache-dir", Kind.OUTPUT),
          Map.entry("advisories fetch --output", Kind.OUTPUT),
          Map.entry("advisories fetch --out", Kind.OUTPUT),
          Map.entry("report evidence --bundle", Kind.OUTPUT));

  /** The commands the issue names: the walk must find each of them. */
  static final Set<String> NAMED =
      Set.of(
          "scan",
          "vex import",
          "catalog import",
          "sbom upload",
          "attest",
          "policy lint",
          "policy test",
          "policy push",
          "ledger verify-bundle",
          "ledger witness",
          "restore");

  static final String WRONG = "this is not what the command reads, in any format it knows\n";

  TestServer ts;
  Path tmp;
  String key;
  Path sbom;
  Path osv;
  Path backup;
  final AtomicInteger n = new AtomicInteger();

  record Result(int code, String out, String err) {}

  record Param(List<String> command, ArgSpec arg, String name, Kind kind) {
    String where() {
      return String.join(" ", command) + " " + name;
    }
  }

  @BeforeAll
  void start() throws IOException {
    tmp = Files.createTempDirectory("bulwark-bad-input");
    ts = new TestServer(TestDatabases.Kind.SQLITE, tmp.resolve("server"));
    sbom = tmp.resolve("good.cdx.json");
    Files.writeString(
        sbom,
        "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\", \"components\": [{\"bom-ref\": \"a\", \"type\": \"library\", \"name\": \"left-pad\", \"version\": \"1.0.0\", \"purl\": \"pkg:npm/left-pad@1.0.0\"}]}");
    osv = tmp.resolve("good.osv.json");
    Files.writeString(
        osv,
        "{\"id\": \"OSV-BAD-INPUT-1\", \"modified\": \"2026-01-01T00:00:00Z\", \"affected\": [{\"package\": {\"ecosystem\": \"npm\", \"name\": \"left-pad\"}, \"versions\": [\"1.0.0\"]}]}");
    Result put =
        client(
            List.of(
                "services",
                "put",
                "bad-input",
                "--team=bad",
                "--area=backend",
                "--criticality=low"));
    assertThat(put.code()).as(put.err()).isZero();
    Result up =
        client(
            List.of(
                "sbom",
                "upload",
                "--service=bad-input",
                "--version=1.0",
                "--digest=sha256:" + "b".repeat(64),
                sbom.toString()));
    assertThat(up.code()).as(up.err()).isZero();
    key = client(List.of("ledger", "public-key")).out().strip();
    backup = tmp.resolve("good.backup.zip");
    Result b = client(List.of("backup", "-o", backup.toString()));
    assertThat(b.code()).as(b.err()).isZero();
  }

  @AfterAll
  void stop() {
    ts.close();
  }

  @Test
  void theWalkFindsEveryCommandTheIssueNames() {
    Set<String> found = new TreeSet<>();
    params().forEach(p -> found.add(String.join(" ", p.command())));
    assertThat(found).containsAll(NAMED);
  }

  @TestFactory
  Stream<DynamicTest> everyFileParameterAnswersOneLineAndExitFour() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Param p : params()) {
      switch (p.kind()) {
        case OUTPUT -> {}
        case FILE, FILE_OR_NEW, FILE_OR_DIRECTORY -> {
          if (p.kind() != Kind.FILE_OR_NEW) {
            tests.add(test(p, "a missing file", () -> fresh("missing")));
          }
          if (p.kind() != Kind.FILE_OR_DIRECTORY) {
            tests.add(test(p, "a directory", () -> Files.createDirectories(fresh("dir"))));
          }
          tests.add(test(p, "an unreadable file", this::unreadableFile));
          tests.add(test(p, "an empty file", () -> Files.createFile(fresh("empty"))));
          tests.add(
              test(p, "a file in a wrong format", () -> Files.writeString(fresh("wrong"), WRONG)));
        }
        case DIRECTORY -> {
          tests.add(test(p, "a missing directory", () -> fresh("missing-dir")));
          tests.add(test(p, "a file, not a directory", () -> Files.writeString(fresh("f"), WRONG)));
          tests.add(test(p, "an unreadable directory", this::unreadableDirectory));
          tests.add(
              test(p, "an empty directory", () -> Files.createDirectories(fresh("empty-dir"))));
          tests.add(
              test(
                  p,
                  "a directory of files in a wrong format",
                  () -> {
                    Path d = Files.createDirectories(fresh("wrong-dir"));
                    Files.writeString(d.resolve("p.yaml"), WRONG);
                    Files.writeString(d.resolve("ledger-signing.key"), WRONG);
                    return d;
                  }));
        }
      }
    }
    assertThat(tests).hasSizeGreaterThan(40);
    return tests.stream();
  }

  interface Bad {
    Path make() throws IOException;
  }

  private DynamicTest test(Param p, String what, Bad bad) {
    return DynamicTest.dynamicTest(
        p.where() + " given " + what,
        () -> {
          Path file = bad.make();
          List<String> args = arguments(p, file);
          // A command that wrongly accepted the file could start a server and never return: the
          // guard turns that into a failure instead of a hung build (it does not measure time).
          Result r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> run(args));
          List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
          String shown = String.join(" ", args) + "\n-> exit " + r.code() + ", stderr:\n" + r.err();
          assertThat(r.code()).as(shown).isEqualTo(ExitCodes.INPUT);
          assertThat(lines).as(shown).hasSize(1);
          String line = lines.get(0);
          assertThat(line).as(shown).startsWith("bulwark: ").contains(file.toString());
          assertThat(line.length())
              .as("the line says what is wrong, not only the name: " + shown)
              .isGreaterThan(("bulwark: " + file + ": ").length() + 3);
          assertThat(r.err()).as(shown).doesNotContain("\tat ", "Exception:", "Error:");
          System.out.println(p.where() + " given " + what + ": " + line);
        });
  }

  private Path fresh(String what) {
    return tmp.resolve("case-" + n.incrementAndGet() + "-" + what);
  }

  private Path unreadableFile() throws IOException {
    Path f = Files.writeString(fresh("unreadable"), WRONG);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---------"));
    skipIfStillReadable(f);
    return f;
  }

  private Path unreadableDirectory() throws IOException {
    Path d = Files.createDirectories(fresh("unreadable-dir"));
    Files.writeString(d.resolve("p.yaml"), WRONG);
    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("---------"));
    skipIfStillReadable(d);
    return d;
  }

  private static void skipIfStillReadable(Path p) {
    if (Files.isReadable(p)) {
      String notice =
          "NOTICE: "
              + p
              + " is readable after chmod 000 (running as root?): the unreadable case cannot be"
              + " made here and is skipped (root reads any file; this CI runs as root too, so the case runs only where the tests run as a normal user)";
      System.out.println(notice);
      Assumptions.abort(notice);
    }
  }

  /** A command line that is valid except for the one bad file. */
  private List<String> arguments(Param p, Path bad) throws IOException {
    CommandSpec spec = p.arg().command();
    List<String> args = new ArrayList<>(p.command());
    if (p.command().get(0).equals("scan")) {
      args.add("--no-cache");
    }
    if (p.command().get(0).equals("server")) {
      args.add("--port=0");
      args.add("--data=" + fresh("server-data"));
    }
    for (OptionSpec o : spec.options()) {
      if (o == p.arg()) {
        args.add(o.longestName());
        args.add(bad.toString());
      } else if (o.required()) {
        args.add(o.longestName());
        args.add(fill(p, o.longestName()));
      }
    }
    if (spec.findOption("--server") != null) {
      args.add("--server=http://127.0.0.1:" + ts.server.port());
      args.add("--token=" + TestServer.ADMIN);
    }
    List<PositionalParamSpec> positionals = new ArrayList<>(spec.positionalParameters());
    positionals.sort(Comparator.comparingInt(x -> x.index().min()));
    for (PositionalParamSpec q : positionals) {
      if (q == p.arg()) {
        args.add(bad.toString());
      } else if (q.required()) {
        args.add(fill(p, q.paramLabel()));
      }
    }
    return args;
  }

  /** A good value for a required parameter other than the one under test. */
  private String fill(Param p, String name) throws IOException {
    return switch (name) {
      case "--service" -> "bad-input";
      case "--version" -> "1.0";
      case "--digest" -> "sha256:" + "b".repeat(64);
      case "--env" -> "staging";
      case "--key" -> key;
      case "--osv" -> osv.toString();
      case "--data" -> fresh("data").toString();
      case "--state" -> fresh("state").toString();
      case "--reason" -> "bad input test";
      case "--ecosystem" -> "npm";
      case "--from", "--to" -> "2026-01-01";
      case "SBOM", "FILE" ->
          p.command().get(0).equals("restore") ? backup.toString() : sbom.toString();
      default ->
          throw new AssertionError(
              "BadInputTest does not know a good value for "
                  + name
                  + " of "
                  + String.join(" ", p.command())
                  + "; add one to fill()");
    };
  }

  /** Every Path or File parameter of every command, from the tree picocli builds. */
  static List<Param> params() {
    Map<String, Param> found = new LinkedHashMap<>();
    walk(Main.commandLine(), new ArrayList<>(), found);
    return List.copyOf(found.values());
  }

  private static void walk(CommandLine cli, List<String> path, Map<String, Param> into) {
    CommandSpec spec = cli.getCommandSpec();
    for (ArgSpec a : spec.args()) {
      if (a.hidden() || !isPath(a)) {
        continue;
      }
      String name =
          a instanceof OptionSpec o ? o.longestName() : ((PositionalParamSpec) a).paramLabel();
      String where = String.join(" ", path) + " " + name;
      into.putIfAbsent(
          where, new Param(List.copyOf(path), a, name, KINDS.getOrDefault(where, Kind.FILE)));
    }
    cli.getSubcommands()
        .forEach(
            (name, sub) -> {
              if (!name.equals(sub.getCommandSpec().name())) {
                return; // an alias of a command already walked
              }
              List<String> next = new ArrayList<>(path);
              next.add(name);
              walk(sub, next, into);
            });
  }

  private static boolean isPath(ArgSpec a) {
    if (a.type() == Path.class || a.type() == File.class) {
      return true;
    }
    for (Class<?> t : a.auxiliaryTypes()) {
      if (t == Path.class || t == File.class) {
        return true;
      }
    }
    return false;
  }

  Result client(List<String> args) {
    List<String> all = new ArrayList<>(args);
    all.add("--server=http://127.0.0.1:" + ts.server.port());
    all.add("--token=" + TestServer.ADMIN);
    return run(all);
  }

  static Result run(List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }
}

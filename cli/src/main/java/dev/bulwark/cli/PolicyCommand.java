package dev.bulwark.cli;

import dev.bulwark.policy.Diagnostic;
import dev.bulwark.policy.PolicyBundle;
import dev.bulwark.policy.PolicyException;
import dev.bulwark.policy.PolicyTests;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "policy",
    description =
        "Policies as code: check a bundle and run its tests (offline), push it to the server.",
    mixinStandardHelpOptions = true,
    subcommands = {
      PolicyCommand.Lint.class,
      PolicyCommand.Test.class,
      PolicyCommand.Push.class,
      PolicyCommand.Approve.class,
      PolicyCommand.Reject.class
    })
final class PolicyCommand {

  static PolicyBundle load(Path dir, PrintWriter err) {
    try {
      return PolicyBundle.load(dir);
    } catch (PolicyException e) {
      for (Diagnostic d : e.diagnostics()) {
        err.println(dir.resolve(d.file()) + ":" + d.line() + ":" + d.column() + ": " + d.message());
      }
      throw CliException.input(
          "the bundle is refused: "
              + e.diagnostics().size()
              + (e.diagnostics().size() == 1 ? " problem" : " problems"));
    } catch (IOException e) {
      throw CliException.input(e.getMessage());
    }
  }

  @Command(
      name = "lint",
      description =
          "Parse and type-check every policy of DIR, as the server does when a bundle is pushed. Exit 0 when the bundle loads, 2 with every problem listed as file:line:col otherwise.",
      mixinStandardHelpOptions = true)
  static final class Lint implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "The policy bundle directory.")
    Path dir;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PolicyBundle b = load(dir, spec.commandLine().getErr());
      spec.commandLine()
          .getOut()
          .printf(
              "ok: %d policies, %d rules, bundle %s%n",
              b.policyNames().size(), b.ruleCount(), b.digest());
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "test",
      description =
          "Run the test cases in DIR/tests/*.yaml against the bundle, evaluated exactly as a gate evaluates it. Exit 0 when every case passes, 1 on any mismatch, 2 when the bundle or a test file does not load.",
      mixinStandardHelpOptions = true)
  static final class Test implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "The policy bundle directory.")
    Path dir;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      PolicyBundle bundle = load(dir, err);
      List<PolicyTests.CaseResult> results;
      try {
        results = PolicyTests.run(bundle, dir);
      } catch (PolicyException e) {
        for (Diagnostic d : e.diagnostics()) {
          err.println(
              dir.resolve(d.file()) + ":" + d.line() + ":" + d.column() + ": " + d.message());
        }
        throw CliException.input("the test files are refused");
      } catch (IOException e) {
        throw CliException.input(e.getMessage());
      }
      if (results.isEmpty()) {
        throw CliException.input("no test cases in " + dir.resolve("tests"));
      }
      int failed = 0;
      for (PolicyTests.CaseResult r : results) {
        if (r.passed()) {
          out.println("PASS " + r.name());
        } else {
          failed++;
          out.println("FAIL " + r.name());
          out.println("     " + dir.resolve(r.file()) + ":" + r.line() + ": " + r.problem());
          r.decision().results().stream()
              .filter(x -> !x.message().isEmpty())
              .forEach(x -> out.println("     " + x.id() + " " + x.outcome() + ": " + x.message()));
        }
      }
      out.printf(
          "%d cases: %d passed, %d failed (bundle %s)%n",
          results.size(), results.size() - failed, failed, bundle.digest());
      return failed == 0 ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
    }
  }

  @Command(
      name = "push",
      description =
          "Check DIR like lint, then push it to the server as a pending bundle: the global bundle (admin or unscoped security), or with --team a team's bundle, layered under the global one. A second person activates it with policy approve ID.",
      mixinStandardHelpOptions = true)
  static final class Push implements Callable<Integer> {
    @picocli.CommandLine.Mixin ClientOptions client;

    @Parameters(index = "0", paramLabel = "DIR", description = "The policy bundle directory.")
    Path dir;

    @picocli.CommandLine.Option(
        names = "--team",
        paramLabel = "TEAM",
        description = "Push a team bundle: its rules apply to that team's services only.")
    String team;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PolicyBundle bundle = load(dir, spec.commandLine().getErr());
      java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
      body.put("files", bundle.files());
      if (team != null) {
        body.put("team", team);
      }
      com.fasterxml.jackson.databind.JsonNode r =
          client.client().post("/api/v1/policies/bundles", body);
      Printer.print(
          spec.commandLine().getOut(),
          client.output,
          r,
          null,
          "id",
          "digest",
          "team",
          "status",
          "policies",
          "rules",
          "created");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "approve",
      description =
          "Approve a pending bundle, which becomes its layer's active bundle. The approver is a second person: not the pusher.",
      mixinStandardHelpOptions = true)
  static final class Approve implements Callable<Integer> {
    @picocli.CommandLine.Mixin ClientOptions client;

    @Parameters(index = "0", paramLabel = "ID", description = "The pending bundle's id.")
    long id;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      com.fasterxml.jackson.databind.JsonNode r =
          client.client().post("/api/v1/policies/bundles/" + id + "/approve", java.util.Map.of());
      Printer.print(
          spec.commandLine().getOut(),
          client.output,
          r,
          null,
          "id",
          "digest",
          "team",
          "status",
          "pushedSubject",
          "decidedSubject");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "reject",
      description = "Reject a pending bundle, with a reason.",
      mixinStandardHelpOptions = true)
  static final class Reject implements Callable<Integer> {
    @picocli.CommandLine.Mixin ClientOptions client;

    @Parameters(index = "0", paramLabel = "ID", description = "The pending bundle's id.")
    long id;

    @picocli.CommandLine.Option(
        names = "--reason",
        required = true,
        paramLabel = "TEXT",
        description = "Why the bundle is rejected.")
    String reason;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      com.fasterxml.jackson.databind.JsonNode r =
          client
              .client()
              .post(
                  "/api/v1/policies/bundles/" + id + "/reject", java.util.Map.of("reason", reason));
      Printer.print(
          spec.commandLine().getOut(),
          client.output,
          r,
          null,
          "id",
          "digest",
          "team",
          "status",
          "decidedSubject");
      return ExitCodes.OK;
    }
  }
}

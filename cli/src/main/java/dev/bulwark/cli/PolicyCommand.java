package dev.bulwark.cli;

import dev.bulwark.policy.Budget;
import dev.bulwark.policy.Decision;
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
      PolicyCommand.Reject.class,
      PolicyBundlesCommand.List.class,
      PolicyBundlesCommand.Show.class
    })
final class PolicyCommand {

  /**
   * The server's evaluation budget (its defaults; {@code docs/configuration.md}), so that a bundle
   * that passes its tests here is evaluated within the same limits at the gate.
   */
  static final class BudgetOptions {
    @picocli.CommandLine.Option(
        names = "--rule-max-size",
        paramLabel = "N",
        description = "Characters and list items one rule may allocate (policy.ruleMaxSize).")
    long ruleMaxSize = Budget.DEFAULT.ruleSize();

    @picocli.CommandLine.Option(
        names = "--rule-max-millis",
        paramLabel = "MS",
        description = "The longest one rule may run (policy.ruleMaxMillis).")
    long ruleMaxMillis = Budget.DEFAULT.ruleTime().toMillis();

    @picocli.CommandLine.Option(
        names = "--gate-max-iterations",
        paramLabel = "N",
        description =
            "Comprehension iterations of all rules of one case (policy.gateMaxIterations).")
    long gateMaxIterations = Budget.DEFAULT.gateIterations();

    @picocli.CommandLine.Option(
        names = "--gate-max-size",
        paramLabel = "N",
        description = "What all rules of one case may allocate (policy.gateMaxSize).")
    long gateMaxSize = Budget.DEFAULT.gateSize();

    @picocli.CommandLine.Option(
        names = "--gate-ceiling-millis",
        paramLabel = "MS",
        description = "The longest one case's evaluation may take (gate.ceilingMillis).")
    long gateCeilingMillis = Budget.DEFAULT.gateTime().toMillis();

    Budget budget() {
      try {
        return new Budget(
            ruleMaxSize,
            java.time.Duration.ofMillis(ruleMaxMillis),
            gateMaxIterations,
            gateMaxSize,
            java.time.Duration.ofMillis(gateCeilingMillis));
      } catch (IllegalArgumentException e) {
        throw CliException.input(e.getMessage());
      }
    }
  }

  static PolicyBundle load(Path dir, PrintWriter err) {
    return load(dir, Budget.DEFAULT, err);
  }

  static PolicyBundle load(Path dir, Budget budget, PrintWriter err) {
    InputFiles.checkDirectory(dir);
    try {
      return PolicyBundle.load(dir, budget);
    } catch (PolicyException e) {
      throw refused(dir, e.diagnostics(), "the bundle is refused", err);
    } catch (IOException e) {
      throw CliException.input(InputFiles.describe(e));
    }
  }

  /**
   * Every problem as file:line:col; a single one is the error line itself, so that a wrong file
   * answers one line naming the file and the problem.
   */
  static CliException refused(Path dir, List<Diagnostic> problems, String what, PrintWriter err) {
    if (problems.size() == 1) {
      return CliException.input(where(dir, problems.get(0)) + " (" + what + ")");
    }
    for (Diagnostic d : problems) {
      err.println(where(dir, d));
    }
    err.flush();
    return CliException.input(what + ": " + problems.size() + " problems");
  }

  private static String where(Path dir, Diagnostic d) {
    Path file = dir.resolve(d.file()).normalize();
    // A problem of the bundle as a whole (no policy files) has no line in any file.
    return java.nio.file.Files.isDirectory(file)
        ? file + ": " + d.message()
        : file + ":" + d.line() + ":" + d.column() + ": " + d.message();
  }

  @Command(
      name = "lint",
      description =
          "Parse and type-check every policy of DIR, as the server does when a bundle is pushed. Exit 0 when the bundle loads, 4 with every problem listed as file:line:col otherwise.",
      mixinStandardHelpOptions = true)
  static final class Lint implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "The policy bundle directory.")
    Path dir;

    @picocli.CommandLine.Mixin BudgetOptions budget;

    @picocli.CommandLine.Mixin OutputOptions output;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PolicyBundle b = load(dir, budget.budget(), spec.commandLine().getErr());
      java.util.Map<String, Object> json = new java.util.LinkedHashMap<>();
      json.put("ok", true);
      json.put("policies", b.policyNames());
      json.put("rules", b.ruleCount());
      json.put("digest", b.digest());
      LedgerCommand.result(
          output,
          spec.commandLine().getOut(),
          String.format(
              "ok: %d policies, %d rules, bundle %s",
              b.policyNames().size(), b.ruleCount(), b.digest()),
          json);
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "test",
      description =
          "Run the test cases in DIR/tests/*.yaml against the bundle, evaluated exactly as a gate evaluates it, within the same budget. Exit 0 when every case passes, 1 on any mismatch or any rule past its budget, 4 when the bundle or a test file does not load.",
      mixinStandardHelpOptions = true)
  static final class Test implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "The policy bundle directory.")
    Path dir;

    @picocli.CommandLine.Mixin BudgetOptions budget;

    @picocli.CommandLine.Mixin OutputOptions output;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      PolicyBundle bundle = load(dir, budget.budget(), err);
      List<PolicyTests.CaseResult> results;
      try {
        results = PolicyTests.run(bundle, dir);
      } catch (PolicyException e) {
        throw refused(dir, e.diagnostics(), "the test files are refused", err);
      } catch (IOException e) {
        throw CliException.input(InputFiles.describe(e));
      }
      if (results.isEmpty()) {
        throw CliException.input(dir.resolve("tests") + ": no test cases");
      }
      boolean json = output.json();
      boolean colour = output.colour();
      int[] failed = {0};
      output.write(
          spec.commandLine().getOut(),
          out -> failed[0] = json ? json(out, results) : text(out, results, bundle, colour));
      return failed[0] == 0 ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
    }

    private static boolean failed(PolicyTests.CaseResult r) {
      return !r.passed()
          || r.decision().results().stream().anyMatch(Decision.RuleResult::overBudget);
    }

    private static int json(PrintWriter out, List<PolicyTests.CaseResult> results) {
      List<java.util.Map<String, Object>> cases = new java.util.ArrayList<>();
      int failed = 0;
      for (PolicyTests.CaseResult r : results) {
        java.util.Map<String, Object> c = new java.util.LinkedHashMap<>();
        c.put("name", r.name());
        c.put("file", r.file());
        c.put("line", r.line());
        boolean over = r.decision().results().stream().anyMatch(Decision.RuleResult::overBudget);
        c.put("outcome", !r.passed() ? "fail" : over ? "limit" : "pass");
        c.put("problem", r.problem());
        failed += failed(r) ? 1 : 0;
        cases.add(c);
      }
      java.util.Map<String, Object> doc = new java.util.LinkedHashMap<>();
      doc.put("cases", cases);
      doc.put("passed", results.size() - failed);
      doc.put("failed", failed);
      out.println(Printer.pretty(doc));
      return failed;
    }

    private int text(
        PrintWriter out,
        List<PolicyTests.CaseResult> results,
        PolicyBundle bundle,
        boolean colour) {
      int failed = 0;
      for (PolicyTests.CaseResult r : results) {
        // A rule past its budget would err at the gate too: never a passing case, even if the
        // case expected the denial it causes.
        List<Decision.RuleResult> over =
            r.decision().results().stream().filter(Decision.RuleResult::overBudget).toList();
        if (r.passed() && over.isEmpty()) {
          out.println(GateCommand.paint(colour, "PASS") + " " + r.name());
        } else if (r.passed()) {
          failed++;
          out.println(GateCommand.paint(colour, "LIMIT") + " " + r.name());
          over.forEach(x -> out.println("     " + x.id() + " " + x.outcome() + ": " + x.message()));
        } else {
          failed++;
          out.println(GateCommand.paint(colour, "FAIL") + " " + r.name());
          out.println("     " + dir.resolve(r.file()) + ":" + r.line() + ": " + r.problem());
          r.decision().results().stream()
              .filter(x -> !x.message().isEmpty())
              .forEach(x -> out.println("     " + x.id() + " " + x.outcome() + ": " + x.message()));
        }
      }
      out.printf(
          "%d cases: %d passed, %d failed (bundle %s)%n",
          results.size(), results.size() - failed, failed, bundle.digest());
      return failed;
    }
  }

  @Calls("POST /api/v1/policies/bundles")
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

  @Calls("POST /api/v1/policies/bundles/{id}/approve")
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

  @Calls("POST /api/v1/policies/bundles/{id}/reject")
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

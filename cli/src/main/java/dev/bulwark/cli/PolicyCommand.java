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
    try {
      return PolicyBundle.load(dir, budget);
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

    @picocli.CommandLine.Mixin BudgetOptions budget;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PolicyBundle b = load(dir, budget.budget(), spec.commandLine().getErr());
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
          "Run the test cases in DIR/tests/*.yaml against the bundle, evaluated exactly as a gate evaluates it, within the same budget. Exit 0 when every case passes, 1 on any mismatch or any rule past its budget, 2 when the bundle or a test file does not load.",
      mixinStandardHelpOptions = true)
  static final class Test implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "The policy bundle directory.")
    Path dir;

    @picocli.CommandLine.Mixin BudgetOptions budget;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      PolicyBundle bundle = load(dir, budget.budget(), err);
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
        // A rule past its budget would err at the gate too: never a passing case, even if the
        // case expected the denial it causes.
        List<Decision.RuleResult> over =
            r.decision().results().stream().filter(Decision.RuleResult::overBudget).toList();
        if (r.passed() && over.isEmpty()) {
          out.println("PASS " + r.name());
        } else if (r.passed()) {
          failed++;
          out.println("LIMIT " + r.name());
          over.forEach(x -> out.println("     " + x.id() + " " + x.outcome() + ": " + x.message()));
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

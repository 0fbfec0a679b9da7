package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "tokens",
    description = "Issue, list and revoke API tokens (admin).",
    mixinStandardHelpOptions = true,
    subcommands = {
      TokensCommand.Create.class,
      TokensCommand.ListTokens.class,
      TokensCommand.Revoke.class
    })
final class TokensCommand {
  static final String[] COLUMNS = {
    "id", "name", "subject", "role", "teams", "expiresAt", "revokedAt", "lastUsedAt"
  };

  @Calls("POST /api/v1/tokens")
  @Command(
      name = "create",
      description = "Issue a token; its secret is printed once.",
      mixinStandardHelpOptions = true)
  static final class Create implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Option(names = "--name", required = true)
    String name;

    @Option(
        names = "--role",
        required = true,
        description = "admin, security, ci, developer or auditor")
    String role;

    @Option(
        names = "--team",
        description =
            "A team the token is scoped to (repeatable); --team='*' on a security token: every team.")
    List<String> teams = new ArrayList<>();

    @Option(
        names = "--expires-at",
        paramLabel = "INSTANT",
        description = "Expiry, as 2027-01-31T00:00:00Z.")
    String expiresAt;

    @Option(
        names = "--subject",
        paramLabel = "WHO",
        description =
            "The person or machine the token stands for (default: yours); approvals compare subjects.")
    String subject;

    @Override
    public Integer call() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", name);
      body.put("role", role);
      body.put("teams", teams);
      if (subject != null) {
        body.put("subject", subject);
      }
      if (expiresAt != null) {
        body.put("expiresAt", expiresAt);
      }
      JsonNode r = client.client().post("/api/v1/tokens", body);
      Printer.print(
          spec.commandLine().getOut(),
          client.output,
          r,
          null,
          "id",
          "name",
          "subject",
          "role",
          "teams",
          "expiresAt",
          "token");
      return ExitCodes.OK;
    }
  }

  @Calls("GET /api/v1/tokens")
  @Command(
      name = "list",
      description = "List tokens (never their secrets).",
      mixinStandardHelpOptions = true)
  static final class ListTokens implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Printer.print(
          spec.commandLine().getOut(),
          client.output,
          client.client().get("/api/v1/tokens"),
          "tokens",
          COLUMNS);
      return ExitCodes.OK;
    }
  }

  @Calls("DELETE /api/v1/tokens/{id}")
  @Command(name = "revoke", description = "Revoke a token by id.", mixinStandardHelpOptions = true)
  static final class Revoke implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      JsonNode r = client.client().delete("/api/v1/tokens/" + ApiClient.segment(id));
      Printer.print(spec.commandLine().getOut(), client.output, r, null, COLUMNS);
      return ExitCodes.OK;
    }
  }
}

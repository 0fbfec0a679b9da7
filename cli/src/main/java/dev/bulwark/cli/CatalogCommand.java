package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "catalog",
    description = "Catalog as code.",
    mixinStandardHelpOptions = true,
    subcommands = {CatalogCommand.Import.class})
final class CatalogCommand {

  @Calls("POST /api/v1/catalog/import")
  @Command(
      name = "import",
      description =
          "Import a Bulwark catalog YAML or Backstage catalog-info.yaml: all of it, or nothing if any entity is rejected.",
      mixinStandardHelpOptions = true)
  static final class Import implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE")
    Path file;

    @Option(names = "--dry-run", description = "Validate only; change nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
      byte[] body = InputFiles.read(file);
      String path =
          "/api/v1/catalog/import?file="
              + ApiClient.segment(file.getFileName().toString())
              + (dryRun ? "&dryRun=true" : "");
      JsonNode r = client.client().postFile(path, "application/yaml", file, body);
      PrintWriter out = spec.commandLine().getOut();
      if (client.output.json()) {
        client.output.writeJson(out, r);
        return ExitCodes.OK;
      }
      client.output.write(out, w -> text(w, r));
      return ExitCodes.OK;
    }

    private void text(PrintWriter out, JsonNode r) {
      if (dryRun) {
        out.println(
            file
                + ": "
                + r.path("valid").asInt()
                + " services valid ("
                + r.path("format").asText()
                + " format); nothing changed");
      } else {
        out.println(
            file
                + ": created "
                + r.path("created").size()
                + ", updated "
                + r.path("updated").size()
                + ", unchanged "
                + r.path("unchanged").size());
      }
      for (JsonNode s : r.path("skipped")) {
        out.println("skipped " + s.path("where").asText() + ": " + s.path("reason").asText());
      }
      out.flush();
    }
  }
}

package dev.bulwark.server.reports;

import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.console.ConsolePage;
import dev.bulwark.server.console.PageCall;
import dev.bulwark.server.console.View;
import dev.bulwark.server.errors.DomainException;
import dev.bulwark.server.http.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The evidence report in the console: a form for the period, environment, sample and seed, and the
 * report itself, the same document as the API's HTML and PDF, with links to both downloads.
 */
public final class ReportPages {
  private ReportPages() {}

  /**
   * The model of {@code reports/evidence.jte}. {@code html} is the report's body, already escaped
   * by {@link EvidenceHtml} (every stored value in it is text); null before a report is asked for.
   */
  public record Evidence(
      String from,
      String to,
      String environment,
      String sample,
      String seed,
      List<String> environments,
      String query,
      String html) {
    public Evidence {
      environments = List.copyOf(environments);
    }

    public boolean shown() {
      return html != null;
    }
  }

  static List<ConsolePage> pages(EvidenceReports reports, List<String> environments) {
    return List.of(
        ConsolePage.get(
                "/reports/evidence",
                Permission.AUDIT_READ,
                call -> {
                  if (call.query("from") == null && call.query("to") == null) {
                    return View.page(
                        "reports/evidence.jte",
                        new Evidence("", "", "prod", "25", "", environments, "", null));
                  }
                  EvidenceReports.Query q = query(call);
                  EvidenceReport r = reports.evidence(call.principal(), q);
                  StringBuilder sb = new StringBuilder();
                  EvidenceHtml.body(sb, EvidenceDocument.of(r));
                  return View.page(
                      "reports/evidence.jte",
                      new Evidence(
                          q.from().toString(),
                          q.to().toString(),
                          q.environment(),
                          Integer.toString(q.sample()),
                          q.seed() == null ? "" : q.seed(),
                          environments,
                          encode(q),
                          sb.toString()));
                })
            .inNav("Evidence", 80),
        ConsolePage.get(
            "/reports/evidence.pdf",
            Permission.AUDIT_READ,
            call -> {
              EvidenceReports.Query q = query(call);
              EvidenceReport r = reports.evidence(call.principal(), q);
              return View.download(
                  fileName(q) + ".pdf",
                  "application/pdf",
                  EvidencePdf.render(EvidenceDocument.of(r), r.generatedAt()));
            }),
        ConsolePage.get(
            "/reports/evidence.json",
            Permission.AUDIT_READ,
            call -> {
              EvidenceReports.Query q = query(call);
              return View.download(
                  fileName(q) + ".json",
                  "application/json",
                  Json.write(reports.evidence(call.principal(), q)));
            }));
  }

  private static String fileName(EvidenceReports.Query q) {
    return "evidence-" + q.environment() + "-" + q.from() + "-" + q.to();
  }

  private static String encode(EvidenceReports.Query q) {
    StringBuilder sb = new StringBuilder();
    sb.append("from=").append(q.from()).append("&to=").append(q.to());
    sb.append("&environment=").append(URLEncoder.encode(q.environment(), StandardCharsets.UTF_8));
    sb.append("&sample=").append(q.sample());
    if (q.seed() != null) {
      sb.append("&seed=").append(URLEncoder.encode(q.seed(), StandardCharsets.UTF_8));
    }
    return sb.toString();
  }

  /** The form's fields; a bad one is named (422) as the API does. */
  private static EvidenceReports.Query query(PageCall call) {
    List<DomainException.FieldError> errors = new ArrayList<>();
    LocalDate from = day(call.query("from"), "from", errors);
    LocalDate to = day(call.query("to"), "to", errors);
    int sample = 0;
    String s = call.query("sample");
    if (s != null) {
      try {
        sample = Integer.parseInt(s);
      } catch (NumberFormatException e) {
        errors.add(new DomainException.FieldError("sample", "must be a whole number"));
      }
    }
    String env = call.query("environment");
    if (!errors.isEmpty()) {
      throw new DomainException.Invalid(errors);
    }
    return new EvidenceReports.Query(
        from, to, env == null ? "prod" : env, sample, call.query("seed"));
  }

  private static LocalDate day(String v, String field, List<DomainException.FieldError> errors) {
    if (v == null) {
      errors.add(new DomainException.FieldError(field, "is required (YYYY-MM-DD)"));
      return null;
    }
    try {
      return LocalDate.parse(v);
    } catch (DateTimeParseException e) {
      errors.add(new DomainException.FieldError(field, "must be a date YYYY-MM-DD"));
      return null;
    }
  }
}

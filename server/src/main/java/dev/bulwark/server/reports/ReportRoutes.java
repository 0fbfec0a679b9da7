package dev.bulwark.server.reports;

import static dev.bulwark.server.http.ApiRoute.get;

import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.errors.DomainException;
import dev.bulwark.server.http.ApiRoute;
import dev.bulwark.server.http.Call;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The evidence report: JSON, an HTML page or a PDF of the same content. */
final class ReportRoutes {
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private final EvidenceReports reports;

  ReportRoutes(EvidenceReports reports) {
    this.reports = reports;
  }

  List<ApiRoute> routes() {
    return List.of(get("/api/v1/reports/evidence", Permission.AUDIT_READ, this::evidence));
  }

  /** The query as the auditor wrote it, every bad parameter named at once (422). */
  static EvidenceReports.Query query(Call call, List<DomainException.FieldError> errors) {
    LocalDate from = date(call.query("from"), "from", errors);
    LocalDate to = date(call.query("to"), "to", errors);
    String env = call.query("environment");
    int sample = 0;
    String s = call.query("sample");
    if (s != null) {
      try {
        sample = Integer.parseInt(s);
      } catch (NumberFormatException e) {
        errors.add(new DomainException.FieldError("sample", "must be a whole number"));
      }
    }
    return new EvidenceReports.Query(
        from, to, env == null ? "prod" : env, sample, call.query("seed"));
  }

  private static LocalDate date(String v, String field, List<DomainException.FieldError> errors) {
    if (v == null) {
      return null;
    }
    if (!DATE.matcher(v).matches()) {
      errors.add(new DomainException.FieldError(field, "must be a date YYYY-MM-DD"));
      return null;
    }
    try {
      return LocalDate.parse(v);
    } catch (DateTimeParseException e) {
      errors.add(new DomainException.FieldError(field, "is not a calendar date"));
      return null;
    }
  }

  private void evidence(Call call) {
    List<DomainException.FieldError> errors = new ArrayList<>();
    EvidenceReports.Query q = query(call, errors);
    String format = call.query("format") == null ? "json" : call.query("format");
    if (!List.of("json", "html", "pdf").contains(format)) {
      errors.add(new DomainException.FieldError("format", "must be json, html or pdf"));
    }
    if (!errors.isEmpty()) {
      // Checked together with the period and the sample, so one answer names every bad field.
      try {
        reports.check(q);
      } catch (DomainException.Invalid more) {
        for (var e : more.errors()) {
          if (errors.stream().noneMatch(x -> x.field().equals(e.field()))
              && !(e.message().startsWith("is required") && mentioned(call, e.field()))) {
            errors.add(e);
          }
        }
      }
      throw new DomainException.Invalid(errors);
    }
    EvidenceReport report = reports.evidence(call.principal(), q);
    String name = "evidence-" + q.environment() + "-" + q.from() + "-" + q.to();
    switch (format) {
      case "pdf" -> {
        byte[] pdf = EvidencePdf.render(EvidenceDocument.of(report), report.generatedAt());
        call.ctx()
            .status(200)
            .contentType("application/pdf")
            .header("Content-Disposition", "attachment; filename=\"" + name + ".pdf\"")
            .result(pdf);
      }
      case "html" -> {
        byte[] html = EvidenceHtml.render(EvidenceDocument.of(report));
        call.ctx()
            .status(200)
            .contentType("text/html; charset=utf-8")
            .header("Content-Security-Policy", EvidenceHtml.CSP)
            .header("Content-Disposition", "inline; filename=\"" + name + ".html\"")
            .result(html);
      }
      default -> call.respond(200, report);
    }
  }

  private static boolean mentioned(Call call, String field) {
    return call.query(field) != null;
  }
}

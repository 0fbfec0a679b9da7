package dev.bulwark.server.findings;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.server.errors.DomainException;
import dev.bulwark.server.errors.DomainException.FieldError;
import dev.bulwark.vuln.match.PackageRef;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads CycloneDX VEX (a BOM whose vulnerabilities carry an analysis) and OpenVEX documents into
 * statements: one vulnerability, one package (by purl), one state in Bulwark's vocabulary. Every
 * statement that cannot be used is reported with its JSON position; a document with any such
 * statement is refused whole, so nothing is half-applied.
 */
public final class VexImport {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int MAX_STATEMENTS = 10_000;

  private VexImport() {}

  /** A VEX statement in Bulwark's terms. */
  public record Statement(
      String vuln,
      String purl,
      String ecosystem,
      String pkg,
      String version,
      String state,
      String justification,
      String detail) {}

  /** The statement for one purl, or an error at {@code at} when the purl names no package. */
  private static void add(
      List<Statement> out,
      List<FieldError> errors,
      String at,
      String vuln,
      String purl,
      String state,
      String justification,
      String detail) {
    switch (PackageRef.fromPurl(purl)) {
      case PackageRef.Parsed.Ok ok ->
          out.add(
              new Statement(
                  vuln,
                  purl,
                  ok.ref().ecosystem().name(),
                  ok.ref().name(),
                  ok.version(),
                  state,
                  justification,
                  detail));
      case PackageRef.Parsed.Unsupported u ->
          errors.add(new FieldError(at, "purl type '" + u.type() + "' has no OSV ecosystem"));
      case PackageRef.Parsed.Malformed m -> errors.add(new FieldError(at, m.reason()));
      case PackageRef.Parsed.Unmatched m -> errors.add(new FieldError(at, m.reason()));
    }
  }

  /**
   * Reads a CycloneDX VEX or OpenVEX document. Throws {@link DomainException.Invalid} (422) listing
   * every unusable statement with its JSON path.
   */
  public static List<Statement> parse(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JacksonException e) {
      // A constraint failure (nesting, number or string length) has no location.
      var loc = e.getLocation();
      throw new DomainException.Invalid(
          "body",
          "not JSON"
              + (loc == null ? "" : " at line " + loc.getLineNr() + " column " + loc.getColumnNr())
              + ": "
              + e.getOriginalMessage());
    } catch (IOException e) {
      throw new DomainException.Invalid("body", "unreadable");
    }
    if (root == null || !root.isObject()) {
      throw new DomainException.Invalid(
          "body", "must be a CycloneDX VEX or an OpenVEX JSON object");
    }
    List<FieldError> errors = new ArrayList<>();
    List<Statement> out;
    if ("CycloneDX".equals(root.path("bomFormat").asText(null))) {
      out = cyclonedx(root, errors);
    } else if (root.path("@context").asText("").startsWith("https://openvex.dev/ns")) {
      out = openvex(root, errors);
    } else {
      throw new DomainException.Invalid(
          "body", "neither CycloneDX (bomFormat) nor OpenVEX (@context https://openvex.dev/ns)");
    }
    if (out.size() > MAX_STATEMENTS) {
      errors.add(new FieldError("body", "more than " + MAX_STATEMENTS + " statements"));
    }
    if (!errors.isEmpty()) {
      throw new DomainException.Invalid(errors);
    }
    return out;
  }

  private static List<Statement> cyclonedx(JsonNode root, List<FieldError> errors) {
    Map<String, String> purls = new HashMap<>();
    for (JsonNode c : array(root.path("components"), "components", errors)) {
      if (c.hasNonNull("bom-ref") && c.hasNonNull("purl")) {
        purls.put(c.get("bom-ref").asText(), c.get("purl").asText());
      }
    }
    List<Statement> out = new ArrayList<>();
    JsonNode vulns = array(root.path("vulnerabilities"), "vulnerabilities", errors);
    for (int i = 0; i < vulns.size(); i++) {
      JsonNode v = vulns.get(i);
      String at = "vulnerabilities[" + i + "]";
      String id = v.path("id").asText("");
      if (id.isBlank()) {
        errors.add(new FieldError(at + ".id", "missing"));
        continue;
      }
      JsonNode analysis = v.path("analysis");
      if (!analysis.isObject()) {
        continue; // no analysis is no statement: the document only lists the vulnerability
      }
      String state =
          switch (analysis.path("state").asText("")) {
            case "not_affected", "false_positive" -> "not_affected";
            case "exploitable" -> "affected";
            case "resolved", "resolved_with_pedigree" -> "fixed";
            case "in_triage" -> "triaged";
            default -> null;
          };
      if (state == null) {
        errors.add(
            new FieldError(
                at + ".analysis.state",
                "must be a CycloneDX impact analysis state, not '"
                    + analysis.path("state").asText("")
                    + "'"));
        continue;
      }
      String justification = analysis.path("justification").asText(null);
      // A false positive needs no justification: the match itself was wrong.
      boolean falsePositive = "false_positive".equals(analysis.path("state").asText());
      if (!check(state, justification, falsePositive, at + ".analysis.justification", errors)) {
        continue;
      }
      JsonNode affects = array(v.path("affects"), at + ".affects", errors);
      if (affects.isEmpty()) {
        errors.add(new FieldError(at + ".affects", "names no component"));
      }
      for (int j = 0; j < affects.size(); j++) {
        String ref = affects.get(j).path("ref").asText("");
        // A ref is a bom-ref of this document, a BOM-Link into another (urn:cdx:...#ref) that
        // must resolve here too, or, as many producers write it, the purl itself.
        String local = ref.startsWith("urn:cdx:") ? ref.substring(ref.indexOf('#') + 1) : ref;
        String purl = purls.getOrDefault(local, local.startsWith("pkg:") ? local : null);
        if (purl == null) {
          errors.add(
              new FieldError(
                  at + ".affects[" + j + "].ref", "'" + ref + "' resolves to no component purl"));
          continue;
        }
        String detail = analysis.path("detail").asText(falsePositive ? "false positive" : null);
        add(out, errors, at + ".affects[" + j + "].ref", id, purl, state, justification, detail);
      }
    }
    return out;
  }

  private static List<Statement> openvex(JsonNode root, List<FieldError> errors) {
    List<Statement> out = new ArrayList<>();
    JsonNode statements = root.path("statements");
    if (!statements.isArray()) {
      errors.add(new FieldError("statements", "must be an array"));
      return out;
    }
    for (int i = 0; i < statements.size(); i++) {
      JsonNode s = statements.get(i);
      String at = "statements[" + i + "]";
      JsonNode vn = s.path("vulnerability");
      String id = vn.isTextual() ? vn.asText() : vn.path("name").asText("");
      if (id.isBlank()) {
        errors.add(new FieldError(at + ".vulnerability", "missing"));
        continue;
      }
      String state =
          switch (s.path("status").asText("")) {
            case "not_affected" -> "not_affected";
            case "affected" -> "affected";
            case "fixed" -> "fixed";
            case "under_investigation" -> "triaged";
            default -> null;
          };
      if (state == null) {
        errors.add(
            new FieldError(
                at + ".status",
                "must be not_affected, affected, fixed or under_investigation, not '"
                    + s.path("status").asText("")
                    + "'"));
        continue;
      }
      String justification = s.path("justification").asText(null);
      // OpenVEX accepts an impact statement in place of a justification.
      boolean explained = s.hasNonNull("impact_statement");
      if (!check(state, justification, explained, at + ".justification", errors)) {
        continue;
      }
      String detail =
          s.hasNonNull("impact_statement")
              ? s.get("impact_statement").asText()
              : s.path("action_statement").asText(null);
      JsonNode products = array(s.path("products"), at + ".products", errors);
      if (products.isEmpty()) {
        errors.add(new FieldError(at + ".products", "names no product"));
      }
      for (int j = 0; j < products.size(); j++) {
        JsonNode p = products.get(j);
        // The vulnerable package is the subcomponent when one is named; the product otherwise.
        List<String> ids = new ArrayList<>();
        for (JsonNode sub :
            array(p.path("subcomponents"), at + ".products[" + j + "].subcomponents", errors)) {
          ids.add(sub.isTextual() ? sub.asText() : sub.path("@id").asText(""));
        }
        if (ids.isEmpty()) {
          ids.add(p.isTextual() ? p.asText() : p.path("@id").asText(""));
        }
        for (String purl : ids) {
          if (!purl.startsWith("pkg:")) {
            errors.add(
                new FieldError(
                    at + ".products[" + j + "]",
                    "'" + purl + "' is not a purl; Bulwark matches by purl"));
            continue;
          }
          add(out, errors, at + ".products[" + j + "]", id, purl, state, justification, detail);
        }
      }
    }
    return out;
  }

  /**
   * {@code n} when it is an array, an empty one when it is missing; anything else is an error at
   * {@code at} (an object here would otherwise be read as a list of nulls).
   */
  private static JsonNode array(JsonNode n, String at, List<FieldError> errors) {
    if (n.isArray()) {
      return n;
    }
    if (!n.isMissingNode() && !n.isNull()) {
      errors.add(new FieldError(at, "must be an array"));
    }
    return JSON.createArrayNode();
  }

  private static boolean check(
      String state, String justification, boolean mayOmit, String at, List<FieldError> errors) {
    if ("not_affected".equals(state)) {
      if (justification == null) {
        if (mayOmit) {
          return true;
        }
        errors.add(new FieldError(at, "a not_affected statement needs a justification"));
        return false;
      }
      if (!FindingLifecycle.JUSTIFICATIONS.contains(justification)) {
        errors.add(
            new FieldError(
                at, "'" + justification + "' is not a CycloneDX or OpenVEX justification"));
        return false;
      }
    }
    return true;
  }
}

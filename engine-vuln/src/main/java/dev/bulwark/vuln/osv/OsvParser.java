package dev.bulwark.vuln.osv;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.bulwark.vuln.version.Ecosystem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads OSV records (schema up to 1.7) from JSON or YAML bytes. Structure is checked strictly (an
 * id, well-formed ranges with one key per event); fields Bulwark does not use are ignored, as the
 * schema allows. Errors name the source and, for syntax errors, line and column.
 */
public final class OsvParser {
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
  private static final ObjectMapper YAML;

  static {
    JSON.getFactory()
        .setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(20);
    options.setAllowDuplicateKeys(false);
    options.setNestingDepthLimit(64);
    options.setCodePointLimit(16 * 1024 * 1024);
    YAML = new YAMLMapper(YAMLFactory.builder().loaderOptions(options).build());
  }

  private OsvParser() {}

  /**
   * The ids that tie a record to others: its own id, aliases and upstream ids; and the record's own
   * top-level severity, so a record that is not loaded in full can still rate the vulnerabilities
   * it aliases (a GHSA record rating a GO- record that carries no severity).
   */
  public record Links(String id, boolean withdrawn, List<String> others, Severity severity) {
    public Links {
      java.util.Objects.requireNonNull(severity, "severity");
    }

    public Links(String id, boolean withdrawn, List<String> others) {
      this(id, withdrawn, others, Severity.UNKNOWN);
    }

    public static Links of(Advisory a) {
      List<String> o = new ArrayList<>(a.aliases());
      o.addAll(a.upstream());
      return new Links(a.id(), a.withdrawn(), o, a.severity());
    }
  }

  /** A streaming look at a JSON record: its links and its packages as (ecosystem, name) pairs. */
  public record Skim(Links links, List<String[]> packages) {}

  private static final com.fasterxml.jackson.core.JsonFactory SKIM = JSON.getFactory();

  /**
   * Reads only id, withdrawn, aliases, upstream, the ratings (severity, database_specific,
   * affected[].severity, affected[].database_specific, affected[].ecosystem_specific) and
   * affected[].package; skips the rest unparsed. The rating is the one a full parse gives.
   */
  public static Skim skim(String source, byte[] bytes) throws OsvFormatException {
    String id = null;
    boolean withdrawn = false;
    List<String> others = new ArrayList<>();
    JsonNode topSeverity = null;
    JsonNode topDatabase = null;
    List<Optional<Severity>> affectedRatings = new ArrayList<>();
    List<String[]> packages = new ArrayList<>();
    try (com.fasterxml.jackson.core.JsonParser p = SKIM.createParser(bytes)) {
      if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
        throw new OsvFormatException(source + ": not an OSV record (expected a JSON object)");
      }
      while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
        String f = p.currentName();
        com.fasterxml.jackson.core.JsonToken t = p.nextToken();
        switch (f) {
          case "id" ->
              id = t == com.fasterxml.jackson.core.JsonToken.VALUE_STRING ? p.getText() : null;
          case "withdrawn" -> withdrawn = t != com.fasterxml.jackson.core.JsonToken.VALUE_NULL;
          // Read as small trees, so the rating is computed by the very code of a full parse.
          case "severity" -> topSeverity = p.readValueAsTree();
          case "database_specific" -> topDatabase = p.readValueAsTree();
          case "aliases", "upstream" -> {
            if (t == com.fasterxml.jackson.core.JsonToken.START_ARRAY) {
              while (p.nextToken() != com.fasterxml.jackson.core.JsonToken.END_ARRAY) {
                if (p.currentToken() == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
                  others.add(p.getText());
                } else {
                  p.skipChildren();
                }
              }
            } else {
              p.skipChildren();
            }
          }
          case "affected" -> {
            if (t != com.fasterxml.jackson.core.JsonToken.START_ARRAY) {
              p.skipChildren();
              continue;
            }
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
              String eco = null;
              String name = null;
              com.fasterxml.jackson.databind.node.ObjectNode rated = JSON.createObjectNode();
              while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String af = p.currentName();
                com.fasterxml.jackson.core.JsonToken at = p.nextToken();
                if (af.equals("severity")
                    || af.equals("database_specific")
                    || af.equals("ecosystem_specific")) {
                  rated.set(af, p.readValueAsTree());
                } else if (af.equals("package")
                    && at == com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                  while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                    String pf = p.currentName();
                    p.nextToken();
                    if (pf.equals("ecosystem")) {
                      eco = p.getValueAsString();
                    } else if (pf.equals("name")) {
                      name = p.getValueAsString();
                    } else {
                      p.skipChildren();
                    }
                  }
                } else {
                  p.skipChildren();
                }
              }
              if (name != null) {
                packages.add(new String[] {eco, name});
              }
              affectedRatings.add(affectedRating(rated));
            }
          }
          default -> p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw new OsvFormatException(source + ": trailing content after the record");
      }
    } catch (JacksonException e) {
      var loc = e.getLocation();
      throw new OsvFormatException(
          source
              + (loc == null ? "" : ":" + loc.getLineNr() + ":" + loc.getColumnNr())
              + ": invalid JSON: "
              + e.getOriginalMessage());
    } catch (IOException e) {
      throw new OsvFormatException(source + ": unreadable: " + e.getMessage());
    }
    if (id == null || id.isBlank()) {
      throw new OsvFormatException(source + ": not an OSV record (no string 'id')");
    }
    Severity severity =
        severity(
            topSeverity == null ? MissingNode.getInstance() : topSeverity,
            topDatabase == null ? MissingNode.getInstance() : topDatabase,
            affectedRatings);
    return new Skim(new Links(id, withdrawn, others, severity), packages);
  }

  public static Advisory parse(String source, byte[] bytes, boolean yaml)
      throws OsvFormatException {
    JsonNode root;
    try {
      root = (yaml ? YAML : JSON).readTree(bytes);
    } catch (JacksonException e) {
      var loc = e.getLocation();
      throw new OsvFormatException(
          source
              + (loc == null ? "" : ":" + loc.getLineNr() + ":" + loc.getColumnNr())
              + ": invalid "
              + (yaml ? "YAML" : "JSON")
              + ": "
              + e.getOriginalMessage());
    } catch (IOException e) {
      throw new OsvFormatException(source + ": unreadable: " + e.getMessage());
    }
    return fromTree(source, root);
  }

  static Advisory fromTree(String source, JsonNode root) throws OsvFormatException {
    if (root == null || !root.isObject()) {
      throw new OsvFormatException(source + ": not an OSV record (expected a JSON object)");
    }
    JsonNode id = root.get("id");
    if (id == null || !id.isTextual() || id.asText().isBlank()) {
      throw new OsvFormatException(source + ": not an OSV record (no string 'id')");
    }
    String where = source + " (" + id.asText() + ")";
    List<AffectedPackage> affected = new ArrayList<>();
    JsonNode aff = root.path("affected");
    if (!aff.isMissingNode() && !aff.isNull() && !aff.isArray()) {
      throw new OsvFormatException(where + ": 'affected' must be an array");
    }
    for (int i = 0; i < aff.size(); i++) {
      affected.add(affected(where + " affected[" + i + "]", aff.get(i)));
    }
    Severity severity =
        severity(
            root.path("severity"),
            root.path("database_specific"),
            affected.stream().map(AffectedPackage::severity).toList());
    return new Advisory(
        id.asText(),
        root.path("modified").asText(null),
        root.hasNonNull("withdrawn"),
        strings(root.path("aliases")),
        strings(root.path("upstream")),
        root.path("summary").asText(null),
        severity,
        affected,
        source);
  }

  private static AffectedPackage affected(String where, JsonNode a) throws OsvFormatException {
    if (!a.isObject()) {
      throw new OsvFormatException(where + ": must be an object");
    }
    JsonNode pkg = a.path("package");
    String ecosystem = pkg.path("ecosystem").asText(null);
    String name = pkg.path("name").asText(null);
    List<AffectedPackage.Range> ranges = new ArrayList<>();
    JsonNode rs = a.path("ranges");
    for (int i = 0; i < rs.size(); i++) {
      JsonNode r = rs.get(i);
      String w = where + " ranges[" + i + "]";
      AffectedPackage.Range.Type type;
      try {
        type = AffectedPackage.Range.Type.valueOf(r.path("type").asText(""));
      } catch (IllegalArgumentException e) {
        throw new OsvFormatException(
            w + ": unknown range type '" + r.path("type").asText("") + "'");
      }
      List<AffectedPackage.Event> events = new ArrayList<>();
      JsonNode es = r.path("events");
      if (!es.isArray() || es.isEmpty()) {
        throw new OsvFormatException(w + ": 'events' must be a non-empty array");
      }
      for (int j = 0; j < es.size(); j++) {
        JsonNode e = es.get(j);
        if (!e.isObject() || e.size() != 1) {
          throw new OsvFormatException(
              w
                  + " events["
                  + j
                  + "]: must have exactly one of introduced, fixed, last_affected, limit");
        }
        Map.Entry<String, JsonNode> only = e.properties().iterator().next();
        AffectedPackage.Event.Kind kind =
            switch (only.getKey()) {
              case "introduced" -> AffectedPackage.Event.Kind.INTRODUCED;
              case "fixed" -> AffectedPackage.Event.Kind.FIXED;
              case "last_affected" -> AffectedPackage.Event.Kind.LAST_AFFECTED;
              case "limit" -> AffectedPackage.Event.Kind.LIMIT;
              default ->
                  throw new OsvFormatException(
                      w + " events[" + j + "]: unknown event '" + only.getKey() + "'");
            };
        if (!only.getValue().isTextual()) {
          throw new OsvFormatException(w + " events[" + j + "]: the version must be a string");
        }
        events.add(new AffectedPackage.Event(kind, only.getValue().asText()));
      }
      ranges.add(new AffectedPackage.Range(type, events, r.path("repo").asText(null)));
    }
    Optional<Severity> own = affectedRating(a);
    Optional<Ecosystem> eco = Ecosystem.fromOsv(ecosystem);
    return new AffectedPackage(
        ecosystem,
        eco,
        name,
        pkg.path("purl").asText(null),
        ranges,
        strings(a.path("versions")),
        own,
        eco.map(e -> dev.bulwark.vuln.version.Distros.releaseOfOsv(e, ecosystem)).orElse(null),
        eco.filter(Ecosystem::isOs).map(e -> distroNote(a)).orElse(null));
  }

  /**
   * What a distribution's record says of an entry beyond its ranges: Debian's urgency (from its
   * security tracker; {@code not yet assigned} says nothing) and Ubuntu's availability of the fix.
   */
  private static String distroNote(JsonNode a) {
    JsonNode es = a.path("ecosystem_specific");
    String urgency = es.path("urgency").asText(null);
    if (urgency != null && !urgency.isBlank() && !urgency.equals("not yet assigned")) {
      return "urgency: " + shorten(urgency.strip());
    }
    String availability = es.path("availability").asText(null);
    if (availability != null
        && !availability.isBlank()
        && !availability.equals("No subscription required")) {
      return shorten(availability.strip());
    }
    return null;
  }

  private static String shorten(String s) {
    return s.length() <= 120 ? s : s.substring(0, 117) + "...";
  }

  /** An affected entry's own rating: its CVSS vectors, else its database's rating. */
  private static Optional<Severity> affectedRating(JsonNode a) {
    Optional<Severity> own = cvssOf(a.path("severity"));
    return own.isPresent() ? own : databaseSeverity(a);
  }

  /**
   * A record's rating: top-level CVSS first, then the top-level database rating, then the gravest
   * affected entry's own rating, else unknown. The full parse and the skim both call this.
   */
  private static Severity severity(
      JsonNode severity, JsonNode database, List<Optional<Severity>> affected) {
    Optional<Severity> s = cvssOf(severity);
    if (s.isPresent()) {
      return s.get();
    }
    Optional<Severity.Level> db = Severity.Level.parse(database.path("severity").asText(null));
    if (db.isPresent()) {
      return new Severity(db.get(), null, null, "database_specific.severity");
    }
    Severity best = Severity.UNKNOWN;
    for (Optional<Severity> a : affected) {
      if (a.isPresent() && a.get().level().compareTo(best.level()) > 0) {
        best = a.get();
      }
    }
    return best;
  }

  /** The newest CVSS version given wins: v4.0, then v3.x, then v2. */
  private static Optional<Severity> cvssOf(JsonNode severities) {
    for (String type : List.of("CVSS_V4", "CVSS_V3", "CVSS_V2")) {
      for (JsonNode s : severities) {
        if (type.equals(s.path("type").asText())) {
          Optional<Severity> sv = Severity.fromCvss(s.path("score").asText(null), type);
          if (sv.isPresent()) {
            return sv;
          }
        }
      }
    }
    return Optional.empty();
  }

  /** Ratings that databases put in {@code database_specific} or {@code ecosystem_specific}. */
  private static Optional<Severity> databaseSeverity(JsonNode a) {
    JsonNode db = a.path("database_specific");
    // RustSec: database_specific.cvss is a CVSS vector.
    Optional<Severity> rust =
        Severity.fromCvss(db.path("cvss").asText(null), "database_specific.cvss");
    if (rust.isPresent()) {
      return rust;
    }
    for (JsonNode n : List.of(db.path("severity"), a.path("ecosystem_specific").path("severity"))) {
      Optional<Severity.Level> l = Severity.Level.parse(n.asText(null));
      if (l.isPresent()) {
        return Optional.of(new Severity(l.get(), null, null, "database_specific.severity"));
      }
    }
    return Optional.empty();
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : array) {
      if (n.isTextual()) {
        out.add(n.asText());
      }
    }
    return out;
  }
}

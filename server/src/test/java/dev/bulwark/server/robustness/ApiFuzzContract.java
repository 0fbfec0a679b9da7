package dev.bulwark.server.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.server.http.ApiRoute;
import dev.bulwark.server.http.Json;
import dev.bulwark.server.testing.Http;
import dev.bulwark.server.testing.TestDatabases;
import dev.bulwark.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.statistics.Statistics;

/**
 * Hostile bodies for every route that takes one, over real HTTP with an admin token: no answer is a
 * 5xx, every refusal is an RFC 9457 problem with a detail, and afterwards the server is healthy and
 * still takes a normal write. The routes come from the running server; a route with a body that
 * {@link #SPECS} does not describe fails {@link #everyRouteWithABodyIsFuzzed}, naming it.
 *
 * <p>Each try takes a valid document of the route and breaks it one way: a node replaced by a
 * hostile value (wrong types, huge numbers and strings, unicode, nulls, deep nesting), a field
 * added or removed, the document truncated, replaced by a random JSON value, or by raw hostile
 * bytes (a hundred thousand brackets, invalid UTF-8, XML with a DTD, entities or a billion laughs),
 * sent as the route's media types, or as the wrong one.
 */
abstract class ApiFuzzContract {
  static final String ADMIN = TestServer.ADMIN;
  static final String OLD_SYS = "v0.0.0-20220101000000-000000000000";
  static final String HUGE_DIGITS = "9".repeat(5000);

  abstract TestDatabases.Kind kind();

  /** What a route takes: its media types (the first is the usual one) and a valid document. */
  record Spec(List<String> types, String template) {}

  static final String SBOM =
      """
      {"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
        {"bom-ref": "sys", "type": "library", "name": "sys", "version": "%s",
         "purl": "pkg:golang/golang.org/x/sys@%s"},
        {"bom-ref": "gin", "type": "library", "name": "gin",
         "purl": "pkg:golang/github.com/gin-gonic/gin@v1.5.0"}],
       "dependencies": [{"ref": "sys", "dependsOn": ["gin"]}]}
      """
          .formatted(OLD_SYS, OLD_SYS);

  static final String SBOM_XML =
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1"><components>
        <component type="library" bom-ref="sys"><name>sys</name><version>%s</version>
          <purl>pkg:golang/golang.org/x/sys@%s</purl></component>
      </components></bom>
      """
          .formatted(OLD_SYS, OLD_SYS);

  static final String OPENVEX =
      """
      {"@context": "https://openvex.dev/ns/v0.2.0", "@id": "urn:x", "author": "a",
       "timestamp": "2026-01-01T00:00:00Z", "version": 1, "statements": [
        {"vulnerability": {"name": "GO-2022-0493"}, "status": "not_affected",
         "justification": "vulnerable_code_not_in_execute_path",
         "products": [{"@id": "pkg:golang/golang.org/x/sys@%s"}]}]}
      """
          .formatted(OLD_SYS);

  static final String SARIF =
      """
      {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "fuzz", "rules": [
        {"id": "r1", "defaultConfiguration": {"level": "error"}}]}},
        "results": [{"ruleId": "r1", "level": "error", "message": {"text": "m"},
          "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a.java"},
            "region": {"startLine": 3}}}]}]}]}
      """;

  static final String DSSE =
      """
      {"payloadType": "application/vnd.in-toto+json", "payload": "%s",
       "signatures": [{"keyid": "fuzz", "sig": "AAAA"}]}
      """
          .formatted(
              Base64.getEncoder()
                  .encodeToString(
                      """
                      {"_type": "https://in-toto.io/Statement/v1", "subject": [{"name": "a",
                       "digest": {"sha256": "%s"}}], "predicateType": "https://slsa.dev/provenance/v1",
                       "predicate": {"buildDefinition": {}, "runDetails": {"builder": {"id": "b"}}}}
                      """
                          .formatted("c".repeat(64))
                          .getBytes(StandardCharsets.UTF_8)));

  static final List<String> JSON = List.of("application/json");

  /** Every route with a body; a key is "METHOD path" as the server declares it. */
  static final Map<String, Spec> SPECS = new LinkedHashMap<>();

  static {
    SPECS.put(
        "POST /api/v1/services",
        new Spec(
            JSON,
            "{\"name\": \"fz-new\", \"team\": \"fuzz\", \"area\": \"backend\","
                + " \"criticality\": \"low\", \"value\": 3}"));
    SPECS.put(
        "PUT /api/v1/services/{name}",
        new Spec(
            JSON,
            "{\"team\": \"fuzz\", \"area\": \"data\", \"criticality\": \"high\", \"value\": 1}"));
    SPECS.put(
        "POST /api/v1/catalog/import",
        new Spec(
            List.of("application/yaml", "text/yaml", "application/json"),
            "{\"services\": [{\"name\": \"fz-imported\", \"team\": \"fuzz\", \"area\": \"website\","
                + " \"criticality\": \"medium\"}]}"));
    SPECS.put(
        "POST /api/v1/tokens",
        new Spec(
            JSON,
            "{\"name\": \"fz\", \"role\": \"developer\", \"teams\": [\"fuzz\"],"
                + " \"expiresAt\": \"2027-01-01T00:00:00Z\"}"));
    SPECS.put(
        "POST /api/v1/webhooks",
        new Spec(
            JSON,
            "{\"url\": \"https://hooks.example.com/x\", \"events\": [\"finding.new\"],"
                + " \"team\": \"fuzz\"}"));
    SPECS.put(
        "POST /api/v1/services/{name}/releases",
        new Spec(JSON, "{\"version\": \"2.0\", \"digest\": \"sha256:" + "d".repeat(64) + "\"}"));
    SPECS.put(
        "PUT /api/v1/services/{name}/releases/{version}/sbom",
        new Spec(
            List.of(
                "application/vnd.cyclonedx+json",
                "application/json",
                "application/spdx+json",
                "application/vnd.cyclonedx+xml",
                "application/xml"),
            SBOM));
    SPECS.put("POST /api/v1/advisories/sync", new Spec(JSON, "{}"));
    SPECS.put(
        "POST /api/v1/findings/{id}/transitions",
        new Spec(
            JSON,
            "{\"state\": \"not_affected\", \"reason\": \"r\","
                + " \"justification\": \"component_not_present\", \"scope\": \"release\"}"));
    SPECS.put(
        "POST /api/v1/findings/{id}/risk-acceptance",
        new Spec(
            JSON,
            "{\"reason\": \"r\", \"expiresAt\": \"2026-12-24T00:00:00Z\", \"scope\": \"release\"}"));
    SPECS.put("POST /api/v1/risk-acceptances/{id}/approve", new Spec(JSON, "{}"));
    SPECS.put(
        "POST /api/v1/services/{name}/vex",
        new Spec(
            List.of(
                "application/openvex+json", "application/vnd.cyclonedx+json", "application/json"),
            OPENVEX));
    SPECS.put(
        "POST /api/v1/services/{name}/releases/{version}/sarif",
        new Spec(List.of("application/sarif+json", "application/json"), SARIF));
    SPECS.put(
        "POST /api/v1/policies/bundles",
        new Spec(
            JSON,
            "{\"files\": {\"p.yaml\": \"name: p\\nrules:\\n  - name: r\\n    expression:"
                + " 'findings.size() >= 0'\\n\"}}"));
    SPECS.put("POST /api/v1/policies/bundles/{id}/approve", new Spec(JSON, "{}"));
    SPECS.put("POST /api/v1/policies/bundles/{id}/reject", new Spec(JSON, "{\"reason\": \"no\"}"));
    SPECS.put("POST /api/v1/transition-requests/{id}/approve", new Spec(JSON, "{}"));
    SPECS.put(
        "POST /api/v1/transition-requests/{id}/reject", new Spec(JSON, "{\"reason\": \"no\"}"));
    SPECS.put(
        "POST /api/v1/gates/evaluate",
        new Spec(
            JSON,
            "{\"service\": \"fuzz-api\", \"version\": \"1.0\", \"environment\": \"staging\"}"));
    SPECS.put(
        "POST /api/v1/deployments",
        new Spec(
            JSON,
            "{\"service\": \"fuzz-api\", \"version\": \"1.0\", \"environment\": \"staging\"}"));
    SPECS.put(
        "POST /api/v1/waivers",
        new Spec(
            JSON,
            "{\"service\": \"fuzz-api\", \"policy\": \"p\", \"rule\": \"r\", \"reason\": \"x\","
                + " \"expires\": \"2026-12-20\"}"));
    SPECS.put("POST /api/v1/waivers/{id}/approve", new Spec(JSON, "{}"));
    SPECS.put("POST /api/v1/waivers/{id}/revoke", new Spec(JSON, "{\"reason\": \"done\"}"));
    SPECS.put(
        "POST /api/v1/services/{name}/releases/{version}/attestations",
        new Spec(List.of("application/vnd.dsse.envelope.v1+json", "application/json"), DSSE));
  }

  /**
   * Routes that take no body and are not fuzzed: a backup copies the whole database (one request in
   * the corpus covers it).
   */
  static final Set<String> NOT_FUZZED = Set.of("POST /api/v1/backup");

  TestServer ts;
  Http http;
  final List<String> ids = new ArrayList<>();

  @BeforeProperty
  void start() throws IOException {
    Path dir = Files.createTempDirectory("bulwark-fuzz");
    Path osv;
    try {
      osv = Path.of(ApiFuzzContract.class.getResource("/osv").toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    ts =
        new TestServer(
            kind(), dir, c -> c.withOsvSources(List.of(osv)).withLimits(1024 * 1024, 1_000_000));
    http = ts.http;
    expect(
        http.put(
            "/api/v1/services/fuzz-api",
            ADMIN,
            Map.of("team", "fuzz", "area", "backend", "criticality", "high")),
        201);
    expect(
        http.post(
            "/api/v1/services/fuzz-api/releases",
            ADMIN,
            Map.of("version", "1.0", "digest", "sha256:" + "c".repeat(64))),
        201);
    expect(
        http.send(
            "/api/v1/services/fuzz-api/releases/1.0/sbom",
            ADMIN,
            "PUT",
            "application/vnd.cyclonedx+json",
            SBOM.getBytes(StandardCharsets.UTF_8)),
        200);
    JsonNode findings =
        http.get("/api/v1/services/fuzz-api/releases/1.0/findings", ADMIN).json().path("findings");
    String finding = findings.get(0).path("findingId").asText();
    ids.add(finding);
    JsonNode risk =
        http.post(
                "/api/v1/findings/"
                    + findings.get(findings.size() - 1).path("findingId").asText()
                    + "/risk-acceptance",
                ADMIN,
                Map.of("reason", "fuzz", "expiresAt", "2026-12-24T00:00:00Z"))
            .json();
    ids.add(risk.path("id").asText("1"));
    // An active bundle and a requested waiver, so gates and waiver routes go past "not found".
    expect(
        http.send(
            "/api/v1/policies/bundles",
            ADMIN,
            "POST",
            "application/json",
            SPECS.get("POST /api/v1/policies/bundles").template().getBytes(StandardCharsets.UTF_8)),
        201);
    Http.Response waiver =
        http.send(
            "/api/v1/waivers",
            ADMIN,
            "POST",
            "application/json",
            SPECS.get("POST /api/v1/waivers").template().getBytes(StandardCharsets.UTF_8));
    ids.add(waiver.status() == 201 ? waiver.json().path("id").asText("1") : "1");
    ids.addAll(List.of("1", "0", "-1", "99999999999999999999", "1e3", "abc", "%20"));
  }

  @AfterProperty
  void healthyAfterwards() {
    try {
      assertThat(http.get("/healthz", null).status()).isEqualTo(200);
      String name = "after-fuzz-" + System.nanoTime();
      expect(
          http.put(
              "/api/v1/services/" + name,
              ADMIN,
              Map.of("team", "fuzz", "area", "backend", "criticality", "low")),
          201);
      expect(
          http.post(
              "/api/v1/services/" + name + "/releases",
              ADMIN,
              Map.of("version", "1", "digest", "sha256:" + "e".repeat(64))),
          201);
      assertThat(http.get("/api/v1/services/" + name, ADMIN).json().path("team").asText())
          .isEqualTo("fuzz");
    } finally {
      ts.close();
    }
  }

  static void expect(Http.Response r, int status) {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
  }

  // ---- the properties ----

  @Example
  void everyRouteWithABodyIsFuzzed() {
    Set<String> uncovered = new TreeSet<>();
    for (ApiRoute r : ts.server.routes()) {
      String key = r.method() + " " + r.path();
      if ((r.method() == ApiRoute.Method.POST || r.method() == ApiRoute.Method.PUT)
          && !SPECS.containsKey(key)
          && !NOT_FUZZED.contains(key)) {
        uncovered.add(key);
      }
    }
    assertThat(uncovered).as("routes with a body that the fuzz test does not describe").isEmpty();
    Set<String> declared = new TreeSet<>();
    ts.server.routes().forEach(r -> declared.add(r.method() + " " + r.path()));
    assertThat(declared).as("fuzzed routes the server no longer has").containsAll(SPECS.keySet());
  }

  /** The reproductions of issue 12 and other bodies known to have hurt parsers. */
  @Example
  void knownHostileBodies() {
    String vulnerableTwice =
        """
        {"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
          {"bom-ref": "x", "purl": "pkg:golang/golang.org/x/sys@%s"},
          {"bom-ref": "x", "purl": "pkg:golang/golang.org/x/sys@%s"}]}
        """
            .formatted(OLD_SYS, OLD_SYS);
    String hugeGo =
        """
        {"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
          {"bom-ref": "gin", "purl": "pkg:golang/github.com/gin-gonic/gin@v1.%s.0"},
          {"bom-ref": "sys", "purl": "pkg:golang/golang.org/x/sys@%s"}]}
        """
            .formatted(HUGE_DIGITS, OLD_SYS);
    List<String[]> corpus = new ArrayList<>();
    corpus.add(
        new String[] {"POST /api/v1/services/{name}/vex", "application/json", "[".repeat(100_000)});
    corpus.add(
        new String[] {
          "POST /api/v1/services/{name}/vex", "application/json", "{\"a\":".repeat(30_000)
        });
    String sbomRoute = "PUT /api/v1/services/{name}/releases/{version}/sbom";
    for (String version : List.of("huge-go", "dup-ref")) {
      expect(
          http.post(
              "/api/v1/services/fuzz-api/releases",
              ADMIN,
              Map.of("version", version, "digest", "sha256:" + "f".repeat(64))),
          201);
    }
    corpus.add(
        new String[] {
          "PUT /api/v1/services/fuzz-api/releases/huge-go/sbom", "application/json", hugeGo
        });
    corpus.add(
        new String[] {
          "PUT /api/v1/services/fuzz-api/releases/dup-ref/sbom", "application/json", vulnerableTwice
        });
    corpus.add(new String[] {sbomRoute, "application/json", "[".repeat(100_000)});
    corpus.add(new String[] {sbomRoute, "application/json", "{" + "\"components\":[".repeat(1000)});
    corpus.add(new String[] {sbomRoute, "application/xml", BILLION_LAUGHS});
    corpus.add(new String[] {sbomRoute, "application/xml", XXE});
    corpus.add(new String[] {sbomRoute, "application/xml", "<bom>".repeat(20_000)});
    corpus.add(
        new String[] {
          "POST /api/v1/services/{name}/releases/{version}/sarif",
          "application/json",
          "[".repeat(100_000)
        });
    corpus.add(new String[] {"POST /api/v1/catalog/import", "application/yaml", YAML_BOMB});
    corpus.add(
        new String[] {"POST /api/v1/catalog/import", "application/yaml", "- [".repeat(20_000)});
    corpus.add(
        new String[] {
          "POST /api/v1/policies/bundles",
          "application/json",
          "{\"files\": {\"a.yaml\": \"" + "[".repeat(10_000) + "\"}}"
        });
    corpus.add(
        new String[] {
          "POST /api/v1/services/{name}/releases/{version}/attestations",
          "application/json",
          "{\"payloadType\": \"x\", \"payload\": \"" + "%".repeat(1000) + "\", \"signatures\": []}"
        });
    corpus.add(
        new String[] {
          "POST /api/v1/findings/{id}/risk-acceptance",
          "application/json",
          "{\"reason\": \"r\", \"expiresAt\": \"+1000000000-01-01T00:00:00Z\"}"
        });
    corpus.add(
        new String[] {
          "POST /api/v1/waivers",
          "application/json",
          "{\"service\": \"fuzz-api\", \"policy\": \"p\", \"rule\": \"r\", \"reason\": \"x\", \"expires\": \"+999999999-12-31\"}"
        });
    corpus.add(new String[] {"POST /api/v1/backup", "application/json", "{}"});
    corpus.add(
        new String[] {
          "POST /api/v1/tokens",
          "application/json",
          "{\"name\": \"t\", \"role\": \"developer\", \"teams\": [\"fuzz\"], \"expiresAt\": \"+1000000000-01-01T00:00:00Z\"}"
        });
    for (String[] c : corpus) {
      String path = c[0].substring(c[0].indexOf(' ') + 1);
      String method = c[0].substring(0, c[0].indexOf(' '));
      send(method, path(path, 0), c[1], c[2].getBytes(StandardCharsets.UTF_8), c[0]);
    }
    JsonNode dup =
        http.get("/api/v1/services/fuzz-api/releases/dup-ref/findings", ADMIN)
            .json()
            .path("findings");
    assertThat(dup.size()).isEqualTo(2);
  }

  static final String BILLION_LAUGHS =
      """
      <?xml version="1.0"?>
      <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
       <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
      <bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components><component>
      <name>&lol3;</name></component></components></bom>
      """;

  static final String XXE =
      """
      <?xml version="1.0"?>
      <!DOCTYPE bom [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
      <bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components><component>
      <name>&xxe;</name></component></components></bom>
      """;

  static final String YAML_BOMB =
      """
      a: &a ["x","x","x","x","x","x","x","x","x"]
      b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
      c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
      services: [*c,*c,*c,*c,*c,*c,*c,*c,*c]
      """;

  enum Kind {
    REPLACE,
    ADD,
    REMOVE,
    RANDOM,
    TRUNCATE,
    RAW,
    WRONG_TYPE,
    TWICE
  }

  record Request(String route, Kind kind, int pick, JsonNode value, int cut, int type, String key) {
    @Override
    public String toString() {
      String v = value.toString();
      return route
          + " "
          + kind
          + " pick="
          + pick
          + " cut="
          + cut
          + " type="
          + type
          + " key="
          + key
          + " value="
          + (v.length() > 200 ? v.substring(0, 200) + "..." : v);
    }
  }

  @Property(tries = 2000, shrinking = net.jqwik.api.ShrinkingMode.BOUNDED)
  void noBodyMakesTheServerFail(@ForAll("requests") Request r) {
    Spec spec = SPECS.get(r.route());
    String type = spec.types().get(r.type() % spec.types().size());
    byte[] body;
    switch (r.kind()) {
      case REPLACE, ADD, REMOVE, TWICE -> body = mutate(spec, type, r);
      case RANDOM -> body = Json.write(r.value());
      case TRUNCATE -> {
        byte[] whole = template(spec, type).getBytes(StandardCharsets.UTF_8);
        body = java.util.Arrays.copyOf(whole, whole.length * r.cut() / 1000);
      }
      case RAW -> body = RAW.get(r.pick() % RAW.size());
      case WRONG_TYPE -> {
        type =
            List.of("text/plain", "application/x-www-form-urlencoded", "", "application/xml")
                .get(r.pick() % 4);
        body = template(spec, spec.types().get(0)).getBytes(StandardCharsets.UTF_8);
      }
      default -> throw new IllegalStateException();
    }
    String method = r.route().substring(0, r.route().indexOf(' '));
    String path = path(r.route().substring(r.route().indexOf(' ') + 1), r.pick());
    int status = send(method, path, type.isEmpty() ? null : type, body, r.toString());
    Statistics.label("status").collect(status / 100 + "xx");
  }

  static String template(Spec spec, String type) {
    return type.endsWith("xml") && spec.template().equals(SBOM) ? SBOM_XML : spec.template();
  }

  /** A copy of the route's document with one node replaced, added or removed. */
  static byte[] mutate(Spec spec, String type, Request r) {
    String template = template(spec, type);
    if (template.equals(SBOM_XML)) {
      // XML is mutated as text: the hostile value (as text) replaces one element's content.
      String v = r.value().isTextual() ? r.value().asText() : r.value().toString();
      String escaped = v.replace("&", "&amp;").replace("<", "&lt;");
      String[] parts = template.split("</", -1);
      int i = r.pick() % (parts.length - 1);
      int gt = parts[i].lastIndexOf('>');
      parts[i] = parts[i].substring(0, gt + 1) + escaped;
      return String.join("</", parts).getBytes(StandardCharsets.UTF_8);
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(template);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<JsonNode> containers = new ArrayList<>();
    collect(root, containers);
    JsonNode target = containers.get(r.pick() % containers.size());
    switch (r.kind()) {
      case ADD -> {
        if (target instanceof ObjectNode o) {
          o.set(r.key(), r.value());
        } else {
          ((ArrayNode) target).add(r.value());
        }
      }
      case REMOVE -> {
        if (target instanceof ObjectNode o && o.size() > 0) {
          List<String> names = new ArrayList<>();
          o.fieldNames().forEachRemaining(names::add);
          o.remove(names.get(r.cut() % names.size()));
        } else if (target instanceof ArrayNode a && a.size() > 0) {
          a.remove(r.cut() % a.size());
        }
      }
      default -> {
        if (!replace(target, r.cut(), r.value())) {
          return Json.write(r.value());
        }
        if (r.kind() == Kind.TWICE) {
          // Every container once more, collected again: the first replacement may have moved them.
          containers.clear();
          collect(root, containers);
          // A copy: the target may lie inside the first value, which must not contain itself.
          replace(
              containers.get(r.pick() / 13 % containers.size()), r.cut() / 7, r.value().deepCopy());
        }
      }
    }
    return Json.write(root);
  }

  private static boolean replace(JsonNode target, int cut, JsonNode value) {
    if (target instanceof ObjectNode o && o.size() > 0) {
      List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      o.set(names.get(cut % names.size()), value);
      return true;
    } else if (target instanceof ArrayNode a && a.size() > 0) {
      a.set(cut % a.size(), value);
      return true;
    }
    return false;
  }

  private static void collect(JsonNode n, List<JsonNode> out) {
    if (n.isContainerNode()) {
      out.add(n);
      n.forEach(c -> collect(c, out));
    }
  }

  String path(String declared, int pick) {
    return declared
        .replace("{name}", "fuzz-api")
        .replace("{version}", "1.0")
        .replace("{id}", ids.get(pick % ids.size()));
  }

  int send(String method, String path, String type, byte[] body, String what) {
    Http.Response resp = http.send(path, ADMIN, method, type, body);
    boolean backupOnPostgres =
        path.equals("/api/v1/backup") && kind() == TestDatabases.Kind.POSTGRESQL;
    if (backupOnPostgres) {
      // Deliberate: 501 Not Implemented, back PostgreSQL up with its own tools.
      assertThat(resp.status()).as(resp.text()).isEqualTo(501);
      return resp.status();
    }
    assertThat(resp.status())
        .as("%s %s (%s): %s -> %s", method, path, type, what, resp.text())
        .isLessThan(500);
    if (resp.status() >= 400) {
      assertThat(resp.contentType()).as(what).startsWith("application/problem+json");
      assertThat(resp.json().path("detail").asText()).as(what).isNotBlank();
    }
    return resp.status();
  }

  // ---- generators ----

  static final List<byte[]> RAW = rawBodies();

  private static List<byte[]> rawBodies() {
    List<byte[]> out = new ArrayList<>();
    for (String s :
        List.of(
            "",
            "null",
            "[]",
            "\"\"",
            "0",
            "{",
            "}",
            "{\"a\":1,\"a\":2}",
            "[".repeat(100_000),
            "{\"a\":".repeat(10_000),
            "[".repeat(63) + "]".repeat(63),
            "[".repeat(65) + "]".repeat(65),
            "1" + "0".repeat(100_000),
            "-1e999999999",
            "{\"x\": " + "9".repeat(2000) + "}",
            "\"" + "\\u0000".repeat(10_000) + "\"",
            "\"\\ud800\"",
            "{\"a\": NaN}",
            "{} {}",
            "\uFEFF{}",
            BILLION_LAUGHS,
            XXE,
            "<bom>".repeat(20_000),
            "<?xml version=\"1.0\"?><bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\">",
            YAML_BOMB,
            "!!java.lang.Runtime {}",
            "--- !<tag:yaml.org,2002:java.net.URL> [\"http://127.0.0.1/\"]")) {
      out.add(s.getBytes(StandardCharsets.UTF_8));
    }
    out.add(new byte[] {(byte) 0xff, (byte) 0xfe, '{', '}'});
    out.add(new byte[] {'{', '"', (byte) 0xc3, (byte) 0x28, '"', ':', '1', '}'});
    ByteArrayOutputStream zeros = new ByteArrayOutputStream();
    zeros.writeBytes(new byte[200_000]);
    out.add(zeros.toByteArray());
    return out;
  }

  @Provide
  Arbitrary<Request> requests() {
    List<String> routes = new ArrayList<>(SPECS.keySet());
    return Combinators.combine(
            Arbitraries.of(routes),
            Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(Kind.REPLACE)),
                Tuple.of(2, Arbitraries.just(Kind.ADD)),
                Tuple.of(1, Arbitraries.just(Kind.REMOVE)),
                Tuple.of(2, Arbitraries.just(Kind.RANDOM)),
                Tuple.of(1, Arbitraries.just(Kind.TRUNCATE)),
                Tuple.of(1, Arbitraries.just(Kind.RAW)),
                Tuple.of(1, Arbitraries.just(Kind.WRONG_TYPE)),
                Tuple.of(2, Arbitraries.just(Kind.TWICE))),
            Arbitraries.integers().between(0, 1_000_000),
            value(3),
            Arbitraries.integers().between(0, 999),
            Arbitraries.integers().between(0, 10),
            keys())
        .as(Request::new);
  }

  static final JsonNodeFactory F = JsonNodeFactory.instance;

  private static Arbitrary<String> keys() {
    Set<String> known = new TreeSet<>();
    for (Spec s : SPECS.values()) {
      try {
        collectKeys(Json.MAPPER.readTree(s.template()), known);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of(List.copyOf(known))),
        Tuple.of(1, Arbitraries.strings().ofMaxLength(20)),
        Tuple.of(
            1,
            Arbitraries.of("", "__proto__", "constructor", "$ref", "@type", "a".repeat(10_000))));
  }

  private static void collectKeys(JsonNode n, Set<String> out) {
    if (n.isObject()) {
      n.fieldNames().forEachRemaining(out::add);
    }
    n.forEach(c -> collectKeys(c, out));
  }

  static Arbitrary<JsonNode> value(int depth) {
    Arbitrary<JsonNode> leaf = leaf();
    if (depth == 0) {
      return leaf;
    }
    Arbitrary<JsonNode> inner = value(depth - 1);
    return Arbitraries.frequencyOf(
        Tuple.of(8, leaf),
        Tuple.of(
            1,
            inner
                .list()
                .ofMaxSize(4)
                .map(
                    l -> {
                      ArrayNode a = F.arrayNode();
                      l.forEach(a::add);
                      return (JsonNode) a;
                    })),
        Tuple.of(
            1,
            Combinators.combine(keys(), inner)
                .as(Map::entry)
                .list()
                .ofMaxSize(4)
                .map(
                    l -> {
                      ObjectNode o = F.objectNode();
                      l.forEach(e -> o.set(e.getKey(), e.getValue()));
                      return (JsonNode) o;
                    })),
        Tuple.of(1, Arbitraries.integers().between(1, 200).map(ApiFuzzContract::nested)));
  }

  private static JsonNode nested(int depth) {
    JsonNode n = F.textNode("deep");
    for (int i = 0; i < depth; i++) {
      ArrayNode a = F.arrayNode();
      a.add(n);
      n = a;
    }
    return n;
  }

  private static Arbitrary<JsonNode> leaf() {
    Arbitrary<JsonNode> strings =
        Arbitraries.strings()
            .withCharRange('\u0000', '\u024f')
            .withCharRange('\u0400', '\u04ff')
            .withCharRange('\u200b', '\u202e')
            .withCharRange('\u4e00', '\u4e80')
            .ofMaxLength(40)
            .map(s -> (JsonNode) F.textNode(s));
    Arbitrary<JsonNode> special =
        Arbitraries.of(
                "",
                " ",
                "\u0000",
                "null",
                "true",
                "-1",
                "1e309",
                "../../../../etc/passwd",
                "C:\\Windows\\win.ini",
                "pkg:golang/github.com/gin-gonic/gin@v1." + HUGE_DIGITS,
                "pkg:golang/golang.org/x/sys@" + OLD_SYS,
                "pkg:npm/%40a/b@1.0.0?x=%zz#/../",
                "pkg:",
                "+1000000000-01-01T00:00:00Z",
                "-1000000000-01-01T00:00:00Z",
                "+999999999-12-31T23:59:59.999999999Z",
                "9999-12-31",
                "0000-00-00",
                "2026-02-30T25:61:61Z",
                "P99999999999999D",
                "sha256:" + "z".repeat(64),
                "sha256:" + "a".repeat(64),
                "admin",
                "security",
                "not_affected",
                "risk_accepted",
                "*",
                "staging",
                "prod",
                "fuzz-api",
                "fuzz",
                "${jndi:ldap://127.0.0.1/a}",
                "'; DROP TABLE services; --",
                "<script>alert(1)</script>",
                "http://127.0.0.1:1/",
                "http://[::1]/",
                "http://169.254.169.254/latest/meta-data/",
                "file:///etc/passwd",
                "size('a'.replace('a', 'aaaaaaaaaa')) > 0",
                "name: p\nrules:\n  - name: r\n    expression: 'true'\n",
                "a".repeat(100_000),
                "\u00e9".repeat(20_000),
                "e\u0301",
                "\u0430lpha",
                "\ud83d\ude00".repeat(1000),
                "\u202egnp.exe",
                "%00%2e%2e%2f")
            .map(s -> (JsonNode) F.textNode(s));
    Arbitrary<JsonNode> numbers =
        Arbitraries.of(
            F.numberNode(0),
            F.numberNode(-1),
            F.numberNode(Integer.MAX_VALUE),
            F.numberNode(Integer.MIN_VALUE),
            F.numberNode(Long.MAX_VALUE),
            F.numberNode(Long.MIN_VALUE),
            F.numberNode(new BigInteger("9".repeat(400))),
            F.numberNode(new BigInteger("-" + "9".repeat(400))),
            F.numberNode(new BigDecimal("1e-400")),
            F.numberNode(new BigDecimal("1e400")),
            F.numberNode(Double.MAX_VALUE),
            F.numberNode(-0.0),
            F.numberNode(1.5));
    Arbitrary<JsonNode> others =
        Arbitraries.of(F.nullNode(), F.booleanNode(true), F.booleanNode(false));
    return Arbitraries.frequencyOf(
        Tuple.of(3, strings), Tuple.of(4, special), Tuple.of(3, numbers), Tuple.of(2, others));
  }
}

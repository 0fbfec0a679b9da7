package dev.bulwark.vuln.match;

import dev.bulwark.vuln.osv.Advisory;
import dev.bulwark.vuln.osv.OsvFormatException;
import dev.bulwark.vuln.osv.OsvLoader;
import dev.bulwark.vuln.osv.OsvParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

final class Fixtures {
  private Fixtures() {}

  static Advisory json(String json) throws OsvFormatException {
    return OsvParser.parse("test.json", json.getBytes(StandardCharsets.UTF_8), false);
  }

  static Advisory yaml(String yaml) throws OsvFormatException {
    return OsvParser.parse("test.yaml", yaml.getBytes(StandardCharsets.UTF_8), true);
  }

  static Path resource(String path) {
    try {
      return Path.of(Fixtures.class.getResource("/" + path).toURI());
    } catch (Exception e) {
      throw new IllegalStateException(path, e);
    }
  }

  static List<Advisory> load(String... resources) throws Exception {
    List<Advisory> out = new ArrayList<>();
    for (String r : resources) {
      OsvLoader.load(resource(r), out);
    }
    return out;
  }

  /** A one-package advisory with one range of the given events, as JSON. */
  static String record(String id, String ecosystem, String name, String type, String events) {
    return """
        {"id": "%s", "modified": "2024-01-01T00:00:00Z",
         "affected": [{"package": {"ecosystem": "%s", "name": "%s"},
                       "ranges": [{"type": "%s", "events": [%s]}]}]}
        """
        .formatted(id, ecosystem, name, type, events);
  }
}

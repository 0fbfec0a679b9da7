package dev.bulwark.server.findings;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bulwark.server.catalog.Area;
import dev.bulwark.server.catalog.Criticality;
import dev.bulwark.server.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How long a finding may stay open: days by severity, by the service's criticality and by its area
 * (do not spend 200 to protect a 5 asset). Findings of unknown severity get the medium row: they
 * still need triage, and no severity is guessed. Immutable; read once at start from {@code
 * sla.file} when set, where every cell is optional and the defaults fill the rest.
 */
public final class SlaPolicy {
  static final List<String> SEVERITIES = List.of("critical", "high", "medium", "low");
  static final int MAX_DAYS = 3650;

  /** The documented defaults, the same for every area. */
  private static final int[][] DEFAULT_DAYS = {
    // service criticality: critical, high, medium, low
    {7, 14, 30, 60}, // critical findings
    {14, 30, 60, 90}, // high
    {30, 60, 90, 120}, // medium
    {60, 90, 120, 180} // low
  };

  public static final SlaPolicy DEFAULTS = new SlaPolicy(defaults());

  /** days[area][severity][criticality]. */
  private final int[][][] days;

  private SlaPolicy(int[][][] days) {
    this.days = days;
  }

  private static int[][][] defaults() {
    int[][][] d = new int[Area.values().length][][];
    for (Area a : Area.values()) {
      d[a.ordinal()] = new int[SEVERITIES.size()][];
      for (int s = 0; s < SEVERITIES.size(); s++) {
        d[a.ordinal()][s] = new int[Criticality.values().length];
        for (Criticality c : Criticality.values()) {
          d[a.ordinal()][s][c.ordinal()] = DEFAULT_DAYS[s][column(c)];
        }
      }
    }
    return d;
  }

  private static int column(Criticality c) {
    return switch (c) {
      case critical -> 0;
      case high -> 1;
      case medium -> 2;
      case low -> 3;
    };
  }

  public Duration due(String severity, Criticality criticality, Area area) {
    int s = SEVERITIES.indexOf(severity.toLowerCase(Locale.ROOT));
    return Duration.ofDays(days[area.ordinal()][s < 0 ? 2 : s][criticality.ordinal()]);
  }

  /**
   * Reads a matrix file (YAML or JSON):
   *
   * <pre>
   * days:                 # severity -> service criticality -> days, for every area
   *   critical: {critical: 5}
   * areas:                # per area, overrides of single cells
   *   website:
   *     low: {low: 365}
   * </pre>
   *
   * Every problem in the file is reported at once, each with its path.
   */
  public static SlaPolicy read(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
    } catch (JacksonException e) {
      throw new ConfigException(
          "sla.file "
              + file
              + ": not YAML or JSON at line "
              + e.getLocation().getLineNr()
              + " column "
              + e.getLocation().getColumnNr());
    } catch (IOException e) {
      throw new ConfigException("sla.file " + file + ": cannot read it (" + e + ")");
    }
    List<String> errors = new ArrayList<>();
    int[][][] d = defaults();
    if (root == null || !root.isObject()) {
      throw new ConfigException("sla.file " + file + ": must be a mapping with days and areas");
    }
    for (Iterator<String> keys = root.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!key.equals("days") && !key.equals("areas")) {
        errors.add(key + ": unknown key (days, areas)");
      }
    }
    // days apply to every area first; areas then refine single cells.
    if (root.has("days")) {
      for (Area a : Area.values()) {
        // Report each problem once, not once per area.
        List<String> sink = a.ordinal() == 0 ? errors : new ArrayList<>();
        cells(root.get("days"), "days", d[a.ordinal()], sink);
      }
    }
    JsonNode areas = root.path("areas");
    if (root.has("areas") && !areas.isObject()) {
      errors.add("areas: must be a mapping of area to severities");
    }
    for (var ae : areas.properties()) {
      Area area = enumValue(Area.class, ae.getKey());
      if (area == null) {
        errors.add("areas." + ae.getKey() + ": not an area (website, backend, data)");
        continue;
      }
      cells(ae.getValue(), "areas." + ae.getKey(), d[area.ordinal()], errors);
    }
    if (!errors.isEmpty()) {
      throw new ConfigException("sla.file " + file + ": " + String.join("; ", errors));
    }
    return new SlaPolicy(d);
  }

  private static void cells(JsonNode node, String at, int[][] into, List<String> errors) {
    if (!node.isObject()) {
      errors.add(at + ": must be a mapping of severity to criticalities");
      return;
    }
    for (var s : node.properties()) {
      int sev = SEVERITIES.indexOf(s.getKey());
      if (sev < 0) {
        errors.add(at + "." + s.getKey() + ": not a severity (critical, high, medium, low)");
        continue;
      }
      if (!s.getValue().isObject()) {
        errors.add(at + "." + s.getKey() + ": must be a mapping of criticality to days");
        continue;
      }
      for (var c : s.getValue().properties()) {
        String where = at + "." + s.getKey() + "." + c.getKey();
        Criticality crit = enumValue(Criticality.class, c.getKey());
        if (crit == null) {
          errors.add(where + ": not a criticality (critical, high, medium, low)");
          continue;
        }
        JsonNode v = c.getValue();
        if (!v.canConvertToExactIntegral() || v.asLong() < 1 || v.asLong() > MAX_DAYS) {
          errors.add(where + ": must be whole days from 1 to " + MAX_DAYS + ", was " + v);
          continue;
        }
        into[sev][crit.ordinal()] = v.asInt();
      }
    }
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, String name) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(name)) {
        return e;
      }
    }
    return null;
  }

  /** The matrix as the API shows it: area -> severity -> criticality -> days. */
  public Map<String, Map<String, Map<String, Integer>>> table() {
    Map<String, Map<String, Map<String, Integer>>> out = new java.util.LinkedHashMap<>();
    for (Area a : Area.values()) {
      Map<String, Map<String, Integer>> rows = new java.util.LinkedHashMap<>();
      for (int s = 0; s < SEVERITIES.size(); s++) {
        Map<String, Integer> row = new java.util.LinkedHashMap<>();
        for (Criticality c :
            List.of(Criticality.critical, Criticality.high, Criticality.medium, Criticality.low)) {
          row.put(c.name(), days[a.ordinal()][s][c.ordinal()]);
        }
        rows.put(SEVERITIES.get(s), row);
      }
      out.put(a.name(), rows);
    }
    return out;
  }
}

package dev.bulwark.server.findings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.server.catalog.Area;
import dev.bulwark.server.catalog.Criticality;
import dev.bulwark.server.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlaPolicyTest {
  @TempDir Path tmp;

  SlaPolicy read(String text) throws IOException {
    Path f = tmp.resolve("sla.yaml");
    Files.writeString(f, text);
    return SlaPolicy.read(f);
  }

  @Test
  void theDocumentedDefaults() {
    SlaPolicy d = SlaPolicy.DEFAULTS;
    assertThat(d.due("critical", Criticality.critical, Area.data).toDays()).isEqualTo(7);
    assertThat(d.due("low", Criticality.low, Area.website).toDays()).isEqualTo(180);
    assertThat(d.due("high", Criticality.medium, Area.backend).toDays()).isEqualTo(60);
    assertThat(d.due("unknown", Criticality.high, Area.backend).toDays())
        .as("unknown severity: the medium row")
        .isEqualTo(60);
    assertThat(d.due("CRITICAL", Criticality.low, Area.backend).toDays()).isEqualTo(60);
  }

  @Test
  void daysApplyEverywhereAndAreasRefineSingleCells() throws IOException {
    SlaPolicy p =
        read(
            """
            areas:
              website:
                low: {low: 365}
            days:
              critical: {critical: 3}
            """);
    assertThat(p.due("critical", Criticality.critical, Area.data).toDays()).isEqualTo(3);
    assertThat(p.due("critical", Criticality.critical, Area.website).toDays()).isEqualTo(3);
    assertThat(p.due("low", Criticality.low, Area.website).toDays()).isEqualTo(365);
    assertThat(p.due("low", Criticality.low, Area.data).toDays()).isEqualTo(180);
    assertThat(p.due("high", Criticality.high, Area.data).toDays())
        .as("untouched cells keep the defaults")
        .isEqualTo(30);
    assertThat(p.table().get("website").get("low").get("low")).isEqualTo(365);
    assertThat(p.table().get("backend").get("low").get("low")).isEqualTo(180);
  }

  @Test
  void jsonWorksToo() throws IOException {
    assertThat(
            read("{\"days\": {\"medium\": {\"low\": 200}}}")
                .due("medium", Criticality.low, Area.backend)
                .toDays())
        .isEqualTo(200);
  }

  @Test
  void everyMistakeIsReportedAtOnceWithItsPath() {
    assertThatThrownBy(
            () ->
                read(
                    """
                    dayz: {}
                    days:
                      severe: {high: 3}
                      high: {urgent: 3, low: 0, medium: 2.5, critical: "7"}
                    areas:
                      intranet: {}
                      data: {low: 5}
                    """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("dayz: unknown key")
        .hasMessageContaining("days.severe: not a severity")
        .hasMessageContaining("days.high.urgent: not a criticality")
        .hasMessageContaining("days.high.low: must be whole days from 1 to 3650, was 0")
        .hasMessageContaining("days.high.medium: must be whole days")
        .hasMessageContaining("days.high.critical: must be whole days")
        .hasMessageContaining("areas.intranet: not an area")
        .hasMessageContaining("areas.data.low: must be a mapping");
  }

  @Test
  void malformedAndMissingFiles() {
    assertThatThrownBy(() -> read("days: [unclosed"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("line");
    assertThatThrownBy(() -> read("- a list"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("must be a mapping");
    assertThatThrownBy(() -> read("days: {high: {low: 99999}}"))
        .hasMessageContaining("from 1 to 3650");
    assertThatThrownBy(() -> SlaPolicy.read(tmp.resolve("absent.yaml")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cannot read");
  }
}

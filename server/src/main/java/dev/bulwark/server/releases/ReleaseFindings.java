package dev.bulwark.server.releases;

import dev.bulwark.server.catalog.Area;
import dev.bulwark.server.catalog.Criticality;
import dev.bulwark.vuln.match.ScanResult;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * What the release intake and the gate facts need from the findings feature, which implements it:
 * releases own the SBOM's upload and its pacing, findings own what a finding is and its lifecycle.
 * Declared here so that releases depend on no other feature.
 */
public interface ReleaseFindings {
  /**
   * The findings a scan made, ready to be written in steps. Built outside any transaction.
   *
   * @param packageOf component ref to {@code ecosystem:package}, for the components that have one
   * @param started when the upload claimed the release: the findings' first-seen time
   */
  Batch prepare(ScanResult result, Map<String, String> packageOf, Instant started);

  /** One upload's findings. */
  interface Batch {
    int size();

    /**
     * Writes findings {@code [from, to)} of the release, with the carried-over decisions known when
     * the batch was prepared applied; in a bulk step.
     */
    void write(Handle h, long release, String service, String team, int from, int to);

    /**
     * In the transaction that publishes the upload: applies the decisions taken since the upload
     * started (what the steps did not see) and announces the serious findings left open.
     */
    void publish(Handle h, long release, String service, String team, String version);
  }

  /** The release's findings as a gate reads them: effective states, SLA due dates. */
  List<Releases.GateFinding> gateFindings(
      Handle h, long release, Criticality criticality, Area area, Instant now);
}

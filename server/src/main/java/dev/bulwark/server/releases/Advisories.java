package dev.bulwark.server.releases;

import dev.bulwark.vuln.match.AdvisoryIndex;
import dev.bulwark.vuln.match.Scanner;
import dev.bulwark.vuln.osv.OsvFormatException;
import dev.bulwark.vuln.osv.OsvLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The advisories the server matches releases against: loaded from the configured OSV sources at
 * start, held as one immutable index, replaced whole on a reload (never half-updated).
 */
public final class Advisories {
  private static final Logger LOG = LoggerFactory.getLogger(Advisories.class);

  private final List<Path> sources;
  private final AtomicReference<AdvisoryIndex> index =
      new AtomicReference<>(AdvisoryIndex.build(List.of()));

  public Advisories(List<Path> sources) {
    this.sources = List.copyOf(sources);
  }

  /** Loads every source; on any error the previous index stays and the error is thrown. */
  public void load() throws OsvFormatException, IOException {
    if (sources.isEmpty()) {
      return;
    }
    long t0 = System.nanoTime();
    AdvisoryIndex next = AdvisoryIndex.build(OsvLoader.load(sources));
    index.set(next);
    LOG.info(
        "loaded {} advisories ({} withdrawn) from {} in {} ms",
        next.size(),
        next.withdrawn(),
        sources,
        (System.nanoTime() - t0) / 1_000_000);
  }

  public AdvisoryIndex index() {
    return index.get();
  }

  public Scanner scanner() {
    return new Scanner(index.get());
  }
}

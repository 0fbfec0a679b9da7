package dev.bulwark.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Launch to healthy: wall time from starting {@code ./bulwark server} (the launcher a user runs,
 * jar already built) to the first 200 from {@code /healthz}, on embedded SQLite, for a first start
 * (empty data directory: schema migration and bootstrap token) and a restart (existing data).
 * Prints medians over the runs.
 *
 * <p>Usage: {@code java -cp bench.jar dev.bulwark.bench.LaunchToHealthy LAUNCHER [RUNS]}
 */
public final class LaunchToHealthy {
  public static void main(String[] args) throws Exception {
    Path launcher = Path.of(args[0]);
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    List<Double> first = new ArrayList<>();
    List<Double> restart = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      Path dir = Files.createTempDirectory("bulwark-launch");
      try (ServerProcess s = ServerProcess.start(launcher, dir, "")) {
        first.add(s.launchToHealthyNanos / 1e6);
      }
      try (ServerProcess s = ServerProcess.start(launcher, dir, "")) {
        restart.add(s.launchToHealthyNanos / 1e6);
      }
    }
    System.out.printf(
        "launch-to-healthy, first start (empty data dir): median %.0f ms, min %.0f, max %.0f over %d runs%n",
        median(first), Collections.min(first), Collections.max(first), runs);
    System.out.printf(
        "launch-to-healthy, restart (existing data):      median %.0f ms, min %.0f, max %.0f over %d runs%n",
        median(restart), Collections.min(restart), Collections.max(restart), runs);
  }

  static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }
}

package dev.bulwark.bench.differential;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One ecosystem's independent version ordering. Questions are asked in one batch ({@link #ask}), so
 * that an oracle in another process (dpkg, Python, node) starts once per run, not once per
 * comparison; answers are then read from memory.
 */
abstract class Oracle {
  private final Map<String, Boolean> valid = new HashMap<>();
  private final Map<String, Integer> compared = new HashMap<>();

  /** What the oracle is, for the report: the implementation and where it comes from. */
  abstract String describe();

  /** Why the oracle cannot run here (a tool or package missing), or null when it can. */
  abstract String missing();

  /** Answers every question not answered yet. */
  final void ask(Set<String> versions, Set<List<String>> pairs) throws IOException {
    List<String> newVersions = new ArrayList<>();
    for (String v : versions) {
      if (!valid.containsKey(v)) {
        newVersions.add(v);
      }
    }
    List<List<String>> newPairs = new ArrayList<>();
    for (List<String> p : pairs) {
      if (!compared.containsKey(key(p.get(0), p.get(1)))) {
        newPairs.add(p);
      }
    }
    if (newVersions.isEmpty() && newPairs.isEmpty()) {
      return;
    }
    List<String> answers = answer(newVersions, newPairs);
    if (answers.size() != newVersions.size() + newPairs.size()) {
      throw new IOException(
          describe()
              + " answered "
              + answers.size()
              + " of "
              + (newVersions.size() + newPairs.size())
              + " questions");
    }
    int i = 0;
    for (String v : newVersions) {
      valid.put(v, answers.get(i++).equals("ok"));
    }
    for (List<String> p : newPairs) {
      String a = answers.get(i++);
      compared.put(key(p.get(0), p.get(1)), a.equals("invalid") ? null : Integer.parseInt(a));
    }
  }

  /** One answer a question: "ok"/"invalid" for versions, then "-1"/"0"/"1"/"invalid" for pairs. */
  protected abstract List<String> answer(List<String> versions, List<List<String>> pairs)
      throws IOException;

  final boolean valid(String v) {
    Boolean b = valid.get(v);
    if (b == null) {
      throw new IllegalStateException("not asked: " + v);
    }
    return b;
  }

  /** The order of two valid versions: negative, zero or positive. */
  final int compare(String a, String b) {
    if (!compared.containsKey(key(a, b))) {
      throw new IllegalStateException("not asked: " + a + " vs " + b);
    }
    Integer c = compared.get(key(a, b));
    if (c == null) {
      throw new IllegalStateException("compared an invalid version: " + a + " vs " + b);
    }
    return c;
  }

  private static String key(String a, String b) {
    return a + '\u0000' + b;
  }

  /** An oracle written in the harness itself. */
  static <T> Oracle inJava(
      String description, Function<String, T> parse, BiFunction<T, T, Integer> order) {
    return new Oracle() {
      @Override
      String describe() {
        return description;
      }

      @Override
      String missing() {
        return null;
      }

      @Override
      protected List<String> answer(List<String> versions, List<List<String>> pairs) {
        List<String> out = new ArrayList<>(versions.size() + pairs.size());
        for (String v : versions) {
          out.add(parse.apply(v) == null ? "invalid" : "ok");
        }
        for (List<String> p : pairs) {
          T a = parse.apply(p.get(0));
          T b = parse.apply(p.get(1));
          out.add(a == null || b == null ? "invalid" : Integer.toString(order.apply(a, b)));
        }
        return out;
      }
    };
  }

  /**
   * An oracle in another process, speaking the line protocol of {@code bench/differential/}: the
   * questions go in as a file on stdin, the answers come back one a line.
   */
  static Oracle process(String description, String missing, List<String> command) {
    return new Oracle() {
      @Override
      String describe() {
        return description;
      }

      @Override
      String missing() {
        return missing;
      }

      @Override
      protected List<String> answer(List<String> versions, List<List<String>> pairs)
          throws IOException {
        Path in = Files.createTempFile("differential-q", ".tsv");
        Path out = Files.createTempFile("differential-a", ".txt");
        Path err = Files.createTempFile("differential-e", ".txt");
        try {
          StringBuilder sb = new StringBuilder();
          for (String v : versions) {
            sb.append("v\t").append(clean(v)).append('\n');
          }
          for (List<String> p : pairs) {
            sb.append("c\t").append(clean(p.get(0))).append('\t').append(clean(p.get(1)));
            sb.append('\n');
          }
          Files.writeString(in, sb, StandardCharsets.UTF_8);
          Process proc =
              new ProcessBuilder(command)
                  .redirectInput(in.toFile())
                  .redirectOutput(out.toFile())
                  .redirectError(err.toFile())
                  .start();
          try {
            if (!proc.waitFor(10, TimeUnit.MINUTES)) {
              proc.destroyForcibly();
              throw new IOException(description + " did not finish in 10 minutes");
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            proc.destroyForcibly();
            throw new IOException("interrupted", e);
          }
          if (proc.exitValue() != 0) {
            throw new IOException(
                description
                    + " exited "
                    + proc.exitValue()
                    + ": "
                    + Files.readString(err, StandardCharsets.UTF_8).strip());
          }
          return Files.readAllLines(out, StandardCharsets.UTF_8);
        } finally {
          Files.deleteIfExists(in);
          Files.deleteIfExists(out);
          Files.deleteIfExists(err);
        }
      }
    };
  }

  /** A tab or line break would break the protocol; such a version is invalid everywhere anyway. */
  private static String clean(String v) {
    return v.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
  }
}

package dev.bulwark.vuln.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A version whose numbers do not fit the ordering library's int is refused when it is parsed, with
 * a short reason, instead of throwing a NumberFormatException later, in the middle of a comparison.
 */
class HugeVersionNumbersTest {
  static final String HUGE = "1" + "9".repeat(5000);

  @Test
  void aGoVersionWithAFiveThousandDigitPartIsInvalidWithAShortReason() {
    assertThatThrownBy(() -> VersionScheme.GO.parse("v1." + HUGE + ".0"))
        .isInstanceOf(InvalidVersionException.class)
        .hasMessageContaining("is not a valid go version")
        .hasMessageContaining("(5006 characters)")
        .hasMessageContaining("larger than 2147483647")
        .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(300));
  }

  @Test
  void everySchemeEitherOrdersOrRefusesHugeNumbers() throws Exception {
    List<String> shapes =
        List.of(
            "1.N.0",
            "N",
            "N.0.0",
            "1.0.N",
            "1.0.0-N",
            "1.0.0-rc.N",
            "1:N",
            "1.0-N",
            "1.0+gitN",
            "1.0.0-a.b.N",
            "1.0.0.N");
    for (VersionScheme s : VersionScheme.values()) {
      for (String shape : shapes) {
        for (String n : List.of("9".repeat(10), "9".repeat(20), HUGE)) {
          String v = shape.replace("N", n);
          Comparable<?> parsed;
          try {
            parsed = s.parse(v);
          } catch (InvalidVersionException e) {
            continue;
          }
          Comparable<?> other = s.parse(shape.replace("N", "8".repeat(n.length())));
          Comparable<?> small = s.parse("1.0.0");
          assertThatCode(
                  () -> {
                    compare(parsed, other);
                    compare(other, parsed);
                    compare(parsed, small);
                    compare(small, parsed);
                  })
              .as(s + " " + shape + " with " + n.length() + " digits")
              .doesNotThrowAnyException();
        }
      }
    }
  }

  @Test
  void versionsWithinAnIntStillOrder() throws Exception {
    assertThat(VersionScheme.GO.compare("v1.2147483647.0", "v1.2147483646.9")).isPositive();
    assertThat(VersionScheme.DEBIAN.compare("1:2.0", "2147483647")).isPositive();
    // A Go pseudo-version's timestamp is part of an alphanumeric identifier, not a number.
    assertThat(
            VersionScheme.GO.compare(
                "v0.0.0-20220101000000-000000000000", "v0.0.0-20191109021931-daa7c04131f5"))
        .isPositive();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compare(Comparable a, Comparable b) {
    return a.compareTo(b);
  }
}

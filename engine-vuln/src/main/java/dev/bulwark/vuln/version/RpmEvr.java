package dev.bulwark.vuln.version;

import io.github.nscuro.versatile.VersionFactory;

/**
 * An RPM {@code [E:]V[-R]}, ordered as rpm orders it: epoch as a number, then version, then
 * release, each part by rpmvercmp (versatile's {@code RpmVersion}). Written around versatile for
 * one rule it gets wrong: a missing release is older than any release ({@code 1.0 < 1.0-0 <
 * 1.0-el9}, rpm's {@code rpm.vercmp}), where versatile reads a missing release as {@code 0}, so
 * that {@code 1.0-el9 < 1.0} and {@code 1.0 = 1.0-0}. The split is rpm's: the epoch before the
 * first colon, the release after the last hyphen.
 */
final class RpmEvr implements Comparable<RpmEvr> {
  private final int epoch;

  @SuppressWarnings("rawtypes")
  private final Comparable version;

  /** The release as the version {@code 0-R} (rpmvercmp on R alone), null when there is none. */
  @SuppressWarnings("rawtypes")
  private final Comparable release;

  @SuppressWarnings("rawtypes")
  private RpmEvr(int epoch, Comparable version, Comparable release) {
    this.epoch = epoch;
    this.version = version;
    this.release = release;
  }

  /** Parses a version whose epoch the caller has checked (digits, at most nine). */
  static RpmEvr parse(String evr) {
    int colon = evr.indexOf(':');
    int epoch = colon < 0 ? 0 : Integer.parseInt(evr.substring(0, colon));
    String vr = evr.substring(colon + 1);
    int dash = vr.lastIndexOf('-');
    String v = dash < 0 ? vr : vr.substring(0, dash);
    String r = dash < 0 ? null : vr.substring(dash + 1);
    if (v.isEmpty()) {
      throw new IllegalArgumentException("no version before the release");
    }
    if (r != null && r.isEmpty()) {
      throw new IllegalArgumentException("an empty release after '-'");
    }
    // rpmvercmp treats every character but letters, digits, '~' and '^' as a separator, so a '-'
    // left in the version (rpm splits the release at the last one) is a '.' to versatile, which
    // would otherwise split a release off again.
    return new RpmEvr(
        epoch,
        VersionFactory.forScheme("rpm", v.replace('-', '.')),
        r == null ? null : VersionFactory.forScheme("rpm", "0-" + r));
  }

  @Override
  @SuppressWarnings("unchecked")
  public int compareTo(RpmEvr o) {
    int c = Integer.compare(epoch, o.epoch);
    if (c != 0) {
      return c;
    }
    c = version.compareTo(o.version);
    if (c != 0) {
      return c;
    }
    if (release == null || o.release == null) {
      return release == null ? (o.release == null ? 0 : -1) : 1;
    }
    return release.compareTo(o.release);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RpmEvr r && compareTo(r) == 0;
  }

  @Override
  public int hashCode() {
    return epoch;
  }
}

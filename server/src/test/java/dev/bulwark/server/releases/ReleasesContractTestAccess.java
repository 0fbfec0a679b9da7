package dev.bulwark.server.releases;

/** The releases tests' fixtures, for the tests of other features. */
public final class ReleasesContractTestAccess {
  private ReleasesContractTestAccess() {}

  /** A CycloneDX SBOM with three components, one of them affected by GO-2020-0001. */
  public static String sbom() {
    return ReleasesContractTest.sbom("v1.4.0", ReleasesContractTest.OLD_SYS);
  }
}

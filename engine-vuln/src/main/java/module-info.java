/**
 * OSV advisories, version schemes, SBOMs and matching. Every package is API: the server, the CLI
 * and the benchmarks use each of them.
 *
 * <p>packageurl-java, cvss-calculator and maven-artifact ship no module name, so they are read as
 * automatic modules named after their jar files (versatile-core requires {@code maven.artifact} the
 * same way); a lint warning for each would be noise, hence the suppression.
 */
@SuppressWarnings({"requires-automatic"})
module dev.bulwark.vuln {
  requires dev.bulwark.common;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.yaml;
  requires org.yaml.snakeyaml;
  requires java.xml;
  requires io.github.nscuro.versatile.core;
  requires org.semver4j;
  requires packageurl.java;
  requires cvss.calculator;
  requires maven.artifact;

  exports dev.bulwark.vuln.match;
  exports dev.bulwark.vuln.osv;
  exports dev.bulwark.vuln.report;
  exports dev.bulwark.vuln.sbom;
  exports dev.bulwark.vuln.version;
}

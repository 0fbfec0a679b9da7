package dev.bulwark.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a module-info would declare for this engine, which cannot have one (cel-java's jars split
 * packages): the packages it exports to the server, the CLI and the benchmarks. A new package fails
 * here until it is declared exported or internal; the server's architecture rules keep other
 * modules to the exported ones.
 */
class ApiPackagesTest {
  static final Set<String> EXPORTED = Set.of("dev.bulwark.policy", "dev.bulwark.policy.provenance");
  static final Set<String> INTERNAL = Set.of();

  @Test
  void everyPackageIsDeclaredExportedOrInternal() throws Exception {
    Path classes =
        Path.of(PolicyBundle.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Set<String> packages = new TreeSet<>();
    try (Stream<Path> walk = Files.walk(classes)) {
      walk.filter(f -> f.toString().endsWith(".class"))
          .map(f -> classes.relativize(f.getParent()).toString().replace('/', '.'))
          .forEach(packages::add);
    }
    Set<String> declared = new TreeSet<>(EXPORTED);
    declared.addAll(INTERNAL);
    assertThat(packages).isEqualTo(declared);
  }
}

package dev.bulwark.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ValidationProperties {
  @Property
  void aNameWithASlashOrBackslashIsNeverValid(
      @ForAll String prefix, @ForAll String suffix, @ForAll("separators") char sep) {
    assertThat(Validation.nameProblem(prefix + sep + suffix)).isNotNull();
  }

  @Property
  void printableNamesWithoutSeparatorsAreValid(@ForAll("printable") String name) {
    assertThat(Validation.nameProblem(name)).isNull();
  }

  @Property
  void anyNameWithAControlCharacterIsInvalid(
      @ForAll("printable") String name, @ForAll("controls") char c) {
    assertThat(Validation.nameProblem(name + c + name)).isNotNull();
  }

  @Provide
  Arbitrary<Character> separators() {
    return Arbitraries.of('/', '\\');
  }

  @Provide
  Arbitrary<Character> controls() {
    return Arbitraries.chars().range('\u0000', '\u001f');
  }

  @Provide
  Arbitrary<String> printable() {
    return Arbitraries.strings()
        .withCharRange('!', '~')
        .withCharRange('\u00c0', '\u024f')
        .withCharRange('\u4e00', '\u4fff')
        .ofMinLength(1)
        .ofMaxLength(60)
        .filter(
            s -> s.indexOf('/') < 0 && s.indexOf('\\') < 0 && !s.equals(".") && !s.equals(".."));
  }
}

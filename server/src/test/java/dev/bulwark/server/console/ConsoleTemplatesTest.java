package dev.bulwark.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rules every console template keeps, whoever writes it: output escaped (no {@code $unsafe}),
 * no inline script, style or event handler (the Content-Security-Policy would block them, so they
 * would only be broken pages), every posted form with its CSRF field, and static assets through
 * {@code page.asset(...)} so that they carry their version.
 */
class ConsoleTemplatesTest {
  static final Path ROOT = Path.of("src", "main", "jte");

  static List<Path> templates() throws IOException {
    try (Stream<Path> s = Files.walk(ROOT)) {
      return s.filter(p -> p.toString().endsWith(".jte")).sorted().toList();
    }
  }

  @Test
  void templatesKeepTheConsolesRules() throws IOException {
    List<Path> all = templates();
    assertThat(all).isNotEmpty();
    Pattern inlineScript = Pattern.compile("<script(?![^>]*\\bsrc=)", Pattern.CASE_INSENSITIVE);
    Pattern handler = Pattern.compile("\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE);
    Pattern styleAttr = Pattern.compile("\\sstyle\\s*=", Pattern.CASE_INSENSITIVE);
    Pattern postForm =
        Pattern.compile("<form[^>]*method=\"post\"[^>]*>(.*?)</form>", Pattern.DOTALL);
    Pattern staticUrl = Pattern.compile("(src|href)=\"/static/");
    for (Path t : all) {
      String text = Files.readString(t);
      // One reviewed exception: the evidence page embeds the report's body, which EvidenceHtml
      // renders (and escapes, value by value) for the HTML file, the PDF and this page alike, so
      // that all three say the same; EvidenceReportContractTest shows markup in a stored reason
      // arriving escaped on this page.
      String checked =
          t.endsWith(Path.of("reports", "evidence.jte"))
              ? text.replace("$unsafe{model.html()}", "")
              : text;
      assertThat(checked).as(t + ": $unsafe").doesNotContain("$unsafe");
      assertThat(inlineScript.matcher(text).find()).as(t + ": inline <script>").isFalse();
      assertThat(text.toLowerCase(java.util.Locale.ROOT))
          .as(t + ": <style>")
          .doesNotContain("<style");
      assertThat(handler.matcher(text).find()).as(t + ": on*= handler").isFalse();
      assertThat(styleAttr.matcher(text).find()).as(t + ": style=").isFalse();
      assertThat(staticUrl.matcher(text).find()).as(t + ": /static/ without page.asset").isFalse();
      var forms = postForm.matcher(text);
      while (forms.find()) {
        assertThat(forms.group(1))
            .as(t + ": a POST form without its CSRF field")
            .containsAnyOf("@template.layout.csrf(", "name=\"_csrf\"");
      }
    }
  }
}

package dev.bulwark.server.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * Stored names beyond WinAnsi in the evidence PDF, read back by PDFBox: drawn as stored where the
 * embedded font has the glyph, named by code point where it has none or where the character is
 * invisible, and the PDF then says so. Nothing is dropped.
 */
class EvidencePdfTextTest {
  private static final Pattern CODE_POINT = Pattern.compile("\\[U\\+([0-9A-F]{4,6})]");

  private static String pdfOf(String... texts) throws Exception {
    List<EvidenceDocument.Block> blocks =
        List.of(
            new EvidenceDocument.Block.Heading(1, texts[0], "t"),
            new EvidenceDocument.Block.Table(
                List.of("service", "team"), List.of(List.of(texts[1], texts[2]))),
            new EvidenceDocument.Block.Fields(
                List.of(new EvidenceDocument.Field("Requested by", texts[3]))));
    byte[] pdf =
        EvidencePdf.render(
            new EvidenceDocument("t", blocks), EvidenceDocumentGoldenTest.report().generatedAt());
    // White space is not compared, as in EvidenceDocumentGoldenTest: PDFBox places spaces by
    // glyph position.
    return EvidenceDocumentGoldenTest.squeeze(EvidenceDocumentGoldenTest.pdfText(pdf));
  }

  private static String[] squeezed(String... s) {
    return java.util.Arrays.stream(s)
        .map(EvidenceDocumentGoldenTest::squeeze)
        .toArray(String[]::new);
  }

  @Test
  void latinGreekAndCyrillicAreDrawnAsStored() throws Exception {
    String text = pdfOf("Zahlungen Zürich", "платежи-api", "Ομάδα πληρωμών", "Łukasz Ðorđević");
    assertThat(text)
        .contains(squeezed("Zahlungen Zürich", "платежи-api", "Ομάδα πληρωμών", "Łukasz Ðorđević"))
        .doesNotContain(squeezed(EvidencePdf.SHOWN_AS_CODE_POINTS));
  }

  @Test
  void whatTheFontCannotDrawOrWouldHideIsNamedByCodePointAndTheReportSaysSo() throws Exception {
    String text =
        pdfOf("支付 report", "evil\u202Egnp.exe", "team\u200Bpay", "release \uD83D\uDD25 lead");
    assertThat(text)
        .contains(
            squeezed(
                "[U+652F][U+4ED8] report",
                "evil[U+202E]gnp.exe",
                "team[U+200B]pay",
                "release [U+1F525] lead",
                EvidencePdf.SHOWN_AS_CODE_POINTS))
        .doesNotContain("支付", "\u202E", "\u200B", "\uD83D\uDD25");
  }

  @Test
  void theGoldenReportNeedsNoNotice() throws Exception {
    String pdf =
        EvidenceDocumentGoldenTest.pdfText(
            EvidencePdf.render(
                EvidenceDocument.of(EvidenceDocumentGoldenTest.report()),
                EvidenceDocumentGoldenTest.report().generatedAt()));
    assertThat(pdf).doesNotContain("[U+");
  }

  /** The drawn text names every character it does not draw: reading the names back is lossless. */
  @Property(tries = 300)
  void drawnTextReadsBackToTheStoredText(@ForAll String stored) {
    String s = stored.replace("[U+", "(U+");
    EvidencePdf.Drawable d = new EvidencePdf.Drawable();
    String drawn = d.of(s, EvidencePdf.BODY);
    Matcher m = CODE_POINT.matcher(drawn);
    StringBuilder back = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(
          back, Matcher.quoteReplacement(Character.toString(Integer.parseInt(m.group(1), 16))));
    }
    m.appendTail(back);
    assertThat(back.toString()).isEqualTo(s);
    assertThat(d.replaced).isEqualTo(!drawn.equals(s));
  }
}

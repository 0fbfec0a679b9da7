package dev.bulwark.server.reports;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import org.openpdf.text.Chunk;
import org.openpdf.text.Document;
import org.openpdf.text.Element;
import org.openpdf.text.Font;
import org.openpdf.text.PageSize;
import org.openpdf.text.Paragraph;
import org.openpdf.text.Phrase;
import org.openpdf.text.pdf.BaseFont;
import org.openpdf.text.pdf.PdfPCell;
import org.openpdf.text.pdf.PdfPTable;
import org.openpdf.text.pdf.PdfWriter;

/**
 * The PDF of an evidence document, laid out by OpenPDF (wrapping, tables, page breaks). Blocks come
 * in the document's order and nothing is added between them (no bullets, no page numbers), so the
 * text read back from the PDF is the text of the HTML page.
 *
 * <p>The text is drawn in the Liberation fonts (SIL OFL 1.1, shipped by OpenPDF's {@code
 * openpdf-fonts-extra}), embedded as subsets with Unicode encoding, so Latin, Greek and Cyrillic
 * names come out as stored; the standard PDF fonts would have dropped everything outside WinAnsi
 * without a word. A character the font has no glyph for (CJK, emoji) and an invisible formatting
 * character (bidirectional overrides, zero-width joiners, which could make one name look like
 * another) is written as {@code [U+XXXX]} instead, and the PDF then ends with a notice saying so:
 * an auditor reading the PDF never sees a name that differs silently from the one stored.
 */
final class EvidencePdf {
  private static final BaseFont SANS = font("liberation/LiberationSans-Regular.ttf");
  private static final BaseFont SANS_BOLD = font("liberation/LiberationSans-Bold.ttf");
  private static final BaseFont MONO = font("liberation/LiberationMono-Regular.ttf");
  private static final Font TITLE = new Font(SANS_BOLD, 16);
  private static final Font H2 = new Font(SANS_BOLD, 13);
  private static final Font H3 = new Font(SANS_BOLD, 11);
  private static final Font H4 = new Font(SANS_BOLD, 9.5f);
  static final Font BODY = new Font(SANS, 9);
  private static final Font LABEL = new Font(SANS_BOLD, 9);
  private static final Font CODE = new Font(MONO, 7);

  static final String SHOWN_AS_CODE_POINTS =
      "Characters the PDF's font cannot draw, and invisible formatting characters, are shown as"
          + " [U+XXXX]; the HTML and JSON reports carry the text as stored.";

  private EvidencePdf() {}

  static byte[] render(EvidenceDocument doc, Instant created) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    Document pdf = new Document(PageSize.A4, 42, 42, 42, 42);
    PdfWriter.getInstance(pdf, out);
    pdf.addTitle(doc.title());
    pdf.addCreator("Bulwark");
    // A fixed creation date (the report's own time), so the same report gives the same bytes.
    java.util.Calendar at = java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone("UTC"));
    at.setTime(Date.from(created));
    pdf.addCreationDate(new org.openpdf.text.pdf.PdfDate(at));
    pdf.open();
    Drawable text = new Drawable();
    for (EvidenceDocument.Block b : doc.blocks()) {
      switch (b) {
        case EvidenceDocument.Block.Heading h -> {
          Font f =
              switch (h.level()) {
                case 1 -> TITLE;
                case 2 -> H2;
                case 3 -> H3;
                default -> H4;
              };
          Paragraph p = new Paragraph(text.of(h.text(), f), f);
          p.setSpacingBefore(h.level() <= 2 ? 12 : h.level() == 3 ? 10 : 5);
          p.setSpacingAfter(3);
          if (h.level() == 3) {
            p.setKeepTogether(true);
          }
          pdf.add(p);
        }
        case EvidenceDocument.Block.Paragraph p -> {
          Paragraph para =
              new Paragraph(text.of(p.text(), p.code() ? CODE : BODY), p.code() ? CODE : BODY);
          para.setSpacingAfter(4);
          pdf.add(para);
        }
        case EvidenceDocument.Block.Fields fs -> {
          for (EvidenceDocument.Field f : fs.fields()) {
            Paragraph para = new Paragraph();
            para.add(new Chunk(text.of(f.label(), LABEL), LABEL));
            para.add(new Chunk(" ", BODY));
            para.add(new Chunk(text.of(f.value(), BODY), BODY));
            para.setIndentationLeft(0);
            pdf.add(para);
          }
        }
        case EvidenceDocument.Block.Items is -> {
          for (String item : is.items()) {
            Paragraph para = new Paragraph(text.of(item, BODY), BODY);
            para.setIndentationLeft(12);
            pdf.add(para);
          }
        }
        case EvidenceDocument.Block.Table t -> {
          PdfPTable table = new PdfPTable(t.headers().size());
          table.setWidthPercentage(100);
          table.setSpacingBefore(4);
          table.setSpacingAfter(4);
          for (String h : t.headers()) {
            table.addCell(cell(text.of(h, LABEL), LABEL));
          }
          for (var row : t.rows()) {
            for (String v : row) {
              table.addCell(cell(text.of(v, BODY), BODY));
            }
          }
          pdf.add(table);
        }
      }
    }
    if (text.replaced) {
      Paragraph notice = new Paragraph(SHOWN_AS_CODE_POINTS, BODY);
      notice.setSpacingBefore(12);
      pdf.add(notice);
    }
    pdf.close();
    return out.toByteArray();
  }

  /** Text as the PDF draws it: what the font cannot draw, or would hide, named by code point. */
  static final class Drawable {
    boolean replaced;

    String of(String s, Font f) {
      BaseFont base = f.getBaseFont();
      StringBuilder sb = null;
      for (int i = 0; i < s.length(); ) {
        int cp = s.codePointAt(i);
        int next = i + Character.charCount(cp);
        boolean shown =
            Character.isWhitespace(cp)
                || (Character.getType(cp) != Character.FORMAT
                    && !Character.isISOControl(cp)
                    && base.charExists(cp));
        if (!shown) {
          if (sb == null) {
            sb = new StringBuilder(s.length() + 16).append(s, 0, i);
          }
          sb.append(String.format(Locale.ROOT, "[U+%04X]", cp));
          replaced = true;
        } else if (sb != null) {
          sb.appendCodePoint(cp);
        }
        i = next;
      }
      return sb == null ? s : sb.toString();
    }
  }

  private static BaseFont font(String resource) {
    try {
      return BaseFont.createFont(resource, BaseFont.IDENTITY_H, BaseFont.EMBEDDED);
    } catch (IOException e) {
      throw new UncheckedIOException("the PDF font " + resource + " is missing", e);
    }
  }

  private static PdfPCell cell(String text, Font f) {
    PdfPCell c = new PdfPCell(new Phrase(text, f));
    c.setHorizontalAlignment(Element.ALIGN_LEFT);
    c.setPadding(2);
    return c;
  }
}

package dev.bulwark.server.reports;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.Date;
import org.openpdf.text.Chunk;
import org.openpdf.text.Document;
import org.openpdf.text.Element;
import org.openpdf.text.Font;
import org.openpdf.text.PageSize;
import org.openpdf.text.Paragraph;
import org.openpdf.text.Phrase;
import org.openpdf.text.pdf.PdfPCell;
import org.openpdf.text.pdf.PdfPTable;
import org.openpdf.text.pdf.PdfWriter;

/**
 * The PDF of an evidence document, laid out by OpenPDF (wrapping, tables, page breaks). Blocks come
 * in the document's order and nothing is added between them (no bullets, no page numbers), so the
 * text read back from the PDF is the text of the HTML page.
 */
final class EvidencePdf {
  private static final Font TITLE = new Font(Font.HELVETICA, 16, Font.BOLD);
  private static final Font H2 = new Font(Font.HELVETICA, 13, Font.BOLD);
  private static final Font H3 = new Font(Font.HELVETICA, 11, Font.BOLD);
  private static final Font H4 = new Font(Font.HELVETICA, 9.5f, Font.BOLD);
  private static final Font BODY = new Font(Font.HELVETICA, 9);
  private static final Font LABEL = new Font(Font.HELVETICA, 9, Font.BOLD);
  private static final Font CODE = new Font(Font.COURIER, 7);

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
          Paragraph p = new Paragraph(h.text(), f);
          p.setSpacingBefore(h.level() <= 2 ? 12 : h.level() == 3 ? 10 : 5);
          p.setSpacingAfter(3);
          if (h.level() == 3) {
            p.setKeepTogether(true);
          }
          pdf.add(p);
        }
        case EvidenceDocument.Block.Paragraph p -> {
          Paragraph para = new Paragraph(p.text(), p.code() ? CODE : BODY);
          para.setSpacingAfter(4);
          pdf.add(para);
        }
        case EvidenceDocument.Block.Fields fs -> {
          for (EvidenceDocument.Field f : fs.fields()) {
            Paragraph para = new Paragraph();
            para.add(new Chunk(f.label(), LABEL));
            para.add(new Chunk(" ", BODY));
            para.add(new Chunk(f.value(), BODY));
            para.setIndentationLeft(0);
            pdf.add(para);
          }
        }
        case EvidenceDocument.Block.Items is -> {
          for (String item : is.items()) {
            Paragraph para = new Paragraph(item, BODY);
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
            table.addCell(cell(h, LABEL));
          }
          for (var row : t.rows()) {
            for (String v : row) {
              table.addCell(cell(v, BODY));
            }
          }
          pdf.add(table);
        }
      }
    }
    pdf.close();
    return out.toByteArray();
  }

  private static PdfPCell cell(String text, Font f) {
    PdfPCell c = new PdfPCell(new Phrase(text, f));
    c.setHorizontalAlignment(Element.ALIGN_LEFT);
    c.setPadding(2);
    return c;
  }
}

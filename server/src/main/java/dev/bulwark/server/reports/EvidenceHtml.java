package dev.bulwark.server.reports;

import java.nio.charset.StandardCharsets;

/**
 * The HTML page of an evidence document: one self-contained page, no script, styles inline in a
 * style element (allowed by its own CSP), every value escaped.
 */
final class EvidenceHtml {
  /** The page runs nothing and loads nothing. */
  static final String CSP =
      "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; frame-ancestors 'none';"
          + " base-uri 'none'; form-action 'none'";

  private static final String STYLE =
      """
      body{font:14px/1.45 system-ui,sans-serif;max-width:62rem;margin:1rem auto;padding:0 1rem}
      dl{display:grid;grid-template-columns:minmax(8rem,max-content) 1fr;gap:.1rem .8rem}
      dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
      table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.15rem .4rem;text-align:left}
      pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:11px;background:#f4f4f4;padding:.4rem}
      ul{padding-left:1.2rem}li{overflow-wrap:anywhere}
      """;

  private EvidenceHtml() {}

  static byte[] render(EvidenceDocument doc) {
    StringBuilder sb = new StringBuilder(64 * 1024);
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>")
        .append(esc(doc.title()))
        .append("</title><style>")
        .append(STYLE)
        .append("</style></head><body>\n");
    body(sb, doc);
    sb.append("</body></html>\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The document's blocks as HTML elements, for this page and for the console's page. */
  static void body(StringBuilder sb, EvidenceDocument doc) {
    for (EvidenceDocument.Block b : doc.blocks()) {
      switch (b) {
        case EvidenceDocument.Block.Heading h -> {
          sb.append("<h").append(h.level());
          if (h.anchor() != null) {
            sb.append(" id=\"").append(esc(h.anchor())).append('"');
          }
          sb.append('>').append(esc(h.text())).append("</h").append(h.level()).append(">\n");
        }
        case EvidenceDocument.Block.Paragraph p ->
            sb.append(p.code() ? "<pre>" : "<p>")
                .append(esc(p.text()))
                .append(p.code() ? "</pre>\n" : "</p>\n");
        case EvidenceDocument.Block.Fields fs -> {
          sb.append("<dl>");
          for (EvidenceDocument.Field f : fs.fields()) {
            sb.append("<dt>")
                .append(esc(f.label()))
                .append("</dt><dd>")
                .append(esc(f.value()))
                .append("</dd>");
          }
          sb.append("</dl>\n");
        }
        case EvidenceDocument.Block.Items is -> {
          sb.append("<ul>");
          for (String i : is.items()) {
            sb.append("<li>").append(esc(i)).append("</li>");
          }
          sb.append("</ul>\n");
        }
        case EvidenceDocument.Block.Table t -> {
          sb.append("<table><thead><tr>");
          for (String h : t.headers()) {
            sb.append("<th>").append(esc(h)).append("</th>");
          }
          sb.append("</tr></thead><tbody>");
          for (var row : t.rows()) {
            sb.append("<tr>");
            for (String v : row) {
              sb.append("<td>").append(esc(v)).append("</td>");
            }
            sb.append("</tr>");
          }
          sb.append("</tbody></table>\n");
        }
      }
    }
  }

  /** Text and attribute escaping (the five characters HTML gives meaning to). */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}

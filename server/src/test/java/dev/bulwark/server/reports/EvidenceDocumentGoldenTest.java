package dev.bulwark.server.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

/**
 * The HTML page and the PDF of one report say the same thing: the PDF's text, read back by PDFBox
 * (another library than the one that wrote it, in reading order by position), equals the HTML's
 * text, and both equal the golden file {@code reports/evidence-golden.txt}. White space is not
 * compared (a PDF wraps lines where the page ends, HTML where the window does).
 */
class EvidenceDocumentGoldenTest {
  static final Path GOLDEN = Path.of("src/test/resources/reports/evidence-golden.txt");

  static EvidenceReport report() {
    Instant t = Instant.parse("2026-06-01T09:30:00Z");
    var person = new EvidenceReport.Person("token:tok_ci1", "ci-pipeline");
    var change =
        new EvidenceReport.SampledChange(
            1,
            "0a1b" + "0".repeat(60),
            new EvidenceReport.DeploymentRecord(
                17,
                "pay-api",
                "pay",
                "1.4.2",
                "sha256:" + "ab".repeat(32),
                "prod",
                t,
                person,
                1203L),
            new EvidenceReport.GateEvidence(
                9,
                "allow",
                t.minusSeconds(60),
                person,
                "sha256:" + "cd".repeat(32),
                null,
                "sha256:" + "ef".repeat(32),
                1202,
                List.of(
                    new EvidenceReport.Rule("evidence", "tested", "pass", "", null),
                    new EvidenceReport.Rule(
                        "overdue", "none-overdue", "waived", "1 overdue finding", "W-3")),
                true),
            List.of(
                new EvidenceReport.BundleEvidence(
                    "global",
                    "sha256:" + "cd".repeat(32),
                    "lead-1",
                    t.minusSeconds(86_400),
                    "lead-2",
                    t.minusSeconds(80_000),
                    "active")),
            List.of(
                new EvidenceReport.WaiverEvidence(
                    "W-3",
                    "overdue",
                    "none-overdue",
                    "fix ships <script>alert(1)</script> & next sprint",
                    "dev-alice",
                    t.minusSeconds(7200),
                    "sec-bob",
                    t.minusSeconds(3600),
                    t.plusSeconds(864_000),
                    null)),
            List.of(new EvidenceReport.TestEvidence("semgrep", "sast", 1, 0, 0, 0, 1, t)),
            List.of(
                new EvidenceReport.ProvenanceEvidence(
                    "https://slsa.dev/provenance/v1",
                    true,
                    "verified",
                    "ci-key",
                    "https://ci.example/builder",
                    "git+https://git.example/pay-api",
                    t)),
            new EvidenceReport.SeparationOfDuties(
                true,
                List.of(
                    new EvidenceReport.Approval("policy bundle (global)", "lead-1", "lead-2", true),
                    new EvidenceReport.Approval("waiver W-3", "dev-alice", "sec-bob", true))),
            List.of(
                new EvidenceReport.LedgerProof(
                    "gate decision",
                    1202,
                    "{\"action\":\"gate.decision\",\"index\":1202}",
                    "11".repeat(32),
                    List.of("22".repeat(32), "33".repeat(32)),
                    2000L,
                    true,
                    "included in the signed checkpoint of size 2000")));
    return new EvidenceReport(
        EvidenceReport.FORMAT,
        Instant.parse("2026-12-01T08:00:00Z"),
        "auditor-carol",
        new EvidenceReport.Scope(false, List.of("pay")),
        new EvidenceReport.Period(
            LocalDate.parse("2026-01-01"),
            LocalDate.parse("2026-06-30"),
            181,
            Instant.parse("2026-01-01T00:00:00Z"),
            Instant.parse("2026-07-01T00:00:00Z")),
        "prod",
        new EvidenceReport.Population(
            2,
            Sampling.populationDigest(new long[] {17, 18}),
            List.of(
                new EvidenceReport.Deployment(
                    17, "pay-api", "pay", "1.4.2", "sha256:" + "ab".repeat(32), "prod", t),
                new EvidenceReport.Deployment(
                    18,
                    "pay-api",
                    "pay",
                    "1.4.3",
                    "sha256:" + "ac".repeat(32),
                    "prod",
                    t.plusSeconds(2_678_400)))),
        new EvidenceReport.Sampling(1, "carol-2026", Sampling.METHOD, Sampling.PROCEDURE, 1),
        new EvidenceReport.SignedCheckpoint(
            2000,
            "44".repeat(32),
            "bulwark.local/ledger\n2000\nRERERA==\n\n\u2014 bulwark.local/ledger AAAAsig=\n",
            "bulwark.local/ledger+01020304+AQID",
            true),
        List.of(change));
  }

  /** The text of an HTML page as a reader sees it: tags dropped, entities decoded. */
  static String htmlText(String html) {
    String body = html.substring(html.indexOf("<body>") + 6, html.indexOf("</body>"));
    return body.replaceAll("<[^>]+>", "\n")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
  }

  static String pdfText(byte[] pdf) throws Exception {
    try (PDDocument d = Loader.loadPDF(pdf)) {
      PDFTextStripper s = new PDFTextStripper();
      s.setSortByPosition(true);
      return s.getText(d);
    }
  }

  static String squeeze(String s) {
    return s.replaceAll("\\s+", "");
  }

  @Test
  void thePdfSaysWhatTheHtmlSaysAndBothEqualTheGoldenFile() throws Exception {
    EvidenceDocument doc = EvidenceDocument.of(report());
    String html = new String(EvidenceHtml.render(doc), StandardCharsets.UTF_8);
    String text = htmlText(html);
    String pdf = pdfText(EvidencePdf.render(doc, report().generatedAt()));
    assertThat(squeeze(pdf)).isEqualTo(squeeze(text));
    String readable = text.replaceAll("[ \\t]*\\n\\s*", "\n").strip() + "\n";
    // -Dbulwark.updateGolden=true rewrites the golden file after a reviewed change of the layout.
    if (Boolean.getBoolean("bulwark.updateGolden")) {
      Files.createDirectories(GOLDEN.getParent());
      Files.writeString(GOLDEN, readable);
    }
    assertThat(squeeze(Files.readString(GOLDEN))).isEqualTo(squeeze(text));
  }

  @Test
  void storedTextIsInertInTheHtml() {
    String html =
        new String(EvidenceHtml.render(EvidenceDocument.of(report())), StandardCharsets.UTF_8);
    assertThat(html).doesNotContain("<script").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
  }
}

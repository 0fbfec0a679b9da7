package dev.bulwark.server.reports;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.common.Sha256;
import dev.bulwark.ledger.Checkpoint;
import dev.bulwark.ledger.Hashes;
import dev.bulwark.ledger.MerkleTree;
import dev.bulwark.ledger.NoteKey;
import dev.bulwark.ledger.SignedNote;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.db.Database;
import dev.bulwark.server.errors.DomainException;
import dev.bulwark.server.http.Json;
import dev.bulwark.server.ledger.Ledger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds evidence reports: the population, the sample, and for each sampled change the evidence an
 * auditor tests (docs/reports.md). Only reads; a report changes nothing and is not on the ledger.
 */
public final class EvidenceReports {
  /** The largest sample one report draws. */
  static final int MAX_SAMPLE = 500;

  private final Database db;
  private final Ledger ledger;
  private final NoteKey.Verifier publicKey;
  private final Clock clock;
  private final int maxPeriodDays;
  private final List<String> environments;
  private final ReportDao dao = new ReportDao();

  public EvidenceReports(
      Database db,
      Ledger ledger,
      NoteKey.Verifier publicKey,
      Clock clock,
      int maxPeriodDays,
      List<String> environments) {
    this.db = db;
    this.ledger = ledger;
    this.publicKey = publicKey;
    this.clock = clock;
    this.maxPeriodDays = maxPeriodDays;
    this.environments = List.copyOf(environments);
  }

  /**
   * What a report covers: both days included; a sample of {@code sample} drawn with {@code seed}.
   */
  public record Query(LocalDate from, LocalDate to, String environment, int sample, String seed) {}

  /** Refuses a bad query, naming every bad field (422). */
  void check(Query q) {
    List<DomainException.FieldError> errors = new ArrayList<>();
    if (q.from() == null) {
      errors.add(new DomainException.FieldError("from", "is required (YYYY-MM-DD)"));
    }
    if (q.to() == null) {
      errors.add(new DomainException.FieldError("to", "is required (YYYY-MM-DD)"));
    }
    if (q.from() != null && q.to() != null) {
      long days = ChronoUnit.DAYS.between(q.from(), q.to()) + 1;
      if (days < 1) {
        errors.add(new DomainException.FieldError("to", "must not be before from"));
      } else if (days > maxPeriodDays) {
        errors.add(
            new DomainException.FieldError(
                "to",
                "the period is "
                    + days
                    + " days; a report covers at most "
                    + maxPeriodDays
                    + " (report.maxPeriodDays)"));
      }
    }
    if (q.environment() == null || !environments.contains(q.environment())) {
      errors.add(
          new DomainException.FieldError(
              "environment", "must be one of " + environments + " (gate.environments)"));
    }
    if (q.sample() < 0 || q.sample() > MAX_SAMPLE) {
      errors.add(new DomainException.FieldError("sample", "must be from 0 to " + MAX_SAMPLE));
    }
    if (q.sample() > 0 && (q.seed() == null || q.seed().isEmpty())) {
      errors.add(
          new DomainException.FieldError(
              "seed", "is required with a sample: the auditor's seed, so the sample is theirs"));
    }
    if (q.seed() != null
        && (q.seed().length() > 200 || q.seed().chars().anyMatch(Character::isISOControl))) {
      errors.add(
          new DomainException.FieldError(
              "seed", "must be at most 200 characters, without control characters"));
    }
    if (!errors.isEmpty()) {
      throw new DomainException.Invalid(errors);
    }
  }

  public EvidenceReport evidence(Principal caller, Query q) {
    check(q);
    var start = q.from().atStartOfDay(ZoneOffset.UTC).toInstant();
    var end = q.to().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    var period =
        new EvidenceReport.Period(
            q.from(), q.to(), ChronoUnit.DAYS.between(q.from(), q.to()) + 1, start, end);
    // The checkpoint is read first: every proof is against it, and entries appended while the
    // report is built are simply newer than it.
    Optional<EvidenceReport.SignedCheckpoint> checkpoint = checkpoint();
    return db.jdbi()
        .inTransaction(
            h -> {
              List<EvidenceReport.Deployment> population =
                  dao.population(h, caller, q.environment(), start, end);
              long[] ids = new long[population.size()];
              for (int i = 0; i < ids.length; i++) {
                ids[i] = population.get(i).id();
              }
              List<Sampling.Drawn> drawn =
                  Sampling.draw(q.seed() == null ? "" : q.seed(), ids, q.sample());
              List<EvidenceReport.SampledChange> sample = new ArrayList<>(drawn.size());
              for (int i = 0; i < drawn.size(); i++) {
                Sampling.Drawn d = drawn.get(i);
                ReportDao.ChangeRow row =
                    dao.change(h, caller, d.id())
                        .orElseThrow(
                            () -> new IllegalStateException("deployment " + d.id() + " vanished"));
                sample.add(change(h, i + 1, d.key(), row, checkpoint.orElse(null)));
              }
              return new EvidenceReport(
                  EvidenceReport.FORMAT,
                  clock.instant(),
                  caller.subject(),
                  new EvidenceReport.Scope(
                      caller.allTeams(), caller.allTeams() ? List.of() : caller.teams()),
                  period,
                  q.environment(),
                  new EvidenceReport.Population(
                      population.size(), Sampling.populationDigest(ids), population),
                  new EvidenceReport.Sampling(
                      q.sample(), q.seed(), Sampling.METHOD, Sampling.PROCEDURE, sample.size()),
                  checkpoint.orElse(null),
                  sample);
            });
  }

  private Optional<EvidenceReport.SignedCheckpoint> checkpoint() {
    return ledger
        .store()
        .latestCheckpoint()
        .map(
            note -> {
              SignedNote.Result r = SignedNote.verify(note, publicKey);
              Checkpoint cp =
                  r instanceof SignedNote.Result.Valid v
                      ? v.checkpoint()
                      : Checkpoint.parse(note.substring(0, note.lastIndexOf("\n\n") + 1));
              return new EvidenceReport.SignedCheckpoint(
                  cp.size(),
                  Hashes.hex(cp.root()),
                  note,
                  publicKey.encoded(),
                  r instanceof SignedNote.Result.Valid);
            });
  }

  private EvidenceReport.SampledChange change(
      org.jdbi.v3.core.Handle h,
      int rank,
      String key,
      ReportDao.ChangeRow row,
      EvidenceReport.SignedCheckpoint cp) {
    EvidenceReport.Person deployedBy = person(row.deployedBy(), row.deployedSubject());
    EvidenceReport.Person evaluatedBy = person(row.decidedBy(), row.decidedSubject());
    List<EvidenceReport.Rule> rules = new ArrayList<>();
    boolean matches = false;
    if (row.explanation() != null) {
      Optional<String> entry = dao.ledgerEntry(h, row.decisionLedger());
      String after = entry.map(EvidenceReports::afterDigest).orElse(null);
      matches =
          after != null
              && after.equals(Sha256.prefixed(row.explanation().getBytes(StandardCharsets.UTF_8)));
      JsonNode explanation = tree(row.explanation());
      for (JsonNode r : explanation.path("results")) {
        rules.add(
            new EvidenceReport.Rule(
                r.path("policy").asText(),
                r.path("rule").asText(),
                r.path("outcome").asText(),
                r.path("message").asText(""),
                r.hasNonNull("waiver") ? r.path("waiver").asText() : null));
      }
    }
    var gate =
        new EvidenceReport.GateEvidence(
            row.decisionId(),
            row.decision(),
            row.decidedAt(),
            evaluatedBy,
            row.bundle(),
            row.teamBundle(),
            row.inputDigest(),
            row.decisionLedger(),
            rules,
            matches);
    List<EvidenceReport.BundleEvidence> bundles = new ArrayList<>();
    dao.bundle(h, row.bundle(), null).ifPresent(bundles::add);
    if (row.teamBundle() != null) {
      dao.bundle(h, row.teamBundle(), row.team()).ifPresent(bundles::add);
    }
    List<Long> waiverIds = new ArrayList<>();
    for (JsonNode w : tree(row.waivers())) {
      String id = w.asText();
      if (id.startsWith("W-")) {
        try {
          waiverIds.add(Long.parseLong(id.substring(2)));
        } catch (NumberFormatException e) {
          // not a waiver this server issued: shown by its rule, not looked up
        }
      }
    }
    var waivers = dao.waivers(h, row.serviceId(), waiverIds);
    var tests =
        row.releaseId() == null
            ? List.<EvidenceReport.TestEvidence>of()
            : dao.tests(h, row.releaseId(), row.decidedAt());
    var provenance =
        row.releaseId() == null
            ? List.<EvidenceReport.ProvenanceEvidence>of()
            : dao.provenance(h, row.releaseId(), row.decidedAt());
    List<EvidenceReport.Approval> approvals = new ArrayList<>();
    for (var b : bundles) {
      approvals.add(approval("policy bundle (" + b.layer() + ")", b.pushedBy(), b.approvedBy()));
    }
    for (var w : waivers) {
      approvals.add(approval("waiver " + w.id(), w.requestedBy(), w.approvedBy()));
    }
    boolean holds = approvals.stream().allMatch(EvidenceReport.Approval::distinct);
    List<EvidenceReport.LedgerProof> proofs = new ArrayList<>();
    proofs.add(proof(h, "gate decision", row.decisionLedger(), cp));
    if (row.deploymentLedger() != null) {
      proofs.add(proof(h, "deployment", row.deploymentLedger(), cp));
    }
    return new EvidenceReport.SampledChange(
        rank,
        key,
        new EvidenceReport.DeploymentRecord(
            row.id(),
            row.service(),
            row.team(),
            row.version(),
            row.digest(),
            row.environment(),
            row.deployedAt(),
            deployedBy,
            row.deploymentLedger()),
        gate,
        bundles,
        waivers,
        tests,
        provenance,
        new EvidenceReport.SeparationOfDuties(holds, approvals),
        proofs);
  }

  /**
   * An approval by someone other than the requester. A bundle active before approvals existed (or a
   * waiver without an approver) has none, and that is shown, not passed.
   */
  private static EvidenceReport.Approval approval(String what, String requested, String approved) {
    boolean distinct =
        requested != null
            && approved != null
            && !Principal.canonicalSubject(requested).equals(Principal.canonicalSubject(approved));
    return new EvidenceReport.Approval(what, requested, approved, distinct);
  }

  /** The subject behind an actor: the token's subject, an OIDC identity's own, or the actor. */
  private static EvidenceReport.Person person(String actor, String tokenSubject) {
    if (tokenSubject != null) {
      return new EvidenceReport.Person(actor, tokenSubject);
    }
    if (actor != null && actor.startsWith("oidc:")) {
      return new EvidenceReport.Person(actor, Principal.canonicalSubject(actor.substring(5)));
    }
    return new EvidenceReport.Person(actor, actor);
  }

  private static String afterDigest(String canonical) {
    JsonNode n = tree(canonical);
    return n.hasNonNull("after") ? n.path("after").asText() : null;
  }

  /** An entry with its inclusion proof against the report's checkpoint, checked here too. */
  private EvidenceReport.LedgerProof proof(
      org.jdbi.v3.core.Handle h, String role, long index, EvidenceReport.SignedCheckpoint cp) {
    String entry = dao.ledgerEntry(h, index).orElse(null);
    if (entry == null) {
      return new EvidenceReport.LedgerProof(
          role, index, null, null, null, null, false, "the entry is missing from the ledger");
    }
    byte[] leaf = Hashes.leaf(entry.getBytes(StandardCharsets.UTF_8));
    if (cp == null || index >= cp.size()) {
      return new EvidenceReport.LedgerProof(
          role,
          index,
          entry,
          Hashes.hex(leaf),
          null,
          null,
          false,
          "newer than the latest signed checkpoint; a later report proves it");
    }
    List<byte[]> proof = ledger.inclusionProof(index, cp.size());
    boolean ok =
        cp.signatureVerified()
            && MerkleTree.verifyInclusion(
                leaf, index, cp.size(), proof, Hashes.fromHex(cp.rootHash()));
    List<String> hex = new ArrayList<>(proof.size());
    for (byte[] p : proof) {
      hex.add(Hashes.hex(p));
    }
    return new EvidenceReport.LedgerProof(
        role,
        index,
        entry,
        Hashes.hex(leaf),
        hex,
        cp.size(),
        ok,
        ok
            ? "included in the signed checkpoint of size " + cp.size()
            : "does NOT verify against the signed checkpoint of size " + cp.size());
  }

  /** Stored JSON (written by this server): unreadable means a damaged database, not bad input. */
  private static JsonNode tree(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("stored JSON is unreadable: " + e.getMessage(), e);
    }
  }
}

package dev.bulwark.server.reports;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * An evidence report for auditors: the whole population of deployments to one environment in a
 * period, a reproducible random sample of it chosen with the auditor's seed, and for each sampled
 * change what a CC8.1 / A.8.32 auditor asks for: who requested and who approved what, the gate
 * decision with its rules, the waivers used, the tests and provenance seen, the deployment record
 * and the ledger inclusion proofs of its entries against one signed checkpoint.
 */
public record EvidenceReport(
    String format,
    Instant generatedAt,
    String generatedBy,
    Scope scope,
    Period period,
    String environment,
    Population population,
    Sampling sampling,
    SignedCheckpoint checkpoint,
    List<SampledChange> sample) {
  public static final String FORMAT = "bulwark-evidence-report/v1";

  public EvidenceReport {
    Objects.requireNonNull(period, "period");
    Objects.requireNonNull(population, "population");
    sample = List.copyOf(sample);
  }

  /** Whose services the report covers: every team, or the caller's teams. */
  public record Scope(boolean allTeams, List<String> teams) {
    public Scope {
      teams = List.copyOf(teams);
    }
  }

  /** Both days included, in UTC; {@code start} inclusive and {@code end} exclusive as instants. */
  public record Period(LocalDate from, LocalDate to, long days, Instant start, Instant end) {}

  /**
   * Every deployment of the period, in id order, and the SHA-256 of their ids (each in decimal
   * followed by a newline, ascending): an auditor who has the list can check it is the whole one
   * the sample was drawn from.
   */
  public record Population(long count, String digest, List<Deployment> deployments) {
    public Population {
      deployments = List.copyOf(deployments);
    }
  }

  /** One deployment of the population. */
  public record Deployment(
      long id,
      String service,
      String team,
      String version,
      String digest,
      String environment,
      Instant deployedAt) {}

  /** How the sample was drawn, with everything needed to draw it again. */
  public record Sampling(int requested, String seed, String method, String procedure, int drawn) {}

  /** The signed checkpoint the inclusion proofs are against, and the key that signed it. */
  public record SignedCheckpoint(
      long size, String rootHash, String note, String publicKey, boolean signatureVerified) {}

  /** A person or machine as the record names it: the actor and the subject behind it. */
  public record Person(String actor, String subject) {}

  /** One sampled change. */
  public record SampledChange(
      int rank,
      String sampleKey,
      DeploymentRecord deployment,
      GateEvidence gate,
      List<BundleEvidence> policyBundles,
      List<WaiverEvidence> waivers,
      List<TestEvidence> tests,
      List<ProvenanceEvidence> provenance,
      SeparationOfDuties separationOfDuties,
      List<LedgerProof> ledger) {
    public SampledChange {
      policyBundles = List.copyOf(policyBundles);
      waivers = List.copyOf(waivers);
      tests = List.copyOf(tests);
      provenance = List.copyOf(provenance);
      ledger = List.copyOf(ledger);
    }
  }

  /** The deployment as recorded: what ran where, since when, who recorded it, its ledger entry. */
  public record DeploymentRecord(
      long id,
      String service,
      String team,
      String version,
      String digest,
      String environment,
      Instant deployedAt,
      Person deployedBy,
      Long ledgerIndex) {}

  /**
   * The gate decision the deployment went through. {@code explanationMatchesLedger} says whether
   * the stored explanation hashes to the "after" digest of the decision's ledger entry.
   */
  public record GateEvidence(
      long decisionId,
      String decision,
      Instant decidedAt,
      Person evaluatedBy,
      String bundle,
      String teamBundle,
      String inputDigest,
      long ledgerIndex,
      List<Rule> rules,
      boolean explanationMatchesLedger) {
    public GateEvidence {
      rules = List.copyOf(rules);
    }
  }

  /** One rule's result in a gate decision. */
  public record Rule(String policy, String rule, String outcome, String message, String waiver) {}

  /** A policy bundle a decision evaluated: who pushed it, who approved it. */
  public record BundleEvidence(
      String layer,
      String digest,
      String pushedBy,
      Instant pushedAt,
      String approvedBy,
      Instant approvedAt,
      String status) {}

  /** A waiver a decision used: who asked, who approved, why, until when. */
  public record WaiverEvidence(
      String id,
      String policy,
      String rule,
      String reason,
      String requestedBy,
      Instant requestedAt,
      String approvedBy,
      Instant approvedAt,
      Instant expiresAt,
      Instant revokedAt) {}

  /** A security test report (SARIF) of the release seen before the decision, latest per tool. */
  public record TestEvidence(
      String tool,
      String kind,
      int results,
      int critical,
      int high,
      int medium,
      int low,
      Instant uploadedAt) {}

  /** An attestation of the release received before the decision, verified or not. */
  public record ProvenanceEvidence(
      String predicateType,
      boolean verified,
      String reason,
      String keyName,
      String builderId,
      String sourceRepository,
      Instant receivedAt) {}

  /**
   * Separation of duties for the change: each approval with its requester and approver, and whether
   * they are different subjects; {@code holds} when every one is.
   */
  public record SeparationOfDuties(boolean holds, List<Approval> approvals) {
    public SeparationOfDuties {
      approvals = List.copyOf(approvals);
    }
  }

  /** One approval: what, requested by whom, approved by whom. */
  public record Approval(String what, String requestedBy, String approvedBy, boolean distinct) {}

  /**
   * A ledger entry of the change with its RFC 9162 inclusion proof against the report's signed
   * checkpoint; {@code proof} is null when the entry is newer than that checkpoint.
   */
  public record LedgerProof(
      String role,
      long index,
      String entry,
      String leafHash,
      List<String> proof,
      Long treeSize,
      boolean verified,
      String note) {}
}

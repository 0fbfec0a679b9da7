package dev.bulwark.server.auth;

/** What a route needs. Every route declares exactly one; see {@link Role} for who has which. */
public enum Permission {
  /** No authentication: health and the API description. */
  PUBLIC,
  SERVICE_READ,
  SERVICE_WRITE,
  SERVICE_DELETE,
  RELEASE_WRITE,
  FINDING_TRIAGE,
  RISK_APPROVE,
  WEBHOOK_MANAGE,
  ADVISORY_SYNC,
  CATALOG_IMPORT,
  TOKEN_ADMIN,
  AUDIT_READ,
  METRICS_READ,
  LEDGER_READ,
  BACKUP,
  POLICY_WRITE,
  GATE_EVALUATE,
  DEPLOYMENT_WRITE,
  WAIVER_REQUEST,
  WAIVER_APPROVE,
  ATTESTATION_WRITE
}

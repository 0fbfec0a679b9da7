package dev.bulwark.server.auth;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.EnumSet;
import java.util.Set;

/**
 * The roles of the contract and what each may do. This table is the permission matrix; {@code
 * docs/permissions.md} shows it, and a test keeps the two equal.
 */
public enum Role {
  admin(EnumSet.allOf(Permission.class)),
  security(
      EnumSet.of(
          Permission.SERVICE_READ,
          Permission.SERVICE_WRITE,
          Permission.SERVICE_DELETE,
          Permission.RELEASE_WRITE,
          Permission.FINDING_TRIAGE,
          Permission.RISK_APPROVE,
          Permission.WEBHOOK_MANAGE,
          Permission.ADVISORY_SYNC,
          Permission.CATALOG_IMPORT,
          Permission.AUDIT_READ,
          Permission.METRICS_READ,
          Permission.POLICY_WRITE,
          Permission.GATE_EVALUATE,
          Permission.WAIVER_REQUEST,
          Permission.WAIVER_APPROVE)),
  ci(
      EnumSet.of(
          Permission.SERVICE_READ,
          Permission.RELEASE_WRITE,
          Permission.GATE_EVALUATE,
          Permission.DEPLOYMENT_WRITE,
          Permission.ATTESTATION_WRITE)),
  developer(
      EnumSet.of(
          Permission.SERVICE_READ,
          Permission.SERVICE_WRITE,
          Permission.RELEASE_WRITE,
          Permission.FINDING_TRIAGE,
          Permission.CATALOG_IMPORT,
          Permission.WAIVER_REQUEST)),
  auditor(
      EnumSet.of(
          Permission.SERVICE_READ,
          Permission.AUDIT_READ,
          Permission.METRICS_READ,
          Permission.LEDGER_READ));

  private final Set<Permission> permissions;

  Role(Set<Permission> permissions) {
    this.permissions = Set.copyOf(permissions);
  }

  public boolean may(Permission p) {
    return p == Permission.PUBLIC || permissions.contains(p);
  }

  public Set<Permission> permissions() {
    return permissions;
  }

  @JsonValue
  public String json() {
    return name();
  }
}

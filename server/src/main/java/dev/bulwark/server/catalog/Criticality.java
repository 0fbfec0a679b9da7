package dev.bulwark.server.catalog;

/** How much the business depends on a service: its tolerance for risk, lowest first. */
public enum Criticality {
  low,
  medium,
  high,
  critical
}

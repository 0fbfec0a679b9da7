package dev.bulwark.server.catalog;

/** Where a service sits: its exposure differs, and so do SLAs and policies. */
public enum Area {
  website,
  backend,
  data
}

package dev.bulwark.policy;

/** What a failing rule does: blocks ({@code deny}), or is only reported. */
public enum Action {
  deny,
  warn,
  audit
}

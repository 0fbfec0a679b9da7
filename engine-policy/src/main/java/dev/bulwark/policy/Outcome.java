package dev.bulwark.policy;

/** What one rule came to. Only a {@code deny} rule that fails or errs blocks a release. */
public enum Outcome {
  pass,
  fail,
  warn,
  waived,
  error
}

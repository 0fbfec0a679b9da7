package dev.bulwark.server.http;

/**
 * A request record that checks its own fields. {@link Json#bindRecord} calls it after binding, so a
 * caller learns of type errors and rule violations in one answer.
 */
public interface Validatable {
  /** Every problem, with field paths prefixed by {@code prefix}. */
  Validation validate(String prefix);
}

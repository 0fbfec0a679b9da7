package dev.bulwark.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * The declared policy inputs: the core ones ({@link CoreInputs}) and those a server feature adds. A
 * feature's inputs are registered once at start, before any bundle compiles; registering the same
 * declaration again changes nothing, and a second declaration of a name is refused.
 */
public final class PolicyInputs {
  private PolicyInputs() {}

  private static volatile List<PolicyInput<?>> all = CoreInputs.ALL;

  /** Every declared input, in the documentation's order: the core ones first. */
  public static List<PolicyInput<?>> all() {
    return all;
  }

  /** The declaration of a name, or null. */
  public static PolicyInput<?> named(String name) {
    for (PolicyInput<?> in : all) {
      if (in.name().equals(name)) {
        return in;
      }
    }
    return null;
  }

  public static synchronized void register(PolicyInput<?> input) {
    PolicyInput<?> existing = named(input.name());
    if (existing == input) {
      return;
    }
    if (existing != null) {
      throw new IllegalArgumentException("policy input '" + input.name() + "' is declared twice");
    }
    List<PolicyInput<?>> next = new ArrayList<>(all);
    next.add(input);
    InputSchema.check(next);
    all = List.copyOf(next);
  }
}

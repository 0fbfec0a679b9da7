package dev.bulwark.policy;

import java.util.List;

/** A bundle (or a test file) refused whole, with every problem found, in file order. */
public final class PolicyException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient List<Diagnostic> diagnostics;

  public PolicyException(List<Diagnostic> diagnostics) {
    super(
        diagnostics.size()
            + (diagnostics.size() == 1 ? " problem" : " problems")
            + ":\n"
            + String.join("\n", diagnostics.stream().map(Diagnostic::toString).toList()));
    this.diagnostics = List.copyOf(diagnostics);
  }

  public List<Diagnostic> diagnostics() {
    return diagnostics;
  }
}

package dev.bulwark.server.feature;

import dev.bulwark.policy.PolicyInput;
import dev.bulwark.server.auth.Principal;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;

/**
 * How the server builds one declared policy input (a {@link PolicyInput.Kind#FACT fact}) from
 * stored rows. A feature returns its sources from {@link Feature#policyInputs()}; the gates feature
 * refuses to start unless every declared fact has exactly one source.
 *
 * @param <T> the input's Java value
 */
public record PolicyInputSource<T>(PolicyInput<T> input, Builder<T> builder) {
  public PolicyInputSource {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(builder, "builder");
    if (input.kind() != PolicyInput.Kind.FACT) {
      throw new IllegalArgumentException(
          input.name() + " is not a fact: the gate supplies it with the question");
    }
  }

  /** Builds the value for one release, in the read that builds its whole input. */
  @FunctionalInterface
  public interface Builder<T> {
    T build(Facts facts);
  }

  /** What a builder reads with: the release, the caller, the read's handle and its time. */
  public interface Facts {
    /** The read's handle; the builder runs inside it and must not keep it. */
    Handle handle();

    /** Whose team scope applies to every read. */
    Principal caller();

    long releaseId();

    long serviceId();

    String service();

    String version();

    String digest();

    Instant now();

    /**
     * Says that the value built changes at {@code at} without any write (an SLA due date, an
     * expiry): the built input is kept no longer.
     */
    void validUntil(Instant at);

    /** One value per build of the whole input, shared by builders that read the same rows. */
    <V> V shared(Object key, Supplier<V> read);
  }
}

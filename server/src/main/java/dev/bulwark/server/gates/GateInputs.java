package dev.bulwark.server.gates;

import dev.bulwark.policy.CoreInputs;
import dev.bulwark.policy.GateInput;
import dev.bulwark.policy.PolicyInput;
import dev.bulwark.policy.PolicyInputs;
import dev.bulwark.server.auth.Principal;
import dev.bulwark.server.feature.Feature;
import dev.bulwark.server.feature.PolicyInputSource;
import dev.bulwark.server.releases.Releases;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;

/**
 * How each declared fact of a gate input is built from stored rows: one source per declared fact,
 * contributed by the features ({@link Feature#policyInputs()}). Built from the sources, an input
 * needs no change here when a feature adds one.
 */
final class GateInputs {
  private final List<PolicyInputSource<?>> sources;

  private GateInputs(List<PolicyInputSource<?>> sources) {
    this.sources = List.copyOf(sources);
  }

  /** The sources of every feature; inputs a feature declares are registered first. */
  static GateInputs of(List<? extends Feature> features) {
    List<PolicyInputSource<?>> sources = new ArrayList<>();
    features.forEach(f -> sources.addAll(f.policyInputs()));
    return of(sources, PolicyInputs::register);
  }

  /**
   * Checks that every core fact has exactly one source, that no input has two, and that no source
   * builds an input that is not declared; refuses to start otherwise, naming the input. An input a
   * feature declares is declared by its source, so it has one by construction (an input another
   * server in the same JVM registered takes its absent value here).
   */
  static GateInputs of(
      List<PolicyInputSource<?>> sources, java.util.function.Consumer<PolicyInput<?>> register) {
    for (PolicyInputSource<?> s : sources) {
      if (!PolicyInputs.all().contains(s.input())) {
        register.accept(s.input());
      }
    }
    Map<String, Integer> count = new HashMap<>();
    for (PolicyInputSource<?> s : sources) {
      if (PolicyInputs.named(s.input().name()) != s.input()) {
        throw new IllegalStateException(
            "policy input '" + s.input().name() + "' has a source but no declaration");
      }
      if (count.merge(s.input().name(), 1, Integer::sum) > 1) {
        throw new IllegalStateException(
            "policy input '" + s.input().name() + "' has two sources; a fact needs exactly one");
      }
    }
    for (PolicyInput<?> in : CoreInputs.ALL) {
      if (in.kind() == PolicyInput.Kind.FACT && !count.containsKey(in.name())) {
        throw new IllegalStateException(
            "policy input '" + in.name() + "' has no source; a fact needs exactly one");
      }
    }
    return new GateInputs(sources);
  }

  private static final Object RELEASE_FACTS = new Object();

  /** The facts the releases feature keeps: the service, the release, its findings and tests. */
  static List<PolicyInputSource<?>> core(Releases releases) {
    Sourced<Releases.GateFacts> facts =
        f ->
            f.shared(
                RELEASE_FACTS,
                () -> releases.gateFacts(f.handle(), f.caller(), f.service(), f.version()));
    return List.of(
        new PolicyInputSource<>(
            CoreInputs.SERVICE,
            f -> {
              Releases.GateFacts r = facts.read(f);
              return new GateInput.Service(r.service(), r.team(), r.area(), r.criticality());
            }),
        new PolicyInputSource<>(
            CoreInputs.RELEASE,
            f -> {
              Releases.GateFacts r = facts.read(f);
              return new GateInput.Release(r.version(), r.digest(), r.sbom(), r.components());
            }),
        new PolicyInputSource<>(CoreInputs.FINDINGS, f -> findings(facts.read(f), f)),
        new PolicyInputSource<>(
            CoreInputs.TESTS,
            f -> {
              List<GateInput.TestReport> tests = new ArrayList<>();
              for (Releases.ToolSummary t : facts.read(f).tests()) {
                tests.add(
                    new GateInput.TestReport(
                        t.tool(),
                        t.kind(),
                        t.results(),
                        t.critical(),
                        t.high(),
                        t.medium(),
                        t.low()));
              }
              return tests;
            }));
  }

  private interface Sourced<V> {
    V read(PolicyInputSource.Facts f);
  }

  private static List<GateInput.Finding> findings(
      Releases.GateFacts facts, PolicyInputSource.Facts f) {
    Instant now = f.now();
    List<GateInput.Finding> findings = new ArrayList<>(facts.findings().size());
    for (Releases.GateFinding x : facts.findings()) {
      if (x.due().isAfter(now)) {
        f.validUntil(x.due()); // overdue flips then
      }
      if (x.expires() != null && x.expires().isAfter(now)) {
        f.validUntil(x.expires()); // a risk acceptance runs out then
      }
      findings.add(
          new GateInput.Finding(
              x.id(),
              x.aliases(),
              "dependency",
              x.severity(),
              x.state(),
              x.component(),
              x.due(),
              now.isAfter(x.due()),
              x.fixed()));
    }
    return findings;
  }

  /** A release's facts as a gate input (for no environment yet), and until when they hold. */
  record Built(GateInput input, Instant validUntil) {}

  Built build(Handle h, Principal caller, Gates.GateRelease r, Instant now) {
    Context ctx = new Context(h, caller, r, now);
    GateInput.Builder b = GateInput.builder();
    for (PolicyInputSource<?> s : sources) {
      set(b, s, ctx);
    }
    GateInput input =
        b.set(CoreInputs.ENVIRONMENT, "-")
            .set(CoreInputs.PROMOTIONS, List.of())
            .set(CoreInputs.NOW, now)
            .build();
    input.findingsDigest(); // once per set of facts, not once per question
    return new Built(input, ctx.validUntil);
  }

  private static <T> void set(GateInput.Builder b, PolicyInputSource<T> s, Context ctx) {
    b.set(s.input(), s.builder().build(ctx));
  }

  private static final class Context implements PolicyInputSource.Facts {
    private final Handle h;
    private final Principal caller;
    private final Gates.GateRelease release;
    private final Instant now;
    private final Map<Object, Object> shared = new LinkedHashMap<>();
    private Instant validUntil = Instant.MAX;

    Context(Handle h, Principal caller, Gates.GateRelease release, Instant now) {
      this.h = h;
      this.caller = caller;
      this.release = release;
      this.now = now;
    }

    @Override
    public Handle handle() {
      return h;
    }

    @Override
    public Principal caller() {
      return caller;
    }

    @Override
    public long releaseId() {
      return release.id();
    }

    @Override
    public long serviceId() {
      return release.serviceId();
    }

    @Override
    public String service() {
      return release.service();
    }

    @Override
    public String version() {
      return release.version();
    }

    @Override
    public String digest() {
      return release.digest();
    }

    @Override
    public Instant now() {
      return now;
    }

    @Override
    public void validUntil(Instant at) {
      if (at.isBefore(validUntil)) {
        validUntil = at;
      }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> V shared(Object key, Supplier<V> read) {
      return (V) shared.computeIfAbsent(key, k -> read.get());
    }
  }
}

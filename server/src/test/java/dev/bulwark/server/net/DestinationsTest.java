package dev.bulwark.server.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DestinationsTest {
  static InetAddress ip(String literal) {
    return Cidr.literal(literal).orElseThrow();
  }

  /** A DNS that answers what the test says, and changes its answer like a rebinding attacker. */
  static final class PlayedDns {
    final List<Map<String, List<String>>> answers = new ArrayList<>();
    int asked;

    InetAddress[] resolve(String host) {
      Map<String, List<String>> now = answers.get(Math.min(asked++, answers.size() - 1));
      return now.getOrDefault(host, List.of()).stream()
          .map(DestinationsTest::ip)
          .toArray(InetAddress[]::new);
    }
  }

  @Test
  void everyAnswerIsCheckedEachTimeAndTheCheckedAddressesAreTheOnesReturned() throws Exception {
    PlayedDns dns = new PlayedDns();
    dns.answers.add(Map.of("hooks.example", List.of("93.184.216.34")));
    dns.answers.add(Map.of("hooks.example", List.of("93.184.216.34", "127.0.0.1")));
    dns.answers.add(Map.of("hooks.example", List.of("169.254.169.254")));
    Destinations d = new Destinations(List.of(), dns::resolve);
    assertThat(d.resolve("hooks.example")).containsExactly(ip("93.184.216.34"));
    assertThatThrownBy(() -> d.resolve("hooks.example"))
        .as("one internal address among public ones")
        .isInstanceOf(Destinations.Refused.class);
    assertThatThrownBy(() -> d.resolve("hooks.example"))
        .as("rebound to the metadata service")
        .isInstanceOf(Destinations.Refused.class)
        .hasMessageContaining("webhook.allowedNetworks");
    assertThatThrownBy(() -> d.resolve("missing.example"))
        .isInstanceOf(Destinations.Refused.class)
        .hasMessageContaining("cannot be resolved");
  }

  @Test
  void internalBlocksAreRefusedAndAnAllowListOpensThem() throws UnknownHostException {
    Destinations strict = new Destinations(List.of());
    for (String internal :
        List.of(
            "127.0.0.1",
            "127.255.0.9",
            "0.0.0.0",
            "10.0.0.1",
            "172.31.255.255",
            "192.168.0.1",
            "169.254.169.254",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "fc00::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::1")) {
      assertThat(strict.permitted(ip(internal))).as(internal).isFalse();
    }
    for (String external : List.of("93.184.216.34", "8.8.8.8", "2606:4700::1111", "172.32.0.1")) {
      assertThat(strict.permitted(ip(external))).as(external).isTrue();
    }
    Destinations allowing =
        new Destinations(List.of(Cidr.parse("127.0.0.1/32"), Cidr.parse("fd00:1::/32")));
    assertThat(allowing.permitted(ip("127.0.0.1"))).isTrue();
    assertThat(allowing.permitted(ip("127.0.0.2"))).isFalse();
    assertThat(allowing.permitted(ip("fd00:1::5"))).isTrue();
    assertThat(allowing.permitted(ip("fd00:2::5"))).isFalse();
  }

  @Test
  void cidrsAreLiteralsOnly() {
    assertThat(Cidr.parse("10.0.0.0/8").contains(ip("10.255.1.1"))).isTrue();
    assertThat(Cidr.parse("10.0.0.0/8").contains(ip("11.0.0.1"))).isFalse();
    assertThat(Cidr.parse("172.16.0.0/12").contains(ip("172.31.0.1"))).isTrue();
    assertThat(Cidr.parse("172.16.0.0/12").contains(ip("172.32.0.1"))).isFalse();
    assertThat(Cidr.parse("0.0.0.0/0").contains(ip("::1"))).isFalse();
    for (String bad : List.of("example.com", "10.0.0.0/33", "10.0.0.0/x", "", "::1/129")) {
      assertThatThrownBy(() -> Cidr.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(Cidr.literal("localhost")).isEmpty();
    assertThat(Cidr.literal("[::1]")).contains(ip("::1"));
  }
}

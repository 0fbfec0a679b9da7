package dev.bulwark.server.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A block of IPv4 or IPv6 addresses, {@code 10.0.0.0/8} or {@code fc00::/7}; a bare address is a
 * block of one. Only literal addresses are accepted: a host name here would be resolved once and
 * silently go stale.
 */
public record Cidr(byte[] network, int prefix) {
  public Cidr {
    Objects.requireNonNull(network, "network");
    network = network.clone();
    if (network.length != 4 && network.length != 16) {
      throw new IllegalArgumentException("an address has 4 or 16 bytes");
    }
    if (prefix < 0 || prefix > network.length * 8) {
      throw new IllegalArgumentException("prefix /" + prefix + " is out of range");
    }
  }

  /** Parses {@code address[/prefix]}; throws {@link IllegalArgumentException} saying why. */
  public static Cidr parse(String text) {
    String s = text.strip();
    int slash = s.indexOf('/');
    String addr = slash < 0 ? s : s.substring(0, slash);
    if (addr.isEmpty() || !addr.matches("[0-9A-Fa-f:.\\[\\]]+") || !addr.matches(".*[.:].*")) {
      throw new IllegalArgumentException("'" + s + "' is not an IP address or CIDR block");
    }
    byte[] bytes;
    try {
      // A literal only (checked above), so this never queries DNS.
      bytes = InetAddress.getByName(addr).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + s + "' is not an IP address or CIDR block");
    }
    int prefix = bytes.length * 8;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(s.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + s + "' has no whole-number prefix length");
      }
    }
    return new Cidr(bytes, prefix);
  }

  /** The address written in {@code text}, when it is an IP literal; never a DNS query. */
  public static java.util.Optional<InetAddress> literal(String text) {
    String s = text.strip();
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    if (s.isEmpty() || s.contains("/")) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(InetAddress.getByAddress(parse(s).network));
    } catch (IllegalArgumentException | UnknownHostException e) {
      return java.util.Optional.empty();
    }
  }

  /** A comma-separated list of blocks; blank entries are ignored. */
  public static List<Cidr> parseList(String list) {
    List<Cidr> out = new ArrayList<>();
    for (String part : list.split(",")) {
      if (!part.isBlank()) {
        out.add(parse(part));
      }
    }
    return List.copyOf(out);
  }

  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    if (a.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[full] & mask) == (network[full] & mask);
  }

  /** True when some block of {@code blocks} contains {@code address}. */
  public static boolean anyContains(List<Cidr> blocks, InetAddress address) {
    for (Cidr c : blocks) {
      if (c.contains(address)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(network) * 31 + prefix;
  }

  @Override
  public String toString() {
    try {
      String a = InetAddress.getByAddress(network).getHostAddress();
      return a + "/" + prefix;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public byte[] network() {
    return network.clone();
  }
}

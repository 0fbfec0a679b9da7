package dev.bulwark.server.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Which addresses the server may connect to on a user's behalf (webhooks). Loopback, private,
 * link-local (cloud metadata services live there), unique-local, shared, multicast and reserved
 * addresses are refused unless an allowed network contains them. A name is judged by every address
 * it resolves to, so a name that resolves to one public and one internal address is refused.
 */
public final class Destinations {
  /** The blocks refused by default, beside what {@link InetAddress} classifies itself. */
  static final List<Cidr> INTERNAL =
      Cidr.parseList(
          String.join(
              ",",
              "0.0.0.0/8", // "this network"; 0.0.0.0 reaches the local host on Linux
              "10.0.0.0/8",
              "100.64.0.0/10", // carrier-grade NAT, often internal
              "127.0.0.0/8",
              "169.254.0.0/16", // link-local: 169.254.169.254 is the cloud metadata service
              "172.16.0.0/12",
              "192.0.0.0/24",
              "192.0.2.0/24",
              "192.168.0.0/16",
              "198.18.0.0/15",
              "198.51.100.0/24",
              "203.0.113.0/24",
              "224.0.0.0/4",
              "240.0.0.0/4", // reserved, and 255.255.255.255
              "::/128",
              "::1/128",
              "::/96", // IPv4-compatible: an IPv4 address in disguise
              "64:ff9b::/96", // NAT64: an IPv4 address in disguise
              "100::/64",
              "2001:db8::/32",
              "2002::/16", // 6to4: an IPv4 address in disguise
              "fc00::/7", // unique-local
              "fe80::/10", // link-local
              "fec0::/10", // site-local (deprecated)
              "ff00::/8"));

  private final List<Cidr> allowed;
  private final Function<String, InetAddress[]> resolver;

  /** Thrown when a destination may not be reached; the message is safe to show the caller. */
  public static final class Refused extends Exception {
    public Refused(String message) {
      super(message);
    }
  }

  public Destinations(List<Cidr> allowed) {
    this(allowed, Destinations::dns);
  }

  /** With another resolver, for tests that play DNS. */
  public Destinations(List<Cidr> allowed, Function<String, InetAddress[]> resolver) {
    this.allowed = List.copyOf(allowed);
    this.resolver = Objects.requireNonNull(resolver, "resolver");
  }

  private static InetAddress[] dns(String host) {
    try {
      return InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      return new InetAddress[0];
    }
  }

  /** Whether one address may be connected to. */
  public boolean permitted(InetAddress a) {
    if (Cidr.anyContains(allowed, a)) {
      return true;
    }
    return !(a.isAnyLocalAddress()
        || a.isLoopbackAddress()
        || a.isLinkLocalAddress()
        || a.isSiteLocalAddress()
        || a.isMulticastAddress()
        || Cidr.anyContains(INTERNAL, a));
  }

  /**
   * Resolves {@code host} and returns its addresses when every one of them is permitted. The caller
   * connects to exactly these addresses, never resolving the name again, so a name whose answer
   * changes after this check (DNS rebinding) cannot lead the connection elsewhere.
   */
  public List<InetAddress> resolve(String host) throws Refused {
    String h =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    InetAddress[] all = resolver.apply(h);
    if (all == null || all.length == 0) {
      throw new Refused("the host " + host + " cannot be resolved");
    }
    for (InetAddress a : all) {
      if (!permitted(a)) {
        throw new Refused(
            "the host "
                + host
                + " resolves to a loopback, private, link-local, unique-local or reserved address;"
                + " an administrator may allow its network with webhook.allowedNetworks");
      }
    }
    return List.of(all);
  }
}

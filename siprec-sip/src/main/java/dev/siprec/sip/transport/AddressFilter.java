package dev.siprec.sip.transport;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Which source addresses may talk to us: a list of networks in CIDR notation
 * ({@code 10.0.0.0/8}, {@code 2001:db8::/32}) or single addresses. An empty list allows every
 * address. IPv4 networks match IPv4-mapped IPv6 addresses too. Immutable and thread-safe.
 */
public final class AddressFilter implements Predicate<InetAddress> {

    private final List<byte[]> networks = new ArrayList<>();
    private final List<Integer> prefixes = new ArrayList<>();

    private AddressFilter() {
    }

    /** Every address is allowed. */
    public static final AddressFilter ALLOW_ALL = new AddressFilter();

    /**
     * The networks of {@code cidrs}.
     *
     * @throws IllegalArgumentException naming the first entry that is not an IP literal with an
     *     optional prefix length in range (host names are not looked up)
     */
    public static AddressFilter of(List<String> cidrs) {
        AddressFilter f = new AddressFilter();
        for (String entry : cidrs) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int slash = e.indexOf('/');
            byte[] address = NetUtil.createByteArrayFromIpAddressString(slash < 0 ? e : e.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("not an IP network: " + entry);
            }
            int prefix = address.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(e.substring(slash + 1));
                } catch (NumberFormatException x) {
                    throw new IllegalArgumentException("not an IP network: " + entry);
                }
                if (prefix < 0 || prefix > address.length * 8) {
                    throw new IllegalArgumentException("prefix length out of range: " + entry);
                }
            }
            f.networks.add(address);
            f.prefixes.add(prefix);
        }
        return f;
    }

    /** Whether {@code address} is in one of the networks (always, for an empty list). */
    @Override
    public boolean test(InetAddress address) {
        if (networks.isEmpty()) {
            return true;
        }
        if (address == null) {
            return false;
        }
        byte[] a = address.getAddress();
        byte[] v4 = a.length == 16 && isV4Mapped(a) ? java.util.Arrays.copyOfRange(a, 12, 16) : null;
        for (int i = 0; i < networks.size(); i++) {
            byte[] n = networks.get(i);
            byte[] candidate = n.length == a.length ? a : n.length == 4 ? v4 : null;
            if (candidate != null && matches(candidate, n, prefixes.get(i))) {
                return true;
            }
        }
        return false;
    }

    /** Whether it allows every address. */
    public boolean allowsAll() {
        return networks.isEmpty();
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xFF && a[11] == (byte) 0xFF;
    }

    private static boolean matches(byte[] a, byte[] n, int prefix) {
        int whole = prefix / 8;
        for (int i = 0; i < whole; i++) {
            if (a[i] != n[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (a[whole] & mask) == (n[whole] & mask);
    }
}

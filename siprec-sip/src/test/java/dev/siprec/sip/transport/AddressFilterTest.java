package dev.siprec.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressFilterTest {

    static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void networksAndSingleAddressesOfBothFamilies() throws Exception {
        AddressFilter f = AddressFilter.of(List.of("10.0.0.0/8", "192.168.1.7", " 172.16.0.0/12 ", "2001:db8::/32",
                "198.51.100.64/27"));
        assertThat(f.test(ip("10.200.3.4"))).isTrue();
        assertThat(f.test(ip("11.0.0.1"))).isFalse();
        assertThat(f.test(ip("192.168.1.7"))).isTrue();
        assertThat(f.test(ip("192.168.1.8"))).isFalse();
        assertThat(f.test(ip("172.31.255.255"))).isTrue();
        assertThat(f.test(ip("172.32.0.0"))).isFalse();
        assertThat(f.test(ip("198.51.100.95"))).isTrue(); // a prefix that is not a whole number of octets
        assertThat(f.test(ip("198.51.100.96"))).isFalse();
        assertThat(f.test(ip("2001:db8:1::5"))).isTrue();
        assertThat(f.test(ip("2001:db9::5"))).isFalse();
        assertThat(f.test(InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff,
            10, 1, 2, 3}))).as("IPv4-mapped").isTrue();
        assertThat(AddressFilter.of(List.of()).test(ip("203.0.113.9"))).isTrue();
        assertThat(AddressFilter.ALLOW_ALL.allowsAll()).isTrue();
    }

    @Test
    void entriesThatAreNotNetworksAreRefusedByName() {
        assertThatThrownBy(() -> AddressFilter.of(List.of("sbc.example.com"))).hasMessageContaining("sbc.example.com");
        assertThatThrownBy(() -> AddressFilter.of(List.of("10.0.0.0/33"))).hasMessageContaining("10.0.0.0/33");
        assertThatThrownBy(() -> AddressFilter.of(List.of("10.0.0.0/x"))).hasMessageContaining("10.0.0.0/x");
    }
}

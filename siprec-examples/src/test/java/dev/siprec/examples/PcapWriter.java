package dev.siprec.examples;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes RTP packets as a libpcap file (Ethernet/IPv4/UDP frames), as SIPp's play_pcap_audio reads. */
final class PcapWriter {

    private record Packet(long micros, int srcPort, int dstPort, byte[] payload) {
    }

    private final List<Packet> packets = new ArrayList<>();

    void add(long micros, int srcPort, int dstPort, byte[] udpPayload) {
        packets.add(new Packet(micros, srcPort, dstPort, udpPayload.clone()));
    }

    void write(Path file) throws IOException {
        packets.sort((a, b) -> Long.compare(a.micros(), b.micros()));
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            // global header, little-endian: magic, v2.4, tz 0, sigfigs 0, snaplen, linktype 1 (Ethernet)
            le32(out, 0xa1b2c3d4);
            le16(out, 2);
            le16(out, 4);
            le32(out, 0);
            le32(out, 0);
            le32(out, 65535);
            le32(out, 1);
            for (Packet p : packets) {
                int udpLength = 8 + p.payload().length;
                int ipLength = 20 + udpLength;
                int frame = 14 + ipLength;
                long seconds = 1_700_000_000L + p.micros() / 1_000_000;
                le32(out, (int) seconds);
                le32(out, (int) (p.micros() % 1_000_000));
                le32(out, frame);
                le32(out, frame);
                out.write(new byte[12]); // destination and source MAC
                out.writeShort(0x0800);
                byte[] ip = new byte[20];
                ip[0] = 0x45;
                ip[2] = (byte) (ipLength >> 8);
                ip[3] = (byte) ipLength;
                ip[8] = 64;
                ip[9] = 17; // UDP
                ip[12] = 127;
                ip[15] = 1;
                ip[16] = 127;
                ip[19] = 1;
                int sum = 0;
                for (int i = 0; i < 20; i += 2) {
                    sum += ((ip[i] & 0xFF) << 8) | (ip[i + 1] & 0xFF);
                }
                sum = (sum & 0xFFFF) + (sum >> 16);
                sum = ~(sum + (sum >> 16)) & 0xFFFF;
                ip[10] = (byte) (sum >> 8);
                ip[11] = (byte) sum;
                out.write(ip);
                out.writeShort(p.srcPort());
                out.writeShort(p.dstPort());
                out.writeShort(udpLength);
                out.writeShort(0); // no UDP checksum
                out.write(p.payload());
            }
        }
    }

    private static void le32(DataOutputStream out, int v) throws IOException {
        out.writeInt(Integer.reverseBytes(v));
    }

    private static void le16(DataOutputStream out, int v) throws IOException {
        out.writeShort(Short.reverseBytes((short) v));
    }
}

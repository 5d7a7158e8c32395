package dev.siprec.codecs.opus;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** opus_demo framing: per packet a 4-byte length, the 4-byte encoder final range, the packet. */
final class OpusDemo {

    /** One packet and the encoder's final range after it. */
    record Packet(byte[] data, long finalRange) {
    }

    private OpusDemo() {
    }

    static List<Packet> read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        List<Packet> packets = new ArrayList<>();
        while (b.remaining() >= 8) {
            int n = b.getInt();
            long range = b.getInt() & 0xFFFFFFFFL;
            byte[] p = new byte[n];
            b.get(p);
            packets.add(new Packet(p, range));
        }
        return packets;
    }
}

package dev.siprec.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The project kit in {@code ../shared} (reference vectors, captures): CI has it, a fresh clone
 * does not, so tests that need it skip with a message saying what is missing.
 */
public final class Kit {

    private Kit() {
    }

    /** A file or folder of the kit; skips the calling test when it is absent. */
    public static Path path(String relative) {
        Path p = Paths.get(System.getProperty("siprec.shared", "../../shared")).resolve(relative);
        assumeTrue(Files.exists(p), "skipped: " + p + " is absent (it ships in the project kit, ../shared)");
        return p;
    }

    /** 16-bit little-endian samples of a file. */
    public static short[] readS16(Path p) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        short[] out = new short[b.remaining() / 2];
        b.asShortBuffer().get(out);
        return out;
    }
}

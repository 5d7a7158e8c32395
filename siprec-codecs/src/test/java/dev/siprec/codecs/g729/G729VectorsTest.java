package dev.siprec.codecs.g729;

import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.testing.Kit;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bit-exactness with the ITU-T test vectors of Annex A and of Annex A+B, from the kit. */
class G729VectorsTest {

    static void assertBitExact(Path bitstream, Path expectedPcm) throws IOException {
        short[] expected = Kit.readS16(expectedPcm);
        short[] actual = ItuBitstream.decode(bitstream);
        assertThat(actual.length).as("samples of %s", bitstream.getFileName()).isEqualTo(expected.length);
        for (int i = 0; i < expected.length; i++) {
            if (actual[i] != expected[i]) {
                throw new AssertionError(bitstream.getFileName() + ": first difference at sample " + i + " (frame "
                        + i / 80 + "): " + actual[i] + " instead of " + expected[i]);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ALGTHM", "ERASURE", "FIXED", "LSP", "OVERFLOW", "PARITY", "PITCH", "SPEECH", "TAME"})
    void annexAVectors(String name) throws IOException {
        Path dir = Kit.path("codec-reference/vectors/g729/g729AnnexA");
        assertBitExact(dir.resolve(name + ".BIT"), dir.resolve(name + ".PST"));
    }

    @org.junit.jupiter.api.Test
    void annexATestSequence() throws IOException {
        Path dir = Kit.path("codec-reference/vectors/g729/g729AnnexA");
        assertBitExact(dir.resolve("TEST.BIT"), dir.resolve("TEST.pst"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tstseq1a", "tstseq2a", "tstseq3a", "tstseq4a", "tstseq5", "tstseq6"})
    void annexBVectorsForAnnexA(String name) throws IOException {
        Path dir = Kit.path("codec-reference/vectors/g729/g729AnnexB");
        String out = name.endsWith("a") ? name + ".out" : name + "a.out";
        assertBitExact(dir.resolve(name + ".bit"), dir.resolve(out));
    }
}

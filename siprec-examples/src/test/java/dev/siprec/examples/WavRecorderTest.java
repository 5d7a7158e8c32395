package dev.siprec.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WavRecorderTest {

    @Test
    void optionsHaveTheContractDefaults() {
        WavRecorder.Options o = WavRecorder.Options.parse(new String[0]);
        assertThat(o).isEqualTo(new WavRecorder.Options("0.0.0.0", 5060, 20000, 29999, Paths.get("recordings"), 16000));
        WavRecorder.Options set = WavRecorder.Options.parse(new String[] {"--bind", "127.0.0.1", "--sip-port", "5080",
            "--rtp-ports", "40000-40999", "--out", "/tmp/x", "--rate", "48000"});
        assertThat(set).isEqualTo(new WavRecorder.Options("127.0.0.1", 5080, 40000, 40999, Paths.get("/tmp/x"), 48000));
        // for SRCs that test their CANCEL path: answer INVITEs only after a while
        assertThat(WavRecorder.Options.parse(new String[] {"--answer-delay", "300"}).answerDelayMillis()).isEqualTo(300);
        assertThatThrownBy(() -> WavRecorder.Options.parse(new String[] {"--answer-delay", "-1"}))
                .hasMessageContaining("--answer-delay");
    }

    @Test
    void allowTakesNetworksAndNamesABadOne() {
        assertThat(WavRecorder.Options.parse(new String[] {"--allow", "10.0.0.0/8,192.0.2.7"}).allow())
                .containsExactly("10.0.0.0/8", "192.0.2.7");
        assertThat(WavRecorder.Options.parse(new String[0]).allow()).isEmpty();
        assertThatThrownBy(() -> WavRecorder.Options.parse(new String[] {"--allow", "10.0.0.0/8,sbc.example"}))
                .hasMessage("not an IP network: sbc.example");
        assertThat(WavRecorder.Options.parse(new String[] {"--max-call-rate", "250"}).maxCallRate()).isEqualTo(250);
        assertThat(WavRecorder.Options.parse(new String[0]).nativeTransport()).isTrue();
        assertThat(WavRecorder.Options.parse(new String[] {"--native-transport", "off"}).nativeTransport()).isFalse();
        assertThat(WavRecorder.Options.parse(new String[0]).srtp()).isEqualTo(dev.siprec.core.SiprecServer.Srtp.OPTIONAL);
        assertThat(WavRecorder.Options.parse(new String[] {"--srtp", "required"}).srtp())
                .isEqualTo(dev.siprec.core.SiprecServer.Srtp.REQUIRED);
        assertThatThrownBy(() -> WavRecorder.Options.parse(new String[] {"--srtp", "dtls"})).hasMessageContaining("--srtp");
        assertThatThrownBy(() -> WavRecorder.Options.parse(new String[] {"--max-call-rate", "0"}))
                .hasMessageContaining("--max-call-rate");
    }

    @Test
    void latchProbeAndReceiverReportsAreSwitches() {
        WavRecorder.Options o = WavRecorder.Options.parse(new String[] {"--latch-probe", "on", "--rtcp-reports", "off"});
        assertThat(o.latchProbe()).isTrue();
        assertThat(o.rtcpReports()).isFalse();
        assertThatThrownBy(() -> WavRecorder.Options.parse(new String[] {"--latch-probe", "yes"}))
                .hasMessage("--latch-probe takes on or off, not yes");
    }

    @Test
    void badOptionsSayWhatIsWrong() {
        assertThatThrownBy(() -> WavRecorder.Options.parse(new String[] {"--rtp-ports", "40000"}))
                .hasMessage("--rtp-ports takes A-B, not 40000");
        assertThatThrownBy(() -> WavRecorder.Options.parse(new String[] {"--sip-port", "x"}))
                .hasMessage("--sip-port takes a number, not x");
        assertThatThrownBy(() -> WavRecorder.Options.parse(new String[] {"--bogus", "1"}))
                .hasMessage("unknown option --bogus");
        assertThatThrownBy(() -> WavRecorder.Options.parse(new String[] {"--out"}))
                .hasMessage("option --out needs a value");
    }

    @Test
    void wavSizesAreFixedUpOnClose(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("a.wav");
        try (WavWriter w = new WavWriter(f, 16000, 2)) {
            w.write(new short[] {1, -1, 300, -300}, 4);
            w.write(new short[] {7, 8}, 2);
            assertThat(w.frames()).isEqualTo(3);
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.capacity()).isEqualTo(44 + 12);
        assertThat(b.getInt(4)).isEqualTo(36 + 12);
        assertThat(b.getInt(24)).isEqualTo(16000);
        assertThat(b.getInt(28)).isEqualTo(64000);
        assertThat(b.getShort(32)).isEqualTo((short) 4);
        assertThat(b.getInt(40)).isEqualTo(12);
        assertThat(b.getShort(48)).isEqualTo((short) 300);
        assertThat(b.getShort(54)).isEqualTo((short) 8);
    }

    @Test
    void aFrameAfterAGapIsWrittenAtItsPositionWithSilenceBefore(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("gap.wav");
        try (WavWriter w = new WavWriter(f, 8000, 2)) {
            w.writeAt(0, new short[] {1, 2, 3, 4}, 2);
            w.writeAt(5, new short[] {5, 6}, 1); // frames at 2..4 were dropped upstream
            assertThat(w.frames()).isEqualTo(6);
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        short[] got = new short[12];
        for (int i = 0; i < got.length; i++) {
            got[i] = b.getShort(44 + 2 * i);
        }
        assertThat(got).containsExactly(1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 5, 6);
    }

    @Test
    void jsonEscapesAndNests() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "quote \" backslash \\ newline \n ctl \u0001");
        m.put("n", 3);
        m.put("b", true);
        m.put("z", null);
        m.put("l", List.of(1, "x"));
        m.put("e", List.of());
        assertThat(Json.write(m)).isEqualTo("{\n  \"s\": \"quote \\\" backslash \\\\ newline \\n ctl \\u0001\",\n"
                + "  \"n\": 3,\n  \"b\": true,\n  \"z\": null,\n  \"l\": [\n    1,\n    \"x\"\n  ],\n  \"e\": []\n}\n");
    }
}

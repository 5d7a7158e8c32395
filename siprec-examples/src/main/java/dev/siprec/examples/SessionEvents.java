package dev.siprec.examples;

import dev.siprec.core.AudioFrame;
import dev.siprec.core.EndReason;
import dev.siprec.core.RecordedChannel;
import dev.siprec.core.RecordingSession;
import dev.siprec.core.metadata.RecordingMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The messages the streaming examples send about a session, in the shape real-time speech
 * services take: a JSON {@code start} (session, participants, which channel is whom, rate and
 * encoding), binary audio as interleaved 16-bit little-endian PCM ({@code linear16}), a JSON
 * {@code metadata} when the SRC updates the participants, and a JSON {@code end}.
 */
final class SessionEvents {

    private SessionEvents() {
    }

    /** The {@code start} message; {@code position} is the sample offset of the audio that follows. */
    static Map<String, Object> start(RecordingSession s, long position, boolean resumed) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "start");
        m.put("sessionId", s.id());
        m.put("callId", s.sipCallId());
        m.put("encoding", "linear16");
        m.put("sampleRate", s.sampleRate());
        m.put("channels", s.channels().size());
        m.put("position", position);
        if (resumed) {
            m.put("resumed", true); // a reconnect: the audio goes on from position
        }
        m.put("channelMap", channelMap(s));
        m.put("participants", participants(s.metadata()));
        return m;
    }

    /** The {@code metadata} message after an update from the SRC. */
    static Map<String, Object> metadata(RecordingSession s, RecordingMetadata md) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "metadata");
        m.put("sessionId", s.id());
        m.put("channelMap", channelMap(s));
        m.put("participants", participants(md));
        return m;
    }

    /** The {@code end} message. */
    static Map<String, Object> end(RecordingSession s, EndReason reason, long framesDropped) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "end");
        m.put("sessionId", s.id());
        m.put("reason", reason.name());
        m.put("framesDropped", framesDropped);
        return m;
    }

    /** Channel index to stream label and participant, as the recorder mapped them. */
    static List<Object> channelMap(RecordingSession s) {
        List<Object> channels = new ArrayList<>();
        for (RecordedChannel c : s.channels()) {
            Map<String, Object> ch = new LinkedHashMap<>();
            ch.put("channel", c.index());
            ch.put("label", c.label());
            ch.put("participant", c.participant() == null ? null : WavRecorder.participant(c.participant()));
            channels.add(ch);
        }
        return channels;
    }

    private static List<Object> participants(RecordingMetadata md) {
        List<Object> out = new ArrayList<>();
        if (md != null) {
            md.participants().forEach(p -> out.add(WavRecorder.participant(p)));
        }
        return out;
    }

    /** A frame as interleaved 16-bit little-endian PCM. */
    static byte[] linear16(AudioFrame f) {
        int n = f.samplesPerChannel() * f.channels();
        short[] samples = f.samples();
        byte[] out = new byte[2 * n];
        for (int i = 0; i < n; i++) {
            out[2 * i] = (byte) samples[i];
            out[2 * i + 1] = (byte) (samples[i] >> 8);
        }
        return out;
    }
}

package dev.siprec.codecs.registry;

import dev.siprec.codecs.AudioCodec;
import dev.siprec.codecs.AudioDecoder;
import dev.siprec.codecs.g711.G711Codec;
import dev.siprec.codecs.g722.G722Codec;
import dev.siprec.codecs.g726.G726Codec;
import dev.siprec.codecs.g729.G729Codec;
import dev.siprec.codecs.opus.OpusCodec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The codecs a recorder decodes, by rtpmap encoding name: an immutable instance, handed to the
 * media layer and the SDP answer (no static switch). {@link #defaults()} holds the built-in
 * codecs and those found by {@link ServiceLoader} ({@code META-INF/services/dev.siprec.codecs.AudioCodec});
 * {@link #with} adds one, replacing a codec of the same name (so an application can also swap a
 * built-in decoder). Thread-safe.
 */
public final class CodecRegistry {

    private static final CodecRegistry DEFAULTS = builtIn().withAll(ServiceLoader.load(AudioCodec.class,
            CodecRegistry.class.getClassLoader()));

    private final Map<String, AudioCodec> byName; // upper-case encoding name -> codec

    private CodecRegistry(Map<String, AudioCodec> byName) {
        this.byName = Collections.unmodifiableMap(byName);
    }

    /** The built-in codecs: G.711 (PCMU, PCMA), G.722, G.726-32 (and G721), G.729, Opus. */
    public static CodecRegistry builtIn() {
        return new CodecRegistry(new LinkedHashMap<>()).withAll(List.of(new G711Codec(), new G722Codec(),
                new G726Codec(), new G729Codec(), new OpusCodec()));
    }

    /** The built-in codecs and those on the class path's {@code META-INF/services} (loaded once). */
    public static CodecRegistry defaults() {
        return DEFAULTS;
    }

    /** This registry and {@code codec} (which replaces any codec of one of its names). */
    public CodecRegistry with(AudioCodec codec) {
        return withAll(List.of(codec));
    }

    private CodecRegistry withAll(Iterable<AudioCodec> codecs) {
        Map<String, AudioCodec> m = new LinkedHashMap<>(byName);
        for (AudioCodec c : codecs) {
            for (String name : c.encodings()) {
                m.put(name.toUpperCase(Locale.ROOT), c);
            }
        }
        return new CodecRegistry(m);
    }

    /** The encoding names decoded, upper case, in the order the codecs were added. */
    public List<String> encodings() {
        return new ArrayList<>(byName.keySet());
    }

    /** Whether {@link #newDecoder} would give a decoder for this encoding, clock rate and channel count. */
    public boolean isSupported(String encoding, int clockRate, int channels) {
        return newDecoder(encoding, clockRate, channels, 48000, 1) != null;
    }

    /**
     * A new decoder for one stream, or {@code null} when the encoding (or its clock rate or
     * channel count) is not decoded; see {@link AudioCodec#newDecoder}.
     */
    public AudioDecoder newDecoder(String encoding, int clockRate, int channels, int preferredRate,
                                   int outputChannels) {
        AudioCodec c = byName.get(encoding.toUpperCase(Locale.ROOT));
        return c == null ? null : c.newDecoder(encoding, clockRate, channels, preferredRate, outputChannels);
    }

    /** The fmtp parameters to answer for this encoding, or {@code null}; see {@link AudioCodec#answerParameters}. */
    public String answerParameters(String encoding, String offeredFmtp) {
        AudioCodec c = byName.get(encoding.toUpperCase(Locale.ROOT));
        return c == null ? null : c.answerParameters(encoding, offeredFmtp);
    }
}

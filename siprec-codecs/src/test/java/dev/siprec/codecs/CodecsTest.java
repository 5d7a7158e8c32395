package dev.siprec.codecs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CodecsTest {

    @Test
    void opusAnswersWhatItsDecoderPlaysBackAndMirrorsStereoAndDtxOffers() {
        // RFC 7587 §6.1: receiver parameters; stereo only when the sender said it sends stereo
        assertThat(Codecs.answerParameters("opus", null)).isEqualTo("maxplaybackrate=48000;stereo=0;useinbandfec=1");
        assertThat(Codecs.answerParameters("OPUS", "minptime=10; useinbandfec=1; sprop-stereo=1; usedtx=1"))
                .isEqualTo("maxplaybackrate=48000;stereo=1;useinbandfec=1;usedtx=1");
        assertThat(Codecs.answerParameters("opus", "sprop-stereo=0;usedtx=0"))
                .isEqualTo("maxplaybackrate=48000;stereo=0;useinbandfec=1");
    }

    @Test
    void g729EchoesAnExplicitAnnexBAndOtherCodecsHaveNoParameters() {
        assertThat(Codecs.answerParameters("G729", "annexb=no")).isEqualTo("annexb=no");
        assertThat(Codecs.answerParameters("g729", "AnnexB=YES")).isEqualTo("annexb=yes");
        assertThat(Codecs.answerParameters("G729", null)).isNull(); // absent means yes: nothing to say
        assertThat(Codecs.answerParameters("G729", "annexb=maybe")).isNull();
        assertThat(Codecs.answerParameters("PCMU", "annexb=no")).isNull();
        assertThat(Codecs.answerParameters("G722", null)).isNull();
    }

    @Test
    void g726At32KbitsIsDecodedUnderBothOfItsNames() {
        assertThat(Codecs.isSupported("G726-32", 8000)).isTrue();
        assertThat(Codecs.isSupported("G721", 8000)).isTrue(); // RFC 3551 §4.5.4: static type 2
        assertThat(Codecs.isSupported("G726-32", 16000)).isFalse();
        assertThat(Codecs.isSupported("G726-24", 8000)).isFalse(); // other rates: not yet
        assertThat(Codecs.answerParameters("G726-32", null)).isNull();
    }
}

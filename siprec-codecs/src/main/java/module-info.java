/**
 * Pure-Java audio decoders: G.711, G.722, G.726, G.729 (Annexes A and B) and Opus (SILK, CELT,
 * hybrid), each in its own package behind one SPI. The supported API is the SPI
 * ({@code dev.siprec.codecs}: {@link dev.siprec.codecs.AudioCodec},
 * {@link dev.siprec.codecs.AudioDecoder}) and the registry
 * ({@link dev.siprec.codecs.registry.CodecRegistry}); an application adds a codec by
 * implementing {@code AudioCodec} and providing it as a service. The decoder packages are
 * exported so a decoder can be used on its own (tools, tests).
 */
module dev.siprec.codecs {
    exports dev.siprec.codecs;
    exports dev.siprec.codecs.registry;
    exports dev.siprec.codecs.g711;
    exports dev.siprec.codecs.g722;
    exports dev.siprec.codecs.g726;
    exports dev.siprec.codecs.g729;
    exports dev.siprec.codecs.opus;

    uses dev.siprec.codecs.AudioCodec;
}

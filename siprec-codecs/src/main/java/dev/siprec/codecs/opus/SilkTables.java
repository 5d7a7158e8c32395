package dev.siprec.codecs.opus;

/**
 * The SILK layer's probability tables (RFC 6716 §4.2.7), transcribed as the RFC gives them,
 * as PDFs over 256, and turned into the inverse CDFs that {@link RangeDecoder#decodeIcdf}
 * takes. Each PDF is checked to sum to 256 when the class loads, so a transcription slip fails
 * at once.
 */
final class SilkTables {

    private SilkTables() {
    }


    /** icdf[k] = 256 - (pdf[0] + ... + pdf[k]); the last entry is 0. */
    static int[] icdf(int... pdf) {
        int[] out = new int[pdf.length];
        int sum = 0;
        for (int i = 0; i < pdf.length; i++) {
            sum += pdf[i];
            out[i] = 256 - sum;
        }
        if (sum != 256) {
            throw new IllegalStateException("a SILK PDF sums to " + sum + ", not 256");
        }
        return out;
    }

    // §4.2.7.1-2: stereo prediction weights and the mid-only flag
    static final int[] STEREO_STAGE1 = icdf(7, 2, 1, 1, 1, 10, 24, 8, 1, 1, 3, 23, 92, 23, 3, 1, 1, 8, 24, 10,
            1, 1, 1, 2, 7);
    static final int[] STEREO_STAGE2 = icdf(85, 86, 85);
    static final int[] STEREO_STAGE3 = icdf(51, 51, 52, 51, 51);
    static final int[] MID_ONLY = icdf(192, 64);

    // §4.2.4: per-frame LBRR flags of 40 and 60 ms Opus frames (the first, zero, entry dropped:
    // the decoded value is one more than the symbol)
    static final int[] LBRR_FLAGS_2 = icdf(53, 53, 150);
    static final int[] LBRR_FLAGS_3 = icdf(41, 20, 29, 41, 15, 28, 82);

    // §4.2.7.3: frame type; inactive frames take 0-1, active ones 2-5 (leading zeros dropped)
    static final int[] FRAME_TYPE_INACTIVE = icdf(26, 230);
    static final int[] FRAME_TYPE_ACTIVE = icdf(24, 74, 148, 10);

    // §4.2.7.4: subframe gains
    static final int[][] GAIN_MSB = {
        icdf(32, 112, 68, 29, 12, 1, 1, 1), // inactive
        icdf(2, 17, 45, 60, 62, 47, 19, 4), // unvoiced
        icdf(1, 3, 26, 71, 94, 50, 9, 2)}; // voiced
    static final int[] GAIN_LSB = icdf(32, 32, 32, 32, 32, 32, 32, 32);
    static final int[] GAIN_DELTA = icdf(6, 5, 11, 31, 132, 21, 8, 4, 3, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
            1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);

    // §4.2.7.5.1: NLSF stage 1, by bandwidth (NB/MB, WB) and voicing (not voiced, voiced)
    static final int[][] NLSF_STAGE1 = {
        icdf(44, 34, 30, 19, 21, 12, 11, 3, 3, 2, 16, 2, 2, 1, 5, 2, 1, 3, 3, 1, 1, 2, 2, 2, 3, 1, 9, 9, 2, 7, 2, 1),
        icdf(1, 10, 1, 8, 3, 8, 8, 14, 13, 14, 1, 14, 12, 13, 11, 11, 12, 11, 10, 10, 11, 8, 9, 8, 7, 8, 1, 1, 6, 1,
                6, 5),
        icdf(31, 21, 3, 17, 1, 8, 17, 4, 1, 18, 16, 4, 2, 3, 1, 10, 1, 3, 16, 11, 16, 2, 2, 3, 2, 11, 1, 4, 9, 8, 7, 3),
        icdf(1, 4, 16, 5, 18, 11, 5, 14, 15, 1, 3, 12, 13, 14, 14, 6, 14, 12, 2, 6, 1, 12, 12, 11, 10, 3, 10, 5, 1, 1,
                1, 3)};

    // §4.2.7.5.2: NLSF stage 2, codebooks a-h (NB/MB) then i-p (WB)
    static final int[][] NLSF_STAGE2 = {
        icdf(1, 1, 1, 15, 224, 11, 1, 1, 1),
        icdf(1, 1, 2, 34, 183, 32, 1, 1, 1),
        icdf(1, 1, 4, 42, 149, 55, 2, 1, 1),
        icdf(1, 1, 8, 52, 123, 61, 8, 1, 1),
        icdf(1, 3, 16, 53, 101, 74, 6, 1, 1),
        icdf(1, 3, 17, 55, 90, 73, 15, 1, 1),
        icdf(1, 7, 24, 53, 74, 67, 26, 3, 1),
        icdf(1, 1, 18, 63, 78, 58, 30, 6, 1),
        icdf(1, 1, 1, 9, 232, 9, 1, 1, 1),
        icdf(1, 1, 2, 28, 186, 35, 1, 1, 1),
        icdf(1, 1, 3, 42, 152, 53, 2, 1, 1),
        icdf(1, 1, 10, 49, 126, 65, 2, 1, 1),
        icdf(1, 4, 19, 48, 100, 77, 5, 1, 1),
        icdf(1, 1, 14, 54, 100, 72, 12, 1, 1),
        icdf(1, 1, 15, 61, 87, 61, 25, 4, 1),
        icdf(1, 7, 21, 50, 77, 81, 17, 1, 1)};
    static final int[] NLSF_EXTENSION = icdf(156, 60, 24, 9, 4, 2, 1);

    /** Which stage-2 codebook (a = 0 ... h = 7) each NB/MB coefficient uses, by stage-1 index. */
    static final String[] NLSF_CB_NBMB = {
        "aaaaaaaaaa", "bdbccbcbbb", "cbbbbbbbbb", "bccccbcbbb", "cddddccccc", "afddccccbb", "accccccccb",
        "cdgeeefeff", "ceffefegee", "ceehefeffe", "edddcdcccc", "bffgefefff", "chegffffff", "chfffffgfe",
        "ddfeefefee", "cddffeeeee", "ceegefefff", "cfegfffefe", "chefefefff", "cfeghgfgfe", "dghegffgef",
        "chgeeefeff", "effeggfgfe", "cffgfgegee", "efffdheffe", "cdeffgeffe", "cdcddecddd", "bbcccccdcc",
        "effgggfgef", "dffeeeeddc", "cfdhffeefe", "eefefgfgfe"};

    /** The same for WB, codebooks i ... p. */
    static final String[] NLSF_CB_WB = {
        "iiiiiiiiiiiiiiii", "klllllkkkkkjjjil", "knnlpmmnknmnnmll", "ikjkkjjjjjiiiiij",
        "ionmompnmmmnnmml", "ilnnmllnllllllkm", "iiiiiiiiiiiiiiii", "ikolpknlmnnmllkl",
        "iokoomnmonmmnlll", "kjiiiiiiiiiiiiii", "ijiiiiiiiiiiiiij", "kklmnlllllllkkjl",
        "kkllmllllllllkjl", "lmmmommnlnmmnmlm", "iomnmpnkonpmmlnl", "ijijjjjjjjiiiiji",
        "jonpnmnlmnmmmllm", "jllmmllnkllnnnlm", "kllkkklkjkjkjjjm", "iklnllkkkjjiiiii",
        "lmlnllkkjjjjjkkm", "kolppmnmnlnllkll", "klnoolnlmmllllkm", "jllmmmmlnnnljjjj",
        "knloompmmnlmmlll", "iojjiiiiiiiiiiii", "ioolnknnlmmppmmm", "llplnmlllkklllkl",
        "iijiiikjkjjkkkjj", "ilknllklkjiijiij", "lnnmpnllklkkjiji", "klnlmlllkjkomiii"};

    static final int[] NLSF_INTERPOLATION = icdf(13, 22, 29, 11, 181);

    // §4.2.7.6.1: pitch lags
    static final int[] PITCH_HIGH = icdf(3, 3, 6, 11, 21, 30, 32, 19, 11, 10, 12, 13, 13, 12, 11, 9, 8, 7, 6, 4, 2,
            2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1);
    /** Low part of the absolute lag by bandwidth: NB, MB, WB. */
    static final int[][] PITCH_LOW = {
        icdf(64, 64, 64, 64), icdf(43, 42, 43, 43, 42, 43), icdf(32, 32, 32, 32, 32, 32, 32, 32)};
    static final int[] PITCH_DELTA = icdf(46, 2, 2, 3, 4, 6, 10, 15, 26, 38, 30, 22, 15, 10, 7, 6, 4, 4, 2, 2, 2);
    /** Contour: NB 10 ms, NB 20 ms, MB/WB 10 ms, MB/WB 20 ms. */
    static final int[][] PITCH_CONTOUR = {
        icdf(143, 50, 63),
        icdf(68, 12, 21, 17, 19, 22, 30, 24, 17, 16, 10),
        icdf(91, 46, 39, 19, 14, 12, 8, 7, 6, 5, 5, 4),
        icdf(33, 22, 18, 16, 15, 14, 14, 13, 13, 10, 9, 9, 8, 6, 6, 6, 5, 4, 4, 4, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 1, 1,
                1, 1)};

    // §4.2.7.6.2-3: LTP filters and scaling
    static final int[] PERIODICITY = icdf(77, 80, 99);
    static final int[][] LTP_FILTER = {
        icdf(185, 15, 13, 13, 9, 9, 6, 6),
        icdf(57, 34, 21, 20, 15, 13, 12, 13, 10, 10, 9, 10, 9, 8, 7, 8),
        icdf(15, 16, 14, 12, 12, 12, 11, 11, 11, 10, 9, 9, 9, 9, 8, 8, 8, 8, 7, 7, 6, 6, 5, 4, 5, 4, 4, 4, 3, 4, 3, 2)};
    static final int[] LTP_SCALING = icdf(128, 64, 64);

    // §4.2.7.7: LCG seed
    static final int[] SEED = icdf(64, 64, 64, 64);

    // §4.2.7.8: excitation
    /** Rate level by signal type: inactive or unvoiced, voiced. */
    static final int[][] RATE_LEVEL = {
        icdf(15, 51, 12, 46, 45, 13, 33, 27, 14), icdf(33, 30, 36, 17, 34, 49, 18, 21, 18)};
    /** Pulse count by rate level 0-10 (17 means more LSbs follow). */
    static final int[][] PULSE_COUNT = {
        icdf(131, 74, 25, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
        icdf(58, 93, 60, 23, 7, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
        icdf(43, 51, 46, 33, 24, 16, 11, 8, 6, 3, 3, 3, 2, 1, 1, 2, 1, 2),
        icdf(17, 52, 71, 57, 31, 12, 5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
        icdf(6, 21, 41, 53, 49, 35, 21, 11, 6, 3, 2, 2, 1, 1, 1, 1, 1, 1),
        icdf(7, 14, 22, 28, 29, 28, 25, 20, 17, 13, 11, 9, 7, 5, 4, 4, 3, 10),
        icdf(2, 5, 14, 29, 42, 46, 41, 31, 19, 11, 6, 3, 2, 1, 1, 1, 1, 1),
        icdf(1, 2, 4, 10, 19, 29, 35, 37, 34, 28, 20, 14, 8, 5, 4, 2, 2, 2),
        icdf(1, 2, 2, 5, 9, 14, 20, 24, 27, 28, 26, 23, 20, 15, 11, 8, 6, 15),
        icdf(1, 1, 1, 6, 27, 58, 56, 39, 25, 14, 10, 6, 3, 3, 2, 1, 1, 2),
        icdf(2, 1, 6, 27, 58, 56, 39, 25, 14, 10, 6, 3, 3, 2, 1, 1, 2, 0)};

    /** Pulse splits: [partition 16, 8, 4, 2][pulse count - 1]. */
    static final int[][][] SHELL = {
        {icdf(126, 130), icdf(56, 142, 58), icdf(25, 101, 104, 26), icdf(12, 60, 108, 64, 12),
            icdf(7, 35, 84, 87, 37, 6), icdf(4, 20, 59, 86, 63, 21, 3), icdf(3, 12, 38, 72, 75, 42, 12, 2),
            icdf(2, 8, 25, 54, 73, 59, 27, 7, 1), icdf(2, 5, 17, 39, 63, 65, 42, 18, 4, 1),
            icdf(1, 4, 12, 28, 49, 63, 54, 30, 11, 3, 1), icdf(1, 4, 8, 20, 37, 55, 57, 41, 22, 8, 2, 1),
            icdf(1, 3, 7, 15, 28, 44, 53, 48, 33, 16, 6, 1, 1), icdf(1, 2, 6, 12, 21, 35, 47, 48, 40, 25, 12, 5, 1, 1),
            icdf(1, 1, 4, 10, 17, 27, 37, 47, 43, 33, 21, 9, 4, 1, 1),
            icdf(1, 1, 1, 8, 14, 22, 33, 40, 43, 38, 28, 16, 8, 1, 1, 1),
            icdf(1, 1, 1, 1, 13, 18, 27, 36, 41, 41, 34, 24, 14, 1, 1, 1, 1)},
        {icdf(127, 129), icdf(53, 149, 54), icdf(22, 105, 106, 23), icdf(11, 61, 111, 63, 10),
            icdf(6, 35, 86, 88, 36, 5), icdf(4, 20, 59, 87, 62, 21, 3), icdf(3, 13, 40, 71, 73, 41, 13, 2),
            icdf(3, 9, 27, 53, 70, 56, 28, 9, 1), icdf(3, 8, 19, 37, 57, 61, 44, 20, 6, 1),
            icdf(3, 7, 15, 28, 44, 54, 49, 33, 17, 5, 1), icdf(1, 7, 13, 22, 34, 46, 48, 38, 28, 14, 4, 1),
            icdf(1, 1, 11, 22, 27, 35, 42, 47, 33, 25, 10, 1, 1), icdf(1, 1, 6, 14, 26, 37, 43, 43, 37, 26, 14, 6, 1, 1),
            icdf(1, 1, 4, 10, 20, 31, 40, 42, 40, 31, 20, 10, 4, 1, 1),
            icdf(1, 1, 3, 8, 16, 26, 35, 38, 38, 35, 26, 16, 8, 3, 1, 1),
            icdf(1, 1, 2, 6, 12, 21, 30, 36, 38, 36, 30, 21, 12, 6, 2, 1, 1)},
        {icdf(127, 129), icdf(49, 157, 50), icdf(20, 107, 109, 20), icdf(11, 60, 113, 62, 10),
            icdf(7, 36, 84, 87, 36, 6), icdf(6, 24, 57, 82, 60, 23, 4), icdf(5, 18, 39, 64, 68, 42, 16, 4),
            icdf(6, 14, 29, 47, 61, 52, 30, 14, 3), icdf(1, 15, 23, 35, 51, 50, 40, 30, 10, 1),
            icdf(1, 1, 21, 32, 42, 52, 46, 41, 18, 1, 1), icdf(1, 6, 16, 27, 36, 42, 42, 36, 27, 16, 6, 1),
            icdf(1, 5, 12, 21, 31, 38, 40, 38, 31, 21, 12, 5, 1), icdf(1, 3, 9, 17, 26, 34, 38, 38, 34, 26, 17, 9, 3, 1),
            icdf(1, 3, 7, 14, 22, 29, 34, 36, 34, 29, 22, 14, 7, 3, 1),
            icdf(1, 2, 5, 11, 18, 25, 31, 35, 35, 31, 25, 18, 11, 5, 2, 1),
            icdf(1, 1, 4, 9, 15, 21, 28, 32, 34, 32, 28, 21, 15, 9, 4, 1, 1)},
        {icdf(128, 128), icdf(42, 172, 42), icdf(21, 107, 107, 21), icdf(12, 60, 112, 61, 11),
            icdf(8, 34, 86, 86, 35, 7), icdf(8, 23, 55, 90, 55, 20, 5), icdf(5, 15, 38, 72, 72, 36, 15, 3),
            icdf(6, 12, 27, 52, 77, 47, 20, 10, 5), icdf(6, 19, 28, 35, 40, 40, 35, 28, 19, 6),
            icdf(4, 14, 22, 31, 37, 40, 37, 31, 22, 14, 4), icdf(3, 10, 18, 26, 33, 38, 38, 33, 26, 18, 10, 3),
            icdf(2, 8, 13, 21, 29, 36, 38, 36, 29, 21, 13, 8, 2), icdf(1, 5, 10, 17, 25, 32, 38, 38, 32, 25, 17, 10, 5, 1),
            icdf(1, 4, 7, 13, 21, 29, 35, 36, 35, 29, 21, 13, 7, 4, 1),
            icdf(1, 2, 5, 10, 17, 25, 32, 36, 36, 32, 25, 17, 10, 5, 2, 1),
            icdf(1, 2, 4, 7, 13, 21, 28, 34, 36, 34, 28, 21, 13, 7, 4, 2, 1)}};

    static final int[] LSB = icdf(136, 120);

    /**
     * Signs: [signal type][quantisation offset type][min(pulses, 6)]. A block of no pulses but
     * with LSbs has signs too, with the skewed PDFs of pulse count 0.
     */
    static final int[][][][] SIGN_ICDF = {
        { // inactive
            {icdf(2, 254), icdf(207, 49), icdf(189, 67), icdf(179, 77), icdf(174, 82), icdf(163, 93), icdf(157, 99)},
            {icdf(58, 198), icdf(245, 11), icdf(238, 18), icdf(232, 24), icdf(225, 31), icdf(220, 36),
                icdf(211, 45)}},
        { // unvoiced
            {icdf(1, 255), icdf(210, 46), icdf(190, 66), icdf(178, 78), icdf(169, 87), icdf(162, 94), icdf(152, 104)},
            {icdf(48, 208), icdf(242, 14), icdf(235, 21), icdf(224, 32), icdf(214, 42), icdf(205, 51),
                icdf(190, 66)}},
        { // voiced
            {icdf(1, 255), icdf(162, 94), icdf(152, 104), icdf(147, 109), icdf(144, 112), icdf(141, 115),
                icdf(138, 118)},
            {icdf(8, 248), icdf(203, 53), icdf(187, 69), icdf(176, 80), icdf(168, 88), icdf(161, 95),
                icdf(154, 102)}}};
}

package dev.siprec.codecs.opus;

import static dev.siprec.codecs.opus.CeltTables.ALLOC;
import static dev.siprec.codecs.opus.CeltTables.ALLOC_VECTORS;
import static dev.siprec.codecs.opus.CeltTables.BANDS;
import static dev.siprec.codecs.opus.CeltTables.BITRES;
import static dev.siprec.codecs.opus.CeltTables.EBANDS;
import static dev.siprec.codecs.opus.CeltTables.LOG2_FRAC;
import static dev.siprec.codecs.opus.CeltTables.LOG_N;
import static dev.siprec.codecs.opus.CeltTables.MAX_FINE_BITS;

/**
 * CELT's bit allocation (RFC 6716 §4.3.3): from the bits left after the side information, the
 * per-band caps, the dynamic boosts and the trim, it finds the allocation the encoder chose, by
 * the same integer search: an interpolation between two rows of the allocation matrix, bands
 * skipped from the top (each skip confirmed by one bit), the intensity and dual-stereo
 * parameters, and the split of every band's bits between fine energy and PVQ. It must match
 * the encoder to the eighth of a bit, or every later symbol is misread. Allocation-free.
 */
final class CeltAllocation {

    private static final int ALLOC_STEPS = 6;
    private static final int FINE_OFFSET = 21;

    /** Results of {@link #compute}: PVQ bits, fine energy bits and their priority, per band. */
    final int[] pulses = new int[BANDS];
    final int[] fineBits = new int[BANDS];
    final int[] finePriority = new int[BANDS];
    int codedBands;
    int intensity;
    boolean dualStereo;
    int balance;

    private final int[] thresh = new int[BANDS];
    private final int[] trimOffset = new int[BANDS];
    private final int[] bits1 = new int[BANDS];
    private final int[] bits2 = new int[BANDS];

    /** The most bits each band can use (§4.3.3, "caps"), in 1/8 bit. */
    static void caps(int[] cap, int lm, int channels) {
        for (int i = 0; i < BANDS; i++) {
            int n = (EBANDS[i + 1] - EBANDS[i]) << lm;
            cap[i] = (CeltTables.CACHE_CAPS[BANDS * (2 * lm + channels - 1) + i] + 64) * channels * n >> 2;
        }
    }

    void compute(int start, int end, int[] offsets, int[] cap, int trim, int total, int channels, int lm,
            RangeDecoder rd) {
        total = Math.max(total, 0);
        int skipStart = start;
        // one bit reserved to end the skipping, and the stereo parameters' worth
        int skipRsv = total >= 1 << BITRES ? 1 << BITRES : 0;
        total -= skipRsv;
        int intensityRsv = 0;
        int dualStereoRsv = 0;
        if (channels == 2) {
            intensityRsv = LOG2_FRAC[end - start];
            if (intensityRsv > total) {
                intensityRsv = 0;
            } else {
                total -= intensityRsv;
                dualStereoRsv = total >= 1 << BITRES ? 1 << BITRES : 0;
                total -= dualStereoRsv;
            }
        }
        for (int j = start; j < end; j++) {
            int w = EBANDS[j + 1] - EBANDS[j];
            // below this no PVQ bits would be given
            thresh[j] = Math.max(channels << BITRES, (3 * w << lm << BITRES) >> 4);
            // the trim tilts the allocation towards low or high bands
            trimOffset[j] = channels * w * (trim - 5 - lm) * (end - j - 1) * (1 << (lm + BITRES)) >> 6;
            if (w << lm == 1) {
                trimOffset[j] -= channels << BITRES;
            }
        }
        // the highest allocation row whose (capped) total fits
        int lo = 1;
        int hi = ALLOC_VECTORS - 1;
        do {
            boolean done = false;
            int psum = 0;
            int mid = (lo + hi) >> 1;
            for (int j = end; j-- > start;) {
                int w = EBANDS[j + 1] - EBANDS[j];
                int b = channels * w * ALLOC[mid * BANDS + j] << lm >> 2;
                if (b > 0) {
                    b = Math.max(0, b + trimOffset[j]);
                }
                b += offsets[j];
                if (b >= thresh[j] || done) {
                    done = true;
                    psum += Math.min(b, cap[j]);
                } else if (b >= channels << BITRES) {
                    psum += channels << BITRES;
                }
            }
            if (psum > total) {
                hi = mid - 1;
            } else {
                lo = mid + 1;
            }
        } while (lo <= hi);
        hi = lo--;
        for (int j = start; j < end; j++) {
            int w = EBANDS[j + 1] - EBANDS[j];
            int b1 = channels * w * ALLOC[lo * BANDS + j] << lm >> 2;
            int b2 = hi >= ALLOC_VECTORS ? cap[j] : channels * w * ALLOC[hi * BANDS + j] << lm >> 2;
            if (b1 > 0) {
                b1 = Math.max(0, b1 + trimOffset[j]);
            }
            if (b2 > 0) {
                b2 = Math.max(0, b2 + trimOffset[j]);
            }
            if (lo > 0) {
                b1 += offsets[j];
            }
            b2 += offsets[j];
            if (offsets[j] > 0) {
                skipStart = j;
            }
            bits1[j] = b1;
            bits2[j] = Math.max(0, b2 - b1);
        }
        interpolate(start, end, skipStart, cap, total, skipRsv, intensityRsv, dualStereoRsv, channels, lm, rd);
    }

    private void interpolate(int start, int end, int skipStart, int[] cap, int total, int skipRsv, int intensityRsv,
            int dualStereoRsv, int channels, int lm, RangeDecoder rd) {
        int[] bits = pulses;
        int floor = channels << BITRES;
        boolean stereo = channels > 1;
        int logM = lm << BITRES;
        // binary search, in 1/64 steps, of the point between the two rows that fits
        int lo = 0;
        int hi = 1 << ALLOC_STEPS;
        for (int i = 0; i < ALLOC_STEPS; i++) {
            int mid = (lo + hi) >> 1;
            int psum = 0;
            boolean done = false;
            for (int j = end; j-- > start;) {
                int tmp = bits1[j] + (mid * bits2[j] >> ALLOC_STEPS);
                if (tmp >= thresh[j] || done) {
                    done = true;
                    psum += Math.min(tmp, cap[j]);
                } else if (tmp >= floor) {
                    psum += floor;
                }
            }
            if (psum > total) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        int psum = 0;
        boolean done = false;
        for (int j = end; j-- > start;) {
            int tmp = bits1[j] + (lo * bits2[j] >> ALLOC_STEPS);
            if (tmp < thresh[j] && !done) {
                tmp = tmp >= floor ? floor : 0;
            } else {
                done = true;
            }
            tmp = Math.min(tmp, cap[j]);
            bits[j] = tmp;
            psum += tmp;
        }
        // skip bands from the top while the encoder says so (one bit each)
        int coded;
        for (coded = end;; coded--) {
            int j = coded - 1;
            if (j <= skipStart) {
                total += skipRsv; // the reserved bit was not needed
                break;
            }
            int left = total - psum;
            int span = EBANDS[coded] - EBANDS[start];
            int perCoeff = Integer.divideUnsigned(left, span);
            left -= span * perCoeff;
            int rem = Math.max(left - (EBANDS[j] - EBANDS[start]), 0);
            int bandWidth = EBANDS[coded] - EBANDS[j];
            int bandBits = bits[j] + perCoeff * bandWidth + rem;
            if (bandBits >= Math.max(thresh[j], floor + (1 << BITRES))) {
                if (rd.decodeBitLogp(1) != 0) {
                    break;
                }
                psum += 1 << BITRES;
                bandBits -= 1 << BITRES;
            }
            psum -= bits[j] + intensityRsv;
            if (intensityRsv > 0) {
                intensityRsv = LOG2_FRAC[j - start];
            }
            psum += intensityRsv;
            if (bandBits >= floor) {
                psum += floor;
                bits[j] = floor;
            } else {
                bits[j] = 0;
            }
        }
        codedBands = coded;
        intensity = intensityRsv > 0 ? start + (int) rd.decodeUint(coded + 1 - start) : 0;
        if (intensity <= start) {
            total += dualStereoRsv;
            dualStereoRsv = 0;
        }
        dualStereo = dualStereoRsv > 0 && rd.decodeBitLogp(1) != 0;

        // what is left is spread over the coded bands, a whole share per coefficient first
        int left = total - psum;
        int span = EBANDS[coded] - EBANDS[start];
        int perCoeff = Integer.divideUnsigned(left, span);
        left -= span * perCoeff;
        for (int j = start; j < coded; j++) {
            bits[j] += perCoeff * (EBANDS[j + 1] - EBANDS[j]);
        }
        for (int j = start; j < coded; j++) {
            int tmp = Math.min(left, EBANDS[j + 1] - EBANDS[j]);
            bits[j] += tmp;
            left -= tmp;
        }

        // split each band's bits between fine energy and PVQ
        int bal = 0;
        int j;
        for (j = start; j < coded; j++) {
            int n0 = EBANDS[j + 1] - EBANDS[j];
            int n = n0 << lm;
            int bit = bits[j] + bal;
            int excess;
            if (n > 1) {
                excess = Math.max(bit - cap[j], 0);
                bits[j] = bit - excess;
                // one more degree of freedom for intensity-free stereo
                int den = channels * n + (channels == 2 && n > 2 && !dualStereo && j < intensity ? 1 : 0);
                int nClogN = den * (LOG_N[j] + logM);
                int offset = (nClogN >> 1) - den * FINE_OFFSET;
                if (n == 2) {
                    offset += den << BITRES >> 2;
                }
                if (bits[j] + offset < den * 2 << BITRES) {
                    offset += nClogN >> 2;
                } else if (bits[j] + offset < den * 3 << BITRES) {
                    offset += nClogN >> 3;
                }
                int eb = Math.max(0, bits[j] + offset + (den << (BITRES - 1)));
                eb = Integer.divideUnsigned(eb, den) >> BITRES;
                if (channels * eb > bits[j] >> BITRES) {
                    eb = bits[j] >> (stereo ? 1 : 0) >> BITRES;
                }
                eb = Math.min(eb, MAX_FINE_BITS);
                fineBits[j] = eb;
                finePriority[j] = eb * (den << BITRES) >= bits[j] + offset ? 1 : 0;
                bits[j] -= channels * eb << BITRES;
            } else {
                // a single coefficient: all to fine energy but its sign bit
                excess = Math.max(0, bit - (channels << BITRES));
                bits[j] = bit - excess;
                fineBits[j] = 0;
                finePriority[j] = 1;
            }
            if (excess > 0) {
                // what the cap refused goes to fine energy as far as it can
                int extraFine = Math.min(excess >> ((stereo ? 1 : 0) + BITRES), MAX_FINE_BITS - fineBits[j]);
                fineBits[j] += extraFine;
                int extraBits = extraFine * channels << BITRES;
                finePriority[j] = extraBits >= excess - bal ? 1 : 0;
                excess -= extraBits;
            }
            bal = excess;
        }
        balance = bal;
        // skipped bands spend everything on fine energy
        for (; j < end; j++) {
            fineBits[j] = bits[j] >> (stereo ? 1 : 0) >> BITRES;
            bits[j] = 0;
            finePriority[j] = fineBits[j] < 1 ? 1 : 0;
        }
    }
}

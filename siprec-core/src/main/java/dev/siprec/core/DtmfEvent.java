package dev.siprec.core;

/**
 * A DTMF digit (or other telephone event) the SRC sent as RFC 4733 telephone-event packets.
 *
 * @param channel the channel whose stream carried it
 * @param digit '0'-'9', '*', '#', 'A'-'D', or '!' for flash
 * @param event the RFC 4733 event code (0-15 DTMF, 16 flash, others as sent)
 * @param position where it started on the session timeline, in samples per channel
 * @param durationMillis how long it lasted
 * @param sampleRate the session's output rate, to turn {@code position} into time
 */
public record DtmfEvent(int channel, char digit, int event, long position, int durationMillis, int sampleRate) {

    /** When it started, in milliseconds from the start of the session's timeline. */
    public long startMillis() {
        return position * 1000 / sampleRate;
    }

    /** The character of an RFC 4733 event code (§3.2: 0-9, *, #, A-D, flash), '?' for others. */
    static char digitOf(int event) {
        if (event >= 0 && event <= 9) {
            return (char) ('0' + event);
        }
        switch (event) {
            case 10: return '*';
            case 11: return '#';
            case 12: return 'A';
            case 13: return 'B';
            case 14: return 'C';
            case 15: return 'D';
            case 16: return '!';
            default: return '?';
        }
    }
}

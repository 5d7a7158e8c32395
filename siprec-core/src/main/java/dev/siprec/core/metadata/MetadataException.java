package dev.siprec.core.metadata;

/** Recording metadata that could not be read; the message says why and where. */
public final class MetadataException extends Exception {
    private static final long serialVersionUID = 1L;

    /** An error with a message that says what is wrong. */
    public MetadataException(String message) {
        super(message);
    }
}

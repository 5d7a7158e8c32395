package dev.siprec.core;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * The server side of SIP over TLS ({@link SiprecServer.Builder#tls}): our certificate and key,
 * from PEM files or a Java keystore, and optionally the CA certificates that SRC certificates
 * must chain to. TLS 1.3 and 1.2.
 */
public final class TlsSettings {

    private final dev.siprec.sip.transport.TlsSettings sip;

    private TlsSettings(dev.siprec.sip.transport.TlsSettings sip) {
        this.sip = sip;
    }

    /**
     * From PEM files: the certificate chain, and an unencrypted PKCS#8 private key
     * ({@code BEGIN PRIVATE KEY}).
     */
    public static TlsSettings pem(Path certificateChain, Path privateKey) {
        return new TlsSettings(dev.siprec.sip.transport.TlsSettings.pem(certificateChain, privateKey));
    }

    /** From a Java keystore (PKCS12, or JKS by the {@code .jks} extension) holding our key and certificate. */
    public static TlsSettings keyStore(Path keyStore, char[] password) throws IOException, GeneralSecurityException {
        return new TlsSettings(dev.siprec.sip.transport.TlsSettings.keyStore(keyStore, password));
    }

    /** Requires SRCs to present a certificate that chains to one of these CA certificates (PEM). */
    public TlsSettings requireClientCertificates(Path trustedCaCertificates) {
        sip.requireClientCertificates(trustedCaCertificates);
        return this;
    }

    dev.siprec.sip.transport.TlsSettings toSip() {
        return sip;
    }
}

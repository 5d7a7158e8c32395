package dev.siprec.sip.transport;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;

/**
 * The server side of SIP over TLS: our certificate and key, from PEM files or a Java
 * keystore, and optionally the CA certificates that client (SRC) certificates must chain to.
 */
public final class TlsSettings {

    private final SslContextBuilder builder;

    private TlsSettings(SslContextBuilder builder) {
        this.builder = builder.protocols("TLSv1.3", "TLSv1.2");
    }

    /**
     * From PEM files: the certificate chain, and an unencrypted PKCS#8 private key
     * ({@code BEGIN PRIVATE KEY}).
     */
    public static TlsSettings pem(Path certificateChain, Path privateKey) {
        return new TlsSettings(SslContextBuilder.forServer(certificateChain.toFile(), privateKey.toFile()));
    }

    /** From a Java keystore (PKCS12 or JKS) holding our key and certificate. */
    public static TlsSettings keyStore(Path keyStore, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance(keyStore.toString().endsWith(".jks") ? "JKS" : "PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            ks.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        return new TlsSettings(SslContextBuilder.forServer(kmf));
    }

    /** Requires SRCs to present a certificate that chains to one of these CA certificates (PEM). */
    public TlsSettings requireClientCertificates(Path trustedCaCertificates) {
        builder.trustManager(trustedCaCertificates.toFile()).clientAuth(ClientAuth.REQUIRE);
        return this;
    }

    SslContext context() throws SSLException {
        return builder.build();
    }
}

/*
 * Certificates in files, read with OpenSSL: the CA certificates of a PKCS12 store as PEM text
 * (librdkafka reads no PKCS12 trust store), and what a person needs to know of a certificate
 * (subject, issuer, days to expiry), for Strimzi's secrets and the doctor.
 */
#ifndef KCON_TLSFILE_H
#define KCON_TLSFILE_H

#include <openssl/x509.h>

/** What a certificate says, in words. */
struct tlsfile_cert {
	char *subject; /* RFC 2253, as Kafka's default principal mapping spells it: "CN=alice,O=x" */
	char *issuer;
	char *not_after; /* "2026-05-01 12:00:00 UTC" */
	long days_left;  /* days until notAfter, negative once expired */
	long days_valid; /* days since notBefore, negative while not yet valid */
};

/** @brief Fills info from a certificate; tlsfile_cert_clear() frees it. */
void tlsfile_cert_of(X509 *x, struct tlsfile_cert *info);
/** @brief Frees what info holds and zeroes it. */
void tlsfile_cert_clear(struct tlsfile_cert *info);

/**
 * @brief Reads the first certificate of a PEM file, a PEM text (pem, path NULL), or a PKCS12 file
 * (p12 true, with password).
 * @param what names the file's role in messages, e.g. "the client certificate"
 * @return 0, or -1 with *cause (callee allocates) naming the file and what was expected
 */
int tlsfile_cert_read(const char *path, const char *pem, int p12, const char *password, const char *what,
		      struct tlsfile_cert *info, char **cause);

/**
 * @brief The certificates of a PKCS12 store (Strimzi's ca.p12, user.p12) as PEM text: librdkafka
 * reads no PKCS12 trust store (a key store it reads itself).
 * @param pem a new string for the caller: the certificate, then the rest of the chain
 * @param key_pem NULL, or where the store's private key goes (a new string, unencrypted PEM: a
 * secret the caller wipes); then the store must hold a key and its certificate
 * @return 0, or -1 with *cause naming the file and what was wrong (password, format, no certificate)
 */
int tlsfile_p12_pem(const char *path, const char *password, char **pem, char **key_pem, char **cause);

#endif

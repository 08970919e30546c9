#include "tlsfile.h"

#include <errno.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "xalloc.h"

/* The text a BIO holds, as a new string. */
static char *tlsfile_bio_text(BIO *b)
{
	char *data;
	long n = BIO_get_mem_data(b, &data);
	return x_strndup(data, n > 0 ? (size_t)n : 0);
}

static char *tlsfile_name(const X509_NAME *name)
{
	BIO *b = BIO_new(BIO_s_mem());
	X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	char *s = tlsfile_bio_text(b);
	BIO_free(b);
	return s;
}

/* The last OpenSSL error in words, or fallback. */
static const char *tlsfile_ssl_error(const char *fallback)
{
	unsigned long e = ERR_peek_last_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;
	ERR_clear_error();
	return r ? r : fallback;
}

void tlsfile_cert_of(X509 *x, struct tlsfile_cert *info)
{
	memset(info, 0, sizeof(*info));
	info->subject = tlsfile_name(X509_get_subject_name(x));
	info->issuer = tlsfile_name(X509_get_issuer_name(x));
	struct tm tm;
	char when[64] = "?";
	if (ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) == 1)
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	info->not_after = x_strdup(when);
	int days = 0, secs = 0;
	if (ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(x)) == 1)
		info->days_left = days - (days <= 0 && secs < 0); /* an hour past expiry is "-1 days" */
	if (ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(x), NULL) == 1)
		info->days_valid = days - (days <= 0 && secs < 0);
}

void tlsfile_cert_clear(struct tlsfile_cert *info)
{
	free(info->subject);
	free(info->issuer);
	free(info->not_after);
	memset(info, 0, sizeof(*info));
}

/* Opens a PKCS12 store; NULL with *cause. */
static PKCS12 *tlsfile_p12_open(const char *path, char **cause)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		*cause = x_asprintf("cannot read %s: %s: check the path and its permissions", path, strerror(errno));
		return NULL;
	}
	PKCS12 *p12 = d2i_PKCS12_fp(f, NULL);
	fclose(f);
	if (p12 == NULL)
		*cause = x_asprintf("%s: not a PKCS12 store (%s)", path, tlsfile_ssl_error("unreadable"));
	return p12;
}

int tlsfile_cert_read(const char *path, const char *pem, int p12, const char *password, const char *what,
		      struct tlsfile_cert *info, char **cause)
{
	X509 *x = NULL;
	const char *name = path ? path : "the PEM text";
	if (p12) {
		PKCS12 *store = tlsfile_p12_open(path, cause);
		if (store == NULL)
			return -1;
		EVP_PKEY *key = NULL;
		if (!PKCS12_parse(store, password ? password : "", &key, &x, NULL))
			*cause = x_asprintf("%s: cannot open %s (%s): check its password", path, what,
					    tlsfile_ssl_error("wrong password"));
		EVP_PKEY_free(key);
		PKCS12_free(store);
		if (x == NULL && *cause == NULL)
			*cause = x_asprintf("%s: no certificate in the store: expected %s", path, what);
	} else {
		BIO *b = path ? BIO_new_file(path, "r") : BIO_new_mem_buf(pem, -1);
		if (b == NULL) {
			*cause = x_asprintf("cannot read %s: check the path and its permissions", name);
			ERR_clear_error();
			return -1;
		}
		x = PEM_read_bio_X509(b, NULL, NULL, NULL);
		BIO_free(b);
		if (x == NULL)
			*cause = x_asprintf("%s: no PEM certificate in it (%s): expected %s", name,
					    tlsfile_ssl_error("unreadable"), what);
	}
	if (x == NULL)
		return -1;
	tlsfile_cert_of(x, info);
	X509_free(x);
	return 0;
}

int tlsfile_p12_pem(const char *path, const char *password, char **pem, char **key_pem, char **cause)
{
	PKCS12 *store = tlsfile_p12_open(path, cause);
	if (store == NULL)
		return -1;
	EVP_PKEY *key = NULL;
	X509 *x = NULL;
	STACK_OF(X509) *more = NULL;
	int rc = -1;
	if (!PKCS12_parse(store, password, &key, &x, &more)) {
		*cause = x_asprintf("%s: cannot open the store (%s): check its password (the .password file beside it)",
				    path, tlsfile_ssl_error("wrong password"));
		goto out;
	}
	if (key_pem && (key == NULL || x == NULL)) {
		*cause = x_asprintf("%s: no private key and certificate in the store: expected the user's", path);
		goto out;
	}
	BIO *b = BIO_new(BIO_s_mem());
	int n = 0;
	if (x && PEM_write_bio_X509(b, x))
		n++;
	for (int i = 0; i < sk_X509_num(more); i++)
		n += PEM_write_bio_X509(b, sk_X509_value(more, i));
	if (n == 0) {
		*cause = x_asprintf("%s: the store holds no certificate: expected the cluster CA certificate", path);
	} else {
		*pem = tlsfile_bio_text(b);
		rc = 0;
	}
	BIO_free(b);
	if (rc == 0 && key_pem) {
		b = BIO_new(BIO_s_mem());
		PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL);
		*key_pem = tlsfile_bio_text(b);
		char *data;
		long len = BIO_get_mem_data(b, &data);
		OPENSSL_cleanse(data, len > 0 ? (size_t)len : 0);
		BIO_free(b);
	}
out:
	EVP_PKEY_free(key);
	X509_free(x);
	sk_X509_pop_free(more, X509_free);
	PKCS12_free(store);
	return rc;
}

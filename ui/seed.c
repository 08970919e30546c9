/*
 * librdkafka 2.14 seeds its random numbers (the reconnect backoff's jitter, at every client's first
 * connection) with OpenSSL's RAND_priv_bytes(), whose first call builds OpenSSL's DRBG: 8 M
 * instructions, a quarter of a short command's CPU (docs/testing.md). The kcon executable is linked
 * with -Wl,--wrap=RAND_priv_bytes (ui/CMakeLists.txt): librdkafka's calls land here and take the
 * kernel's CSPRNG, as librdkafka itself does when OpenSSL fails (getentropy). OpenSSL's own
 * randomness, TLS's, is untouched. This file is one of the executable's own objects, so the wrapped
 * reference from the librdkafka archive always finds it.
 */
#include <errno.h>
#include <sys/random.h>
#include <sys/types.h>

int __wrap_RAND_priv_bytes(unsigned char *buf, int num);

int __wrap_RAND_priv_bytes(unsigned char *buf, int num)
{
	if (num < 0)
		return 0; /* as OpenSSL's RAND_priv_bytes() answers a negative length */
	size_t got = 0;
	while (got < (size_t)num) {
		ssize_t n = getrandom(buf + got, (size_t)num - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0; /* librdkafka falls back to getentropy() */
		got += (size_t)n;
	}
	return 1;
}

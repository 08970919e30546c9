/*
 * Shared libraries that only a few commands need, opened on first use (dlopen) instead of at every
 * start: libcurl (the Schema Registry client) and libmicrohttpd (`watch --metrics`) bring about 25
 * more libraries (GnuTLS, Kerberos, LDAP, ...) whose loading and relocation was a third of a short
 * command's CPU (docs/testing.md). Each user keeps a table of its functions: names and where to
 * put each one.
 */
#ifndef KCON_DYNLIB_H
#define KCON_DYNLIB_H

#include <stddef.h>

struct dynlib_sym {
	const char *name;
	void **fn; /* (void **)&table.member: where dlsym's answer goes */
};

/**
 * @brief Opens soname (e.g. "libcurl.so.4") once per process and resolves every symbol of syms
 * (n of them) into its place; thread-safe: the caller serializes with its own pthread_once.
 * @param package the distribution's package that holds it, for the hint ("libcurl4")
 * @param what what needs it, for the cause ("the Schema Registry client")
 * @return 0; or -1 with *cause (allocated) naming the library, why and what to install
 */
int dynlib_load(const char *soname, const char *package, const char *what, const struct dynlib_sym *syms, size_t n,
		char **cause);

#endif

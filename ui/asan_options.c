/*
 * The AddressSanitizer build's (KCON_SANITIZE) own defaults, read by ASan before ASAN_OPTIONS,
 * which can still override them. Linked into the kcon executable and the unit tests of that build
 * only (ui/CMakeLists.txt, tests/CMakeLists.txt); never into a release binary.
 *
 * intercept_tls_get_addr=0: GCC 12's sanitizer runtime records each thread's dynamic TLS blocks
 * (those of a library opened with dlopen: GnuTLS, under libmicrohttpd, backend/dynlib.h) from
 * __tls_get_addr() and guesses each block's bounds: a block whose address is 16 bytes into a page
 * is taken to follow an old glibc's {size, start} header, which is read. glibc 2.19 and later keep
 * no such header, and their blocks come from malloc, so whenever the main thread's block lands 16
 * bytes into a page (it depends on the heap's layout: any change elsewhere can bring it on or take
 * it away) the recorded range is garbage ({0x11d, 0x1000001102} seen), and LeakSanitizer's tracer
 * dies reading it at exit ("Tracer caught signal 11: addr=0x120", exit -6), after every leak check
 * passed. Not intercepting __tls_get_addr keeps only that record: the blocks themselves are heap
 * chunks the dynamic linker allocated, which LeakSanitizer scans as live anyway, so no pointer held
 * in dynamic TLS is missed, and every leak is still reported. docs/testing.md says the same.
 */
const char *__asan_default_options(void);

const char *__asan_default_options(void)
{
	return "intercept_tls_get_addr=0";
}

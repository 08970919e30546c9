#include "dynlib.h"

#include <dlfcn.h>

#include "xalloc.h"

int dynlib_load(const char *soname, const char *package, const char *what, const struct dynlib_sym *syms, size_t n,
		char **cause)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		const char *why = dlerror();
		*cause = x_asprintf("%s needs %s, which cannot be loaded (%s): install %s", what, soname,
				    why ? why : "not found", package);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		*syms[i].fn = dlsym(h, syms[i].name);
		if (*syms[i].fn == NULL) {
			*cause = x_asprintf("%s needs %s from %s, which this %s lacks: install a newer %s", what,
					    syms[i].name, soname, soname, package);
			for (size_t j = 0; j <= i; j++)
				*syms[j].fn = NULL;
			dlclose(h);
			return -1;
		}
	}
	return 0; /* never closed: the functions stay in use until exit */
}

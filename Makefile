# A thin wrapper over CMake: the two commands a newcomer needs are `make demo` and `make test`.
PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build
TEST_BUILD ?= build-test
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE ?= cmake
# A librdkafka source tarball or tree to build from instead of fetching one (docs/building.md).
KCON_LIBRDKAFKA_SOURCE ?=
RDKAFKA_FLAGS = $(if $(KCON_LIBRDKAFKA_SOURCE),-DKCON_LIBRDKAFKA_SOURCE=$(abspath $(KCON_LIBRDKAFKA_SOURCE)))

STATIC_BUILD ?= build-static
PACKAGE_BUILD ?= build-package

.PHONY: all build static package demo test unit bench install docs format clean

all: build

build:
	@scripts/install-deps build
	$(CMAKE) -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=$(PREFIX) -DKCON_SANITIZE=OFF -DKCON_TESTS=OFF $(RDKAFKA_FLAGS)
	$(CMAKE) --build $(BUILD) -j $(JOBS)

# One binary for pods (docs/pods.md): every library inside but glibc, no glibc symbol newer than 2.34.
static:
	@scripts/install-deps build
	$(CMAKE) -S . -B $(STATIC_BUILD) -DCMAKE_BUILD_TYPE=Release -DKCON_SANITIZE=OFF -DKCON_TESTS=OFF -DKCON_STATIC=ON $(RDKAFKA_FLAGS)
	$(CMAKE) --build $(STATIC_BUILD) -j $(JOBS)

# A Debian package (docs/install.md): what `make install` installs, under /usr, with the shared
# libraries it needs as dependencies (dpkg-shlibdeps). The file: $(PACKAGE_BUILD)/kcon_VERSION_ARCH.deb.
package:
	@scripts/install-deps package
	$(CMAKE) -S . -B $(PACKAGE_BUILD) -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr -DKCON_SANITIZE=OFF -DKCON_TESTS=OFF $(RDKAFKA_FLAGS)
	$(CMAKE) --build $(PACKAGE_BUILD) -j $(JOBS)
	cd $(PACKAGE_BUILD) && cpack -G DEB

demo: build
	./$(BUILD)/kcon --demo

# Installs what is missing, builds with ASan+UBSan (and without, for valgrind), starts the real Kafka broker(s), runs every
# test through ctest, stops the brokers, and fails on any failure.
# The release build too: the valgrind test runs it (valgrind cannot run an ASan build); and the
# static one: tests/e2e/test_pod.py runs it in a root file system that holds nothing else; and the
# package: tests/package/test_deb.py installs it into a fresh root.
test: build static package
	@scripts/install-deps test
	$(CMAKE) -S . -B $(TEST_BUILD) -DCMAKE_BUILD_TYPE=Debug -DKCON_SANITIZE=ON -DKCON_TESTS=ON \
		-DKCON_PLAIN_BIN=$(CURDIR)/$(BUILD)/kcon -DKCON_STATIC_BIN=$(CURDIR)/$(STATIC_BUILD)/kcon \
		-DKCON_DEB_DIR=$(CURDIR)/$(PACKAGE_BUILD) $(RDKAFKA_FLAGS)
	$(CMAKE) --build $(TEST_BUILD) -j $(JOBS)
	cd $(TEST_BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 900

# Unit tests only: no broker, seconds.
unit:
	$(CMAKE) -S . -B $(TEST_BUILD) -DCMAKE_BUILD_TYPE=Debug -DKCON_SANITIZE=ON -DKCON_TESTS=ON $(RDKAFKA_FLAGS)
	$(CMAKE) --build $(TEST_BUILD) -j $(JOBS)
	cd $(TEST_BUILD) && ctest --output-on-failure -L unit

bench: build static
	@scripts/install-deps test
	KCON_STATIC_BIN=$(CURDIR)/$(STATIC_BUILD)/kcon tests/bench/run $(BUILD)

install: build
	DESTDIR=$(DESTDIR) $(CMAKE) --install $(BUILD) --prefix $(PREFIX)

docs: build
	./$(BUILD)/kcon help --markdown > docs/commands.md
	./$(BUILD)/kcon help --man > docs/kcon.1

format:
	clang-format -i backend/*.[ch] ui/*.[ch] plugins/*.[ch] tests/unit/*.c

clean:
	rm -rf $(BUILD) $(TEST_BUILD) $(STATIC_BUILD) $(PACKAGE_BUILD)

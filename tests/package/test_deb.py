"""The Debian package (make package) installed into a fresh root by dpkg (`dpkg --root`, with a
dpkg database of its own that holds nothing else) beside only the shared objects of the packages its Depends names, and their own
dependencies, as the host has them installed. So a dependency missing from Depends is a library
missing in the root, and kcon does not start. In that root, through chroot with an empty
environment, `kcon --version`, `kcon --demo -e topics` and `kcon --demo -e plugins` (the bundled
decoder, found where the package put it) must work.

Needs root (chroot); `make test` builds the package first (KCON_DEB_DIR, default build-package/)."""

import glob
import os
import re
import shutil
import subprocess
import tempfile
import unittest

SOURCE_DIR = os.environ.get("KCON_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
DEB_DIR = os.environ.get("KCON_DEB_DIR") or os.path.join(SOURCE_DIR, "build-package")
DEBS = sorted(glob.glob(os.path.join(DEB_DIR, "kcon_*.deb")), key=os.path.getmtime)
CHROOT = shutil.which("chroot") or "/usr/sbin/chroot"
LIB_DIRS = ("/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/")


def deb_field(deb, field):
    return subprocess.run(["dpkg-deb", "-f", deb, field], capture_output=True, text=True,
                          check=True).stdout.strip()


def package_names(depends):
    """The package of each clause of a Depends field (the first alternative), arch qualifiers off."""
    names = []
    for clause in filter(None, (c.strip() for c in depends.split(","))):
        first = clause.split("|")[0].strip()
        names.append(re.split(r"[\s(:]", first, maxsplit=1)[0])
    return names


def installed(pkg):
    p = subprocess.run(["dpkg-query", "-W", "-f", "${Status}", pkg], capture_output=True, text=True)
    return p.returncode == 0 and p.stdout.endswith("installed")


def closure(roots):
    """roots and what they depend on, transitively, as installed here."""
    seen, todo = [], list(roots)
    while todo:
        pkg = todo.pop()
        if pkg in seen:
            continue
        if not installed(pkg):
            raise AssertionError(f"{pkg} (named by the package's dependencies) is not installed here")
        seen.append(pkg)
        fields = subprocess.run(["dpkg-query", "-W", "-f", "${Depends},${Pre-Depends}", pkg],
                                capture_output=True, text=True, check=True).stdout
        todo += [d for d in package_names(fields) if d not in seen and installed(d)]
    return seen


def copy_libraries(pkg, root):
    """The shared objects and the loader pkg installs, symlinks kept, into root."""
    files = subprocess.run(["dpkg", "-L", pkg], capture_output=True, text=True, check=True).stdout.split("\n")
    for f in files:
        if not f.startswith(LIB_DIRS) or not (os.path.islink(f) or os.path.isfile(f)):
            continue
        if ".so" not in os.path.basename(f):
            continue
        dest = root + f
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        if os.path.lexists(dest):
            continue
        if os.path.islink(f):
            os.symlink(os.readlink(f), dest)
        else:
            shutil.copy2(f, dest)


def dpkg_install(deb, root):
    """deb installed by dpkg into root, whose own empty database knows no other package: its
    dependencies are there as files only (copy_libraries), hence --force-depends."""
    for d in ("var/lib/dpkg/info", "var/lib/dpkg/updates"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    for f in ("var/lib/dpkg/status", "var/lib/dpkg/available"):
        open(os.path.join(root, f), "a").close()
    p = subprocess.run(["dpkg", f"--root={root}", "--force-depends", "--install", deb], capture_output=True,
                       text=True)
    if p.returncode != 0:
        raise AssertionError(f"dpkg --install failed: {p.stdout}{p.stderr}")


@unittest.skipUnless(os.geteuid() == 0, "needs root for chroot (CI runs as root)")
@unittest.skipUnless(DEBS, f"no kcon_*.deb in {DEB_DIR}: build it with `make package`")
class DebTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.deb = DEBS[-1]
        cls.tmp = tempfile.TemporaryDirectory(prefix="kcon-deb-")
        cls.root = cls.tmp.name
        os.chmod(cls.root, 0o755)
        cls.depends = package_names(deb_field(cls.deb, "Depends"))
        for pkg in closure(cls.depends):
            copy_libraries(pkg, cls.root)
        dpkg_install(cls.deb, cls.root)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def kcon(self, *args):
        return subprocess.run([CHROOT, self.root, "/usr/bin/kcon", *args], capture_output=True, text=True,
                              timeout=60, env={"PATH": "/usr/bin"})

    def test_control(self):
        self.assertEqual(deb_field(self.deb, "Package"), "kcon")
        self.assertRegex(os.path.basename(self.deb), r"^kcon_\d+\.\d+\.\d+_[a-z0-9]+\.deb$")
        # dpkg-shlibdeps read them from the binary: the C libraries kcon links, never librdkafka
        for pkg in ("libc6", "libjansson4", "libsqlite3-0", "libreadline8", "zlib1g", "libzstd1"):
            self.assertIn(pkg, self.depends)
        self.assertNotIn("librdkafka1", self.depends)
        self.assertTrue(any(d.startswith("libssl") for d in self.depends), self.depends)
        self.assertTrue(any(d.startswith("libncursesw") for d in self.depends), self.depends)
        # opened on first use (backend/dynlib.h), so no NEEDED entry names them: cmake/dynlib.cmake does
        self.assertTrue(any(d.startswith("libcurl") for d in self.depends), self.depends)
        self.assertTrue(any(d.startswith("libmicrohttpd") for d in self.depends), self.depends)
        # with the oldest versions that have what kcon calls (dpkg-shlibdeps' symbols files cannot say)
        raw = deb_field(self.deb, "Depends")
        self.assertRegex(raw, r"(^|, )libcurl[0-9a-z-]* \(>= 7\.85\.0\)(,|$)")
        self.assertRegex(raw, r"(^|, )libmicrohttpd[0-9a-z-]* \(>= 0\.9\.73\)(,|$)")

    def test_contents(self):
        listing = subprocess.run(["dpkg-deb", "-c", self.deb], capture_output=True, text=True,
                                 check=True).stdout
        paths = [line.split()[-1].lstrip(".") for line in listing.splitlines()]
        for want in ("/usr/bin/kcon", "/usr/share/kcon/themes/default", "/usr/share/doc/kcon/README.md",
                     "/usr/share/doc/kcon/LICENSE", "/usr/share/doc/kcon/docs/tail.md"):
            self.assertIn(want, paths)
        self.assertTrue(any(re.match(r"/usr/lib/.*kcon/plugins/decode_hexdump\.so$", p) for p in paths), paths)
        self.assertFalse([p for p in paths if p.startswith("/usr/local")])

    @unittest.skipUnless(os.path.isfile(os.path.join(DEB_DIR, "cmake_install.cmake")), "no build tree beside the .deb")
    def test_everything_cmake_installs_is_packaged(self):
        """The man page and completions too, once they have install() rules: the package holds
        exactly the files `cmake --install` puts under its prefix."""
        listing = subprocess.run(["dpkg-deb", "-c", self.deb], capture_output=True, text=True,
                                 check=True).stdout
        packaged = {line.split()[-1].lstrip(".") for line in listing.splitlines() if not line.startswith("d")}
        with tempfile.TemporaryDirectory(prefix="kcon-install-") as dest:
            subprocess.run(["cmake", "--install", DEB_DIR], check=True, capture_output=True,
                           env=dict(os.environ, DESTDIR=dest))
            installed_files = {os.path.join(d, f)[len(dest):] for d, _, fs in os.walk(dest) for f in fs}
        self.assertTrue(installed_files)
        self.assertEqual(installed_files, packaged)

    def test_dpkg_knows_it_and_removes_it(self):
        p = subprocess.run(["dpkg-query", f"--root={self.root}", "-W", "-f", "${Status} ${Version}", "kcon"],
                           capture_output=True, text=True)
        self.assertEqual(p.stdout, "install ok installed " + deb_field(self.deb, "Version"), p.stderr)
        with tempfile.TemporaryDirectory(prefix="kcon-deb-rm-") as other:
            dpkg_install(self.deb, other)
            self.assertTrue(os.path.isfile(os.path.join(other, "usr/bin/kcon")))
            p = subprocess.run(["dpkg", f"--root={other}", "--force-depends", "--remove", "kcon"],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            self.assertFalse(os.path.exists(os.path.join(other, "usr/bin/kcon")))
            self.assertFalse(os.path.exists(os.path.join(other, "usr/share/man/man1/kcon.1")))

    def test_version_in_the_fresh_root(self):
        p = self.kcon("--version")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(p.stdout.startswith("kcon " + deb_field(self.deb, "Version")), p.stdout)

    def test_demo_topics_in_the_fresh_root(self):
        p = self.kcon("--demo", "-e", "topics")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("orders", p.stdout)

    def test_bundled_plugin_is_found_where_the_package_put_it(self):
        p = self.kcon("--demo", "-e", "plugins")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("hexdump", p.stdout)

    def test_a_library_opened_on_first_use_is_there(self):
        """libcurl is not linked but opened by the registry client (backend/dynlib.h): in the root
        that holds only what Depends brings, a registry request gets as far as connecting."""
        p = self.kcon("--demo", "--registry", "http://127.0.0.1:1", "-e", "schemas")
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertNotIn("cannot be loaded", p.stderr)
        self.assertIn("127.0.0.1:1", p.stderr)

    def test_missing_dependency_is_seen(self):
        """The root holds only what Depends brings: without libjansson kcon cannot start there."""
        with tempfile.TemporaryDirectory(prefix="kcon-deb-nodep-") as bare:
            os.chmod(bare, 0o755)
            for pkg in closure([d for d in self.depends if d != "libjansson4"]):
                if pkg != "libjansson4":
                    copy_libraries(pkg, bare)
            dpkg_install(self.deb, bare)
            p = subprocess.run([CHROOT, bare, "/usr/bin/kcon", "--version"], capture_output=True, text=True,
                               timeout=60, env={"PATH": "/usr/bin"})
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("libjansson", p.stderr)


if __name__ == "__main__":
    unittest.main()

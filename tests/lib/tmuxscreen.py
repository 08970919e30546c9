"""A program in a detached tmux pane of fixed size, for screen tests: send keys, read the screen,
wait until it shows something (never a fixed sleep). Each screen has its own tmux server (-L)."""

import os
import re
import shlex
import subprocess
import tempfile
import uuid

from kcontest import BrokerTestCase, wait_until

UTF8 = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}


def colours(text):
    """The SGR colour codes in text (30-37, 40-47, 90-107, 38/48 for 256 colours), defaults left out."""
    codes = set()
    for m in re.finditer(r"\x1b\[([0-9;]*)m", text):
        for c in m.group(1).split(";"):
            if c and (30 <= int(c) <= 37 or 40 <= int(c) <= 47 or 90 <= int(c) <= 107 or c in ("38", "48")):
                codes.add(int(c))
    return codes


class TmuxScreen:
    def __init__(self, argv, width=120, height=40, env=None):
        self.socket = f"kcon-test-{uuid.uuid4().hex[:10]}"
        e = dict(os.environ)
        e.pop("TMUX", None)
        e.update(env or {})
        self.env = e
        # A shell runs the program, reports its exit status and stays, so the last screen can be
        # read (tmux's own remain-on-exit proved unreliable at reaping in tmux 3.3a).
        inner = " ".join(shlex.quote(a) for a in argv)
        overrides = " ".join(f"{k}={shlex.quote(v)}" for k, v in (env or {}).items())
        cmd = (f"env {overrides} {inner}; st=$?; [ $st -gt 128 ] && echo; echo \"{self.MARK}$st;\"; "
               "exec sleep 100000")
        self.tmux("new-session", "-d", "-s", "main", "-x", str(width), "-y", str(height), cmd)

    MARK = "kcon-screen: exit "

    def tmux(self, *args, check=True):
        p = subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", *args], capture_output=True, text=True,
                           env=self.env, timeout=30)
        if check and p.returncode != 0:
            raise AssertionError(f"tmux {args}: {p.stderr}")
        return p.stdout

    def send(self, *keys):
        """Keys in tmux's names: "Enter", "Escape", "C-c", "Tab", or plain strings."""
        self.tmux("send-keys", "-t", "main", *keys)

    def type(self, text):
        """Text typed literally."""
        self.tmux("send-keys", "-t", "main", "-l", text)

    def lines(self):
        """The screen's lines (trailing blanks are trimmed by tmux)."""
        out = self.tmux("capture-pane", "-p", "-t", "main")
        return out[:-1].split("\n") if out.endswith("\n") else out.split("\n")

    def ansi(self):
        """The screen with its colour and attribute escapes."""
        return self.tmux("capture-pane", "-p", "-e", "-t", "main")

    def all_text(self):
        """The scrollback and the screen, wrapped lines joined."""
        return self.tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "main")

    def text(self):
        return "\n".join(self.lines())

    def info(self, fmt):
        return self.tmux("display-message", "-p", "-t", "main", fmt).strip()

    def size(self):
        return tuple(int(x) for x in self.info("#{pane_width} #{pane_height}").split())

    def _status(self):
        # ";" ends the number: the line it lands on may hold what the program drew there before
        m = re.search(re.escape(self.MARK) + r"(\d+);", self.all_text())
        return int(m.group(1)) if m else None

    def dead(self):
        """True once the program ended."""
        return self._status() is not None

    def program_pid(self):
        """The program's pid (the child of the pane's shell)."""
        shell = self.info("#{pane_pid}")
        out = subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True).stdout.split()
        return int(out[0]) if out else None

    def exit_status(self):
        """The program's exit status (waits for it); 128+N when signal N killed it."""
        try:
            wait_until(self.dead, what="the program to end")
        except AssertionError as e:
            raise AssertionError(f"{e}\n--- screen ---\n{self.text()}") from None
        status = self._status()
        if status != 0:  # say why: what the program left on the screen and in the scrollback
            print(f"--- {self.MARK}{status}; screen and scrollback ---\n{self.all_text()}", flush=True)
        return status

    def alternate_on(self):
        return self.info("#{alternate_on}") == "1"

    def resize(self, width, height):
        self.tmux("resize-window", "-t", "main", "-x", str(width), "-y", str(height))
        wait_until(lambda: self.size() == (width, height), what=f"the pane to be {width}x{height}")

    def wait_for(self, cond, timeout=30, what=None):
        """Waits until the screen contains the string cond, or cond(screen_text) is true, and returns
        the text. A capture can land while kcon is still writing a frame (its top new, its bottom
        old), so the condition must hold on two captures in a row, and the second is returned."""
        test = (lambda s: cond in s) if isinstance(cond, str) else cond
        box = {"held": False}

        def check():
            box["t"] = self.text()
            held, box["held"] = box["held"], test(box["t"])
            return held and box["held"]

        try:
            wait_until(check, timeout=timeout, what=what or repr(cond))
        except AssertionError as e:
            raise AssertionError(f"{e}\n--- screen ---\n{box.get('t')}") from None
        return box["t"]

    def close(self):
        self.tmux("kill-server", check=False)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class ScreenTestCase(BrokerTestCase):
    """A test case that runs programs in tmux screens, closed at the test's end."""

    def screen(self, argv, width=120, height=40, env=None):
        """argv in a width x height screen: a UTF-8 locale and no user config unless env says otherwise,
        and a state dir of the test's own unless env names one (the TUI records history: not into the
        user's store)."""
        e = dict(UTF8, XDG_CONFIG_HOME="/nonexistent-kcon-test")
        e.update(env or {})
        if "KCON_STATE_DIR" not in e and "XDG_STATE_HOME" not in e:
            state = tempfile.TemporaryDirectory()
            self.addCleanup(state.cleanup)
            e["KCON_STATE_DIR"] = state.name
        scr = TmuxScreen(argv, width, height, env=e)
        self.addCleanup(scr.close)
        return scr

"""A fresh Business Center server for the scripts that test it from outside
(scripts/api-fuzz, scripts/scim-check): its own SQLite database and port,
Contoso with Harry, its Account Admin, signed up through his invitation
link, and the operator's command line against the same database."""

import base64
import contextlib
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def say(text):
    print(f"\033[1m==> {text}\033[0m", flush=True)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, binary, work, base, env):
        self.binary, self.work, self.base, self.env = binary, work, base, env

    def cli(self, *args):
        done = subprocess.run([str(self.binary), *args], env=self.env, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"business-center {' '.join(args)}: {done.stderr}")
        return done.stdout


@contextlib.contextmanager
def fresh_server(binary, name):
    work = Path(tempfile.mkdtemp(prefix=f"{name}-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite://{work}/test.db",
        PUBLIC_URL=base,
        LEPTOS_SITE_ADDR=f"127.0.0.1:{port}",
        LEPTOS_SITE_ROOT=str(ROOT / "target/site"),
        DOWNLOADS_DIR=str(work / "downloads"),
        RUST_LOG="warn",
        SECRETS_KEY=base64.b64encode(os.urandom(32)).decode(),
    )
    env.pop("SMTP_URL", None)
    server = Server(binary, work, base, env)
    say("a fresh server with Contoso and its administrator")
    server.cli("agreement", "create", "--agreement-number", "1234567890", "--organization", "Contoso Ltd",
               "--purchasing-account", "9876543210", "--admin-email", "harry@contoso.com",
               "--admin-first-name", "Harry", "--admin-last-name", "Roldan")
    process = subprocess.Popen([str(binary), "serve"], env=env)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        # The invitation waits in the outbox (no SMTP server): its link.
        with sqlite3.connect(work / "test.db") as db:
            (body,) = db.execute("SELECT body_text FROM outbox ORDER BY id LIMIT 1").fetchone()
        token = re.search(r"/invitation/([A-Za-z0-9_-]{43})", body).group(1)
        form = urllib.parse.urlencode({
            "token": token, "first_name": "Harry", "last_name": "Roldan", "country": "US",
            "password": "Correct-Horse-42", "confirm_password": "Correct-Horse-42",
        }).encode()
        request = urllib.request.Request(f"{base}/api/accept_invitation", data=form, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Origin": base,
            "Sec-Fetch-Site": "same-origin", "Accept": "application/json",
        })
        urllib.request.urlopen(request, timeout=30)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)

"""Runs a moto server on 127.0.0.1:PORT until its standard input closes.

The test harness keeps the pipe open for as long as the test process lives, so the
emulator never outlives the tests that started it.
"""
import os
import sys

os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

from moto.server import ThreadedMotoServer  # noqa: E402

port = int(sys.argv[1])
server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
server.start()
print("ready", flush=True)
try:
    sys.stdin.read()
finally:
    server.stop()

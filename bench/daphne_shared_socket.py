"""Serve the portal from N daphne processes that accept on one listening socket.

What a reverse proxy in front of several daphne processes does (docs/deploy.md), without
the proxy: this process binds the port with a large backlog and starts N daphne
processes with ``--fd``; the kernel hands each new connection to one of them. Stop it
with Ctrl-C (or SIGTERM): the daphne processes are stopped with it.

    .venv/bin/python bench/daphne_shared_socket.py --port 8400 --processes 2
"""

import argparse
import signal
import socket
import subprocess
import sys
from pathlib import Path

DAPHNE = Path(sys.executable).with_name("daphne")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8400)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(1024)  # twisted's default backlog (50) refuses part of a burst
    fd = listener.fileno()
    processes = [
        subprocess.Popen(  # noqa: S603 (a fixed command line, no input)
            [str(DAPHNE), "--fd", str(fd), "portal.asgi:application"],
            pass_fds=[fd],
            stdout=subprocess.DEVNULL,
        )
        for _n in range(args.processes)
    ]

    def stop(_signum, _frame):
        for process in processes:
            process.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for process in processes:
        process.wait()


if __name__ == "__main__":
    main()

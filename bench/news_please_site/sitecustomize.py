"""The mini-web's host names in every process news-please starts (it runs each outlet's crawler in a process
of its own, which run_tool.py's in-process mapping never reaches): Python imports `sitecustomize` at start-up
from PYTHONPATH, which `bench/crawl.py` points here for row (e) only.

MINIWEB_HOSTS maps the outlets' names as for the other rows (`run_tool.install_host_names`). Every other name
fails at once, as on a machine without internet: news-please's newspaper extractor fetches each page's
images from their original hosts, and without this each fetch would wait for a DNS timeout.
"""

import os
import socket
import sys

sys.path.insert(0, os.environ["MINIWEB_BENCH_DIR"])
from run_tool import host_names_from_env, install_host_names

sys.path.pop(0)
_hosts = host_names_from_env()
_loopback = set(_hosts.values()) | {"localhost", "127.0.0.1", "::1"}
install_host_names(_hosts)
_mapped_getaddrinfo = socket.getaddrinfo


def _offline_getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if name is not None and name not in _hosts and name not in _loopback:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known (the benchmark is offline)")
    return _mapped_getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _offline_getaddrinfo

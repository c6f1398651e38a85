"""deploy/nginx.conf, the shipped front proxy, run by a test in front of the real instances.

The file is used as it ships; only the addresses change (the instances listen on free ports here),
and a test fails if the file no longer has the addresses it documents."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.support.postgres import service_missing
from tests.support.servers import ROOT, free_port, stop_process, wait_for

NGINX = Path("/usr/sbin/nginx")
SHIPPED = ROOT / "deploy" / "nginx.conf"
SHIPPED_RASA = ("127.0.0.1:5005", "127.0.0.1:5006")
SHIPPED_SERVICE = "127.0.0.1:8000"

MAIN_CONF = """daemon off;
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {workdir}/body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    include {workdir}/mentorwijzer.conf;
}}
"""


def render(rasa_addresses: list[str], service_address: str, listen: str) -> str:
    conf = SHIPPED.read_text()
    for shipped in (*SHIPPED_RASA, SHIPPED_SERVICE, "listen 80;"):
        assert shipped in conf, f"deploy/nginx.conf no longer has {shipped!r}; update tests/support/nginx.py"
    for shipped, address in zip(SHIPPED_RASA, rasa_addresses, strict=True):
        conf = conf.replace(shipped, address)
    return conf.replace(SHIPPED_SERVICE, service_address).replace("listen 80;", f"listen {listen};")


class Nginx:
    def __init__(self, workdir: Path, rasa_addresses: list[str], service_address: str) -> None:
        if not NGINX.exists():
            message = "no nginx at /usr/sbin/nginx: run make nginx (as root)"
            service_missing(message)
        self.workdir = workdir
        self.port = free_port()
        workdir.mkdir(parents=True, exist_ok=True)
        (workdir / "mentorwijzer.conf").write_text(render(rasa_addresses, service_address, f"127.0.0.1:{self.port}"))
        (workdir / "nginx.conf").write_text(MAIN_CONF.format(workdir=workdir))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = self.workdir / "nginx.out"
        command = [str(NGINX), "-p", str(self.workdir), "-c", str(self.workdir / "nginx.conf")]
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        self.process = subprocess.Popen(command, stdout=log.open("ab"), stderr=subprocess.STDOUT)
        wait_for(f"{self.url}/webhooks/rest/", 20, self.process, log)

    def stop(self) -> None:
        stop_process(self.process, timeout=10)
        self.process = None
        shutil.rmtree(self.workdir / "proxy", ignore_errors=True)

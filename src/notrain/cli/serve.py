"""``notrain serve``: the app in the browser, on this computer only unless asked otherwise."""

from __future__ import annotations

import errno
import ipaddress
import socket
import threading
import time
import webbrowser

import click

from notrain.cli._common import console, err_console, handle_errors
from notrain.errors import NotrainError

__all__ = ["DEFAULT_PORT", "serve_command"]

DEFAULT_PORT = 8765


@click.command(
    "serve",
    epilog="""\b
Examples:
  notrain serve                      open the app in your browser
  notrain serve --port 9000 --no-browser

The app listens on 127.0.0.1: only this computer can reach it. Stop it with Ctrl+C;
work it was doing (protecting photos, reading an export) continues at the next start.""",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but 127.0.0.1, localhost or ::1 lets other computers in: see the warning it prints.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=None,
    help=f"Port to listen on [default: {DEFAULT_PORT}, or a free one when that is taken; 0: any free port].",
)
@click.option(
    "--no-browser", "open_browser", flag_value=False, default=True, help="Do not open the browser."
)
@click.pass_context
@handle_errors
def serve_command(ctx: click.Context, host: str, port: int | None, open_browser: bool) -> None:
    """Start the notrain app and open it in your browser.

    Everything notrain does, in plain pages: protect photos, check whether a photo is
    yours, object to Meta's AI training and follow up, read your data download, watch
    privacy policies, and your settings.
    """
    import uvicorn

    from notrain.web import create_app
    from notrain.web.app import LOCAL_HOSTS

    local = host.strip("[]").lower() in LOCAL_HOSTS
    if not local:
        _warn_exposed(host)
    sock = _bind(host, port)
    actual_port = sock.getsockname()[1]
    if port is None and actual_port != DEFAULT_PORT:
        err_console.print(f"[yellow]Port {DEFAULT_PORT} is in use[/]; using {actual_port} instead.")
    app = create_app(ctx.find_root().params.get("home"), hosts=_names_for(host))
    browse_host = "127.0.0.1" if _is_wildcard(host) else host
    url = f"http://{_bracket(browse_host)}:{actual_port}/"
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    console.print(f"notrain is running at [bold]{url}[/]  (press Ctrl+C to stop)")
    if open_browser:
        threading.Thread(target=_open_when_ready, args=(server, url), daemon=True).start()
    server.run(sockets=[sock])


def _bind(host: str, port: int | None) -> socket.socket:
    """A listening socket: ``port``, or the default one, or any free one when that is taken."""
    address = host.strip("[]")
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    tries = [port] if port is not None else [DEFAULT_PORT, 0]
    for number in tries:
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((address, number))
        except OSError as exc:
            sock.close()
            if exc.errno == errno.EADDRINUSE and number != tries[-1]:
                continue
            raise NotrainError(
                f"Cannot listen on {host} port {number}: {exc.strerror or exc}.",
                hint="Choose another port with --port, or stop what is using it."
                if exc.errno == errno.EADDRINUSE
                else "Check the --host address: it must be one of this computer's.",
            ) from exc
        sock.listen(64)
        sock.set_inheritable(True)
        return sock
    raise AssertionError("unreachable")


def _open_when_ready(server: object, url: str) -> None:
    for _ in range(200):
        if getattr(server, "started", False):
            webbrowser.open(url)
            return
        time.sleep(0.05)


def _is_wildcard(host: str) -> bool:
    return host.strip("[]") in ("0.0.0.0", "::", "")


def _bracket(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _names_for(host: str) -> list[str]:
    """The host names the app answers to besides the local ones: the --host, and for a wildcard
    address this computer's name and addresses."""
    names = [host.strip("[]")]
    if _is_wildcard(host):
        hostname = socket.gethostname()
        names += [hostname, socket.getfqdn()]
        try:
            names += socket.gethostbyname_ex(hostname)[2]
        except OSError:
            pass
    return [name for name in names if name]


def _warn_exposed(host: str) -> None:
    try:
        private = ipaddress.ip_address(host.strip("[]")).is_private
    except ValueError:
        private = False
    reach = "computers on your network" if private or _is_wildcard(host) else "other computers"
    err_console.print(
        f"[bold red]WARNING: listening on {host}: {reach} can open notrain.[/]\n"
        "[red]Whoever reaches it can see your requests, your protected photos and your data "
        "download, and act in your name. There is no password. Use this only on a network you "
        "trust, and stop it (Ctrl+C) when you are done.[/]"
    )

"""The local web app (``notrain serve``): every part of notrain in the browser, for people who
never open a terminal. A thin layer: routes call the same library functions as the CLI."""

from notrain.web.app import create_app

__all__ = ["create_app"]

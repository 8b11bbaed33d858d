"""Rendering the texts notrain writes: Jinja2 templates, sandboxed and strict.

Templates live in ``notrain/templates/rights/<language>/<name>.md.j2``. A person may
copy one into ``<home>/templates/rights/<language>/`` and edit it; their copy wins.
Every template renders in a sandbox (a template cannot reach Python objects' internals)
with strict undefined variables (a misspelt variable is an error, not an empty gap).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from babel.dates import format_date
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, StrictUndefined, TemplateError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from notrain.errors import NotrainError
from notrain.rights.model import LANGUAGES

__all__ = [
    "TemplateProblem",
    "babel_locale",
    "environment",
    "long_date",
    "render",
    "template_names",
]


class TemplateProblem(NotrainError):
    """A template (usually one the person edited) failed to render."""


def babel_locale(language: str) -> str:
    """The Babel locale for one of LANGUAGES (``pt-BR`` -> ``pt_BR``)."""
    return "en_GB" if language == "en" else language.replace("-", "_")


def long_date(value: date, language: str = "en") -> str:
    """``31 January 2026`` in the language's own long form."""
    text = format_date(value, format="long", locale=babel_locale(language))
    if language == "fr" and value.day == 1:
        text = "1er" + text[1:]  # French writes the first of the month as an ordinal
    return text


class _Sandbox(SandboxedEnvironment):
    """The sandbox, also refusing arithmetic that would build huge strings or numbers (an edited
    template such as ``{{ 'x' * 10**10 }}`` must not exhaust the memory)."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int | float) and abs(right) > 64:
            raise SecurityError("exponent too large in a template")
        if operator == "*":
            for value, times in ((left, right), (right, left)):
                if (
                    isinstance(value, str | list | tuple)
                    and isinstance(times, int)
                    and len(value) * times > _MAX_BUILT
                ):
                    raise SecurityError("a template may not build strings this long")
        return super().call_binop(context, operator, left, right)


_MAX_BUILT = 100_000


def environment(home: Path | None = None) -> SandboxedEnvironment:
    loaders: list[Any] = []
    if home is not None:
        loaders.append(FileSystemLoader(str(Path(home) / "templates")))
    loaders.append(PackageLoader("notrain", "templates"))
    env = _Sandbox(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["long_date"] = long_date
    return env


def template_names(language: str = "en") -> list[str]:
    """The names of the package's templates for one language (``reason``, ``reminder``, ...)."""
    folder = Path(__file__).resolve().parent.parent / "templates" / "rights" / language
    return sorted(p.name.removesuffix(".md.j2") for p in folder.glob("*.md.j2"))


def render(name: str, language: str, context: dict[str, Any], *, home: Path | None = None) -> str:
    """Render ``rights/<language>/<name>.md.j2`` with ``context``; ``language`` is available as
    ``language`` inside the template and ``long_date`` formats dates in it."""
    if language not in LANGUAGES:
        raise TemplateProblem(
            f"notrain does not write in {language!r}.",
            hint=f"Choose one of: {', '.join(LANGUAGES)}.",
        )
    env = environment(home)
    path = f"rights/{language}/{name}.md.j2"
    try:
        template = env.get_template(path)
        return template.render({**context, "language": language}).strip() + "\n"
    except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError) as exc:
        raise TemplateProblem(
            f"The template {path} could not be rendered: {exc}.",
            hint="If you edited it, compare it with the original in notrain's package or delete your copy.",
        ) from exc

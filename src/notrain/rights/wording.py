"""How the rights texts name notrain's own actions.

Next steps, deadlines and letter notes tell the person what to do next in notrain: the
command line names its commands (``notrain escalate 3``), the web app its pages. The texts
are written once, with a :class:`Wording` filling in those names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from notrain.rights.model import Status

__all__ = ["COMMANDS", "Wording"]


@dataclass(frozen=True, kw_only=True)
class Wording:
    """The names of notrain's actions in one interface. ``{request}`` stands for the request's
    number; in ``record_as``, ``{status}`` for the status as an option (``reminder-sent``) and
    ``{label}`` for its words (``reminder sent``)."""

    escalate: str
    """What writes the next letter, as the subject of a sentence (``notrain escalate 3``)."""
    record: str
    """Where a step is recorded, after a verb (``in `notrain requests```)."""
    record_as: str
    """How to record one status (``notrain requests update 3 --status refused``)."""
    due: str
    """What tells the person that a deadline has come, as a subject."""
    again: str
    """How to ask for the letters again later, as an imperative (``run notrain escalate
    again``)."""
    show: str = "notrain requests show {request}"
    """Where a request's details are (a calendar event points there)."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """The words this interface shows for a status, by its value (``{label}`` in
    ``record_as``); a status not listed is named by its value (``reminder sent``)."""

    def escalate_for(self, request: int | str | None) -> str:
        return self.escalate.format(request=_number(request))

    def record_status(self, request: int | str | None, status: Status) -> str:
        return self.record_as.format(
            request=_number(request),
            status=status.value.replace(" ", "-"),
            label=self.labels.get(status.value, status.value),
        )

    def show_for(self, request: int | str | None) -> str:
        return self.show.format(request=_number(request))


def _number(request: int | str | None) -> str:
    return "REQUEST" if request is None or request == "" else str(request)


COMMANDS = Wording(
    escalate="notrain escalate {request}",
    record="in `notrain requests`",
    record_as="notrain requests update {request} --status {status}",
    due="`notrain requests due`",
    again="run notrain escalate again",
)
"""The command line's names."""

"""Who may read, change and delete which run: the one rule every path asks.

A run records its owner (the signed-in identity that trained it) and the teams it is shared
with. A principal reads a run it owns, one shared with a team it belongs to, or any run when it
is an admin; it changes or deletes only its own runs (admins any). Without sign-in (a laptop,
the CLI) the principal is LOCAL, which owns everything: the app then listens on 127.0.0.1 only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from riskcore.settings import Sharing


@dataclass(frozen=True)
class Principal:
    """One signed-in user, or LOCAL (single-user mode and the CLI)."""

    user: str | None  # None: single-user mode, every run is this user's
    teams: frozenset[str] = field(default_factory=frozenset)
    admin: bool = False

    @property
    def local(self) -> bool:
        return self.user is None

    def can_read(self, owner: str | None, shared_with: Iterable[str] = ()) -> bool:
        if self.local or self.admin:
            return True
        return owner == self.user or bool(self.teams.intersection(shared_with))

    def can_write(self, owner: str | None) -> bool:
        return self.local or self.admin or owner == self.user

    @property
    def lists_all(self) -> bool:
        """Whether "show all runs in the store" is offered: admins and single-user mode only."""
        return self.local or self.admin


LOCAL = Principal(user=None)


def principal_for(user: str, claims: Mapping[str, object], sharing: Sharing) -> Principal:
    """The principal of a signed-in identity: teams from the group claim and the server's team
    map, admin from the server's list or admin group."""
    groups = claims.get(sharing.group_claim) or []
    teams = {str(g) for g in groups} if isinstance(groups, list | tuple) else {str(groups)}
    teams |= {team for team, members in sharing.teams.items() if user in members}
    by_group = sharing.admin_group is not None and sharing.admin_group in teams
    admin = user in sharing.admins or by_group
    return Principal(user=user, teams=frozenset(teams), admin=admin)

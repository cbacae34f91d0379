"""Account events other parts react to (the WBS channel re-wraps keys on password change)."""
from __future__ import annotations

_password_listeners = []
_role_listeners = []
_reset_listeners = []


def on_password_changed(func):
    _password_listeners.append(func)
    return func


def on_roles_changed(func):
    _role_listeners.append(func)
    return func


def on_password_reset(func):
    """func(user): an admin set a new password, so nothing derived from the old one still opens."""
    _reset_listeners.append(func)
    return func


def password_changed(user, old_password: str, new_password: str, old_hash: str) -> None:
    for func in _password_listeners:
        func(user, old_password, new_password)


def roles_changed(user, before: set, after: set) -> None:
    for func in _role_listeners:
        func(user, before, after)


def password_reset(user) -> None:
    """Runs inside the admin's reset transaction (a failing listener undoes the reset)."""
    for func in _reset_listeners:
        func(user)

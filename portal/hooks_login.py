"""What happens when a password checks out (the WBS channel unwraps the handler's key then)."""
from __future__ import annotations

_listeners = []


def on_password_verified(func):
    """func(user, password, user_session): runs inside the sign-in transaction."""
    _listeners.append(func)
    return func


def after_password(user, password: str, user_session) -> None:
    for func in _listeners:
        func(user, password, user_session)

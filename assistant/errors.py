"""Errors the user can fix: printed as one line, exit status 2, never a traceback."""


class UserError(Exception):
    """Bad arguments, unreadable input or a missing device: the message is the whole explanation."""


class DeviceError(UserError):
    """No audio server, no device, or a device lost: the session falls back to typed input."""

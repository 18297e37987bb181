"""maestro: the running assistant (audio in and out, speech, dialogue, skills, terminal UI, config, CLI)."""

__version__ = "0.1.0"

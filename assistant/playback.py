"""The one path from a turn's reply to the speaker. Skills say what should happen (Reply.play, Reply.control and
Reply.volume, as data) and may ask a port whether anything is playing; after the turn the port carries the reply
out. Two ports: the live session's own player, and a one-shot `ask`, whose music plays in this process after the
answer is printed and whose controls reach the process that is playing (assistant.audio.remote)."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Protocol

from assistant.errors import DeviceError
from assistant.skills import Reply

CONTROLS = ("pause", "resume", "stop", "volume")


class Port(Protocol):
    def active(self) -> bool:
        """Something is playing or paused."""

    def position(self) -> float | None:
        """Seconds into what plays, when this process plays it."""

    def carry_out(self, reply: Reply) -> None:
        """The reply's playback: a control now; music as the port plays it."""

    def check_output(self) -> None:
        """Before a turn: notice (and say once) that the speaker went away."""


class Silent:
    """No speaker (tests, `--no-play` without a playing process): nothing plays."""

    def active(self) -> bool:
        return False

    def position(self) -> float | None:
        return None

    def carry_out(self, reply: Reply) -> None:
        pass

    def check_output(self) -> None:
        pass


class Live:
    """The live session's player, and its one owner: it carries out replies, plays a piece while the piece renders
    (and not again when the reply then names it), ducks the music, speaks, and notices a speaker that went away.
    Without a player (no device, or it died) music is saved and not played."""

    def __init__(self, player, ui, config):
        self.player = player
        self.ui = ui
        self.config = config
        self.session = None
        """The session whose pieces play (bind): what plays is shown as its current piece."""
        self._streamed = False
        """The version the last render made already plays (it started while it rendered)."""
        self._hushed_at = self._hushed_before = -1.0
        """When the user last talked over maestro (time.monotonic()), and when before that: a start that proves to
        be no request puts it back (resume_reply)."""

    def bind(self, session) -> None:
        self.session = session
        session.playback = self
        session.render = self.render

    # --- the port -------------------------------------------------------------------------------------------

    def active(self) -> bool:
        return self.player is not None and self.player.active()

    def position(self) -> float | None:
        return self.player.position() if self.player is not None else None

    def sounding(self) -> bool:
        """Music is playing (ducked or not) or maestro is speaking: what is said now is heard over it."""
        player = self.player
        return player is not None and (player.speaking() or (player.active() and not player.paused))

    def carry_out(self, reply: Reply) -> None:
        if reply.control and self.player is not None:
            if reply.control == "volume":
                self.player.set_volume(reply.volume)
            else:
                getattr(self.player, reply.control)()
        if reply.play is not None:
            self.play(reply.play)

    # --- music ----------------------------------------------------------------------------------------------

    def render(self, piece):
        """The session's renderer: with a speaker the piece plays while it renders; the mastered whole is returned
        for the store, with its rate."""
        from assistant.audio.constants import MUSIC_RATE, RENDER_BLOCK
        from assistant.audio.stream import play_while_rendering

        if self.player is None:
            return self.session.render_whole(piece)
        blocks = self.session.engine.blocks(piece, self.config.soundfont, RENDER_BLOCK)
        audio = play_while_rendering(blocks, int(round(piece.duration_s * MUSIC_RATE)), self.player)
        self._streamed = True
        return audio, MUSIC_RATE

    def play(self, path: Path) -> None:
        """Play a file (unless it is the version that started while it rendered) and show what plays."""
        from assistant.audio.constants import MUSIC_RATE
        from assistant.audio.files import read_music
        from assistant.ui.model import NowPlaying

        current = self.session.current() if self.session is not None else None
        streamed, self._streamed = self._streamed, False
        ours = current is not None and current.files.audio == path
        audio = None
        if self.player is not None and not (streamed and ours):
            try:
                audio = read_music(path, MUSIC_RATE)
                self.player.play(audio)
            except Exception as exc:  # noqa: BLE001 - a bad file must not end the session
                self.ui.warn(f"cannot play {path}: {exc}")
                return
        if current is not None and ours:
            self.ui.playing(NowPlaying.of_piece(current.piece))
        elif audio is not None:
            self.ui.playing(NowPlaying.of_file(path, len(audio), MUSIC_RATE))

    def check_output(self) -> None:
        """A speaker that went away (the audio server died): say so once and go on without sound."""
        if self.player is not None and not self.player.stream_alive():
            self.ui.warn("the audio output went away; music will be saved but not played")
            self.ui.player = None
            self.player.close()
            self.player = None

    # --- around speech --------------------------------------------------------------------------------------

    def duck(self, on: bool, at_once: bool = False) -> None:
        """The music steps back while the user speaks (barge-in) and while it is transcribed; `at_once` without the
        output's buffered 0.2 s (Player.duck)."""
        if self.player is not None:
            self.player.duck(on, at_once)

    def user_speaks(self, on: bool) -> None:
        """The microphone heard the user start (True), or dropped what started (False: a blip, or maestro's own
        voice let through): the music ducks and steps back up; with the echo cancelled, a reply being spoken stops
        at once, and one still being synthesized is not spoken, until what started proves to be no request."""
        self.duck(on, at_once=self.config.echo_cancel)  # the canceller damages words said over loud music
        if not on:
            self.resume_reply()
        elif self.config.echo_cancel:
            self._hushed_before, self._hushed_at = self._hushed_at, time.monotonic()
            if self.player is not None:
                self.player.hush()

    def resume_reply(self) -> None:
        """What the user was taken to start saying was no request (dropped by the microphone, or nothing to act on
        in it): the reply it cut goes on from the start of the phrase it was cut in (Player.resume_voice), and one
        being synthesized is spoken."""
        if not self.config.echo_cancel:
            return
        self._hushed_at = self._hushed_before
        if self.player is not None:
            self.player.resume_voice()

    def voice_in_the_room(self) -> bool:
        """maestro's own voice is playing (or just stopped): without echo cancelling, the microphone should not
        take it for a request. With it, the voice is taken out of what the microphone hears, and it listens on."""
        return self.player is not None and not self.config.echo_cancel and self.player.voice_in_the_room()

    def say(self, audio, asked_at: float | None = None) -> None:
        """Speak; not when the user has talked since the reply was asked for (at `asked_at`, time.monotonic())."""
        if self.player is not None and (asked_at is None or asked_at > self._hushed_at):
            self.player.say(audio)

    def close(self) -> None:
        """Let a goodbye finish, then close the device."""
        if self.player is None:
            return
        if self.player.speaking():
            try:
                self.player.wait(music=False)
            except DeviceError:
                pass
        self.player.close()


class OneShot:
    """A `maestro ask`: controls go to the process that plays (if any); music plays here, to its end, after the
    answer is out (`play()`), unless --no-play."""

    def __init__(self, session_root: Path):
        from assistant.audio.remote import Remote

        self.remote = Remote(session_root)
        self.root = session_root

    def active(self) -> bool:
        return self.remote.playing() is not None

    def position(self) -> float | None:
        return None

    def carry_out(self, reply: Reply) -> None:
        if reply.control:
            self.remote.send(reply.control, reply.volume)

    def check_output(self) -> None:
        pass  # the playing process has its own speaker

    def play(self, path: Path, volume: int, config) -> None:
        from assistant.audio.player import play_file_blocking

        play_file_blocking(path, volume, config, self.root)

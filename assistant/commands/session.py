"""`maestro` (voice) and `maestro --text` (typed): the conversation, with music playing in the background.

This module only assembles the parts: the session on its store, the live player (assistant.playback.Live, the one
owner of the speaker), the voice, the turn runner (assistant.turns), the keyboard reader and the listener."""
from __future__ import annotations

import threading

from assistant.commands.common import load_config, session_dir, understander
from assistant.errors import DeviceError


class Conversation:
    def __init__(self, args, ui):
        from assistant.keyboard import KeyboardReader
        from assistant.listener import Listener
        from assistant.playback import Live
        from assistant.session import Session
        from assistant.store import Store
        from assistant.turns import TurnRunner, Understanding
        from assistant.voice import Voice

        self.ui = ui
        self.config = load_config()
        self.reference = _reference(self.config)
        store = Store(session_dir(args.session))
        self.session = Session(store, self.config)
        for w in store.warnings:
            ui.warn(w)
        self.live = Live(self._player(self.session.state.volume), ui, self.config)
        self.live.bind(self.session)
        self.voice = Voice.open(self.config, args.quiet, self.live, ui)
        understand = Understanding(understander())
        self.runner = TurnRunner(self.session, understand, ui, self.live, self.voice)
        self.listener = Listener(self.config, self.runner.turn, understand, self.live, ui, self.runner.hum)
        self.keyboard = KeyboardReader(ui, self.runner.turn, on_empty=self.listener.arm)
        self.keyboard_thread: threading.Thread | None = None

    def _player(self, volume: int):
        """The speaker at the session's volume (as stored: "volume 40" survives a restart)."""
        from assistant.audio.player import Player

        try:
            return Player(self.config.output_device, self.config.output_latency_s, volume, self.reference).open()
        except DeviceError as exc:
            self.ui.warn(f"{exc}; music will be saved but not played")
            return None

    def typed(self) -> None:
        self.keyboard.run(self.runner.done.is_set)

    def spoken(self, mic) -> None:
        """Listen on the microphone, with the keyboard read alongside on its own thread; "listen to this" makes
        the next utterance a tune."""
        self.session.listen_for_tune = self.listener.expect_tune
        self.keyboard_thread = threading.Thread(target=self.typed, daemon=True)
        self.keyboard_thread.start()
        self.listener.run(mic, self.runner.done.is_set)

    def close(self) -> None:
        if self.voice is not None:
            self.voice.close()
        self.live.close()


def _reference(config):
    """What the speaker plays, kept for the microphone's echo canceller (config echo_cancel); None when it is off."""
    if not config.echo_cancel:
        return None
    from assistant.audio.constants import MUSIC_RATE, SPEECH_RATE
    from assistant.audio.echo import Reference

    return Reference(MUSIC_RATE, SPEECH_RATE)


def run(args) -> int:
    from assistant.ui import open_ui

    ui = open_ui(plain=args.plain)
    conv = Conversation(args, ui)
    try:
        _converse(args, conv, ui)
    finally:
        conv.close()
        ui.stop()
    return 0


def _converse(args, conv: Conversation, ui) -> None:
    from assistant.audio.mic import Microphone

    if args.text:
        ui.start(player=conv.live.player)
        conv.typed()
        return
    try:
        mic = Microphone(conv.config.input_device, reference=conv.reference).open()
    except DeviceError as exc:
        ui.start(player=conv.live.player)
        ui.warn(f"{exc}; type your requests instead")
        conv.typed()
        return
    ui.start(mic=mic, player=conv.live.player)
    try:
        conv.spoken(mic)
    except DeviceError as exc:
        ui.warn(f"{exc}; carrying on typed")
        ui.mic = None
        conv.session.listen_for_tune = None
        if conv.keyboard_thread is not None:  # the keyboard has been read all along: go on with that reader
            conv.keyboard_thread.join()
        else:
            conv.typed()
    finally:
        mic.close()

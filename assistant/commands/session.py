"""`maestro` (voice) and `maestro --text` (typed): the conversation, with music playing in the background."""
from __future__ import annotations

import os
import threading

from assistant.commands.common import load_config, session_dir, understander
from assistant.errors import DeviceError


class Conversation:
    def __init__(self, args, ui):
        from assistant.session import Session
        from assistant.store import Store

        self.ui = ui
        self.config = load_config()
        from assistant.playback import Live

        store = Store(session_dir(args.session))
        self.session = Session(store, self.config, render=self._render)
        self.player = self._player(self.session.state.volume)
        self.playback = self.session.playback = Live(self.player, self._play)
        self._streamed = False
        """The version this turn rendered already plays (it started while it rendered)."""
        for w in store.warnings:
            ui.warn(w)
        self.classify = understander()
        self._last: tuple[str, object] | None = None
        self._turns = threading.Lock()
        """One turn at a time: typed and spoken requests arrive on two threads."""
        self.done = threading.Event()
        self.speaker = self._speaker(args)
        self._voices: list[threading.Thread] = []
        self.keyboard: threading.Thread | None = None
        self.mic = None
        """The microphone while the session listens (push-to-talk arms it)."""

    def _speaker(self, args):
        if args.quiet or not self.config.voice_replies or self.player is None:
            return None
        from assistant.audio.constants import MUSIC_RATE
        from assistant.tts import Speaker

        try:
            return Speaker(MUSIC_RATE)
        except Exception as exc:  # noqa: BLE001 - without a voice, replies are text only
            self.ui.warn(f"no spoken replies ({exc})")
            return None

    def say(self, text: str) -> None:
        """Speak in the background: listening and typing go on, and the music ducks under the voice."""
        if self.speaker is None:
            return

        def speak():
            try:
                self.player.say(self.speaker.synthesize(text))
            except Exception as exc:  # noqa: BLE001 - a failed voice must not end the session
                self.ui.warn(f"could not speak the reply ({exc.__class__.__name__})")
        thread = threading.Thread(target=speak, daemon=True)
        thread.start()
        self._voices = [t for t in self._voices if t.is_alive()] + [thread]

    def _player(self, volume: int):
        """The speaker at the session's volume (as stored: "volume 40" survives a restart)."""
        from assistant.audio.player import Player

        try:
            return Player(self.config.output_device, self.config.output_latency_s, volume).open()
        except DeviceError as exc:
            self.ui.warn(f"{exc}; music will be saved but not played")
            return None

    def _check_output(self) -> None:
        """A speaker that went away (the audio server died): say so once and go on without sound."""
        if self.player is not None and not self.player.stream_alive():
            self.ui.warn("the audio output went away; music will be saved but not played")
            self.ui.player = None
            self.player.close()
            self.player = self.playback.player = self.speaker = None

    def understand(self, text: str):
        """The intent of `text`; the last one is kept, since the early transcript's judgement already classified
        the text the turn acts on (from the speech worker: one tuple is written whole)."""
        last = self._last
        if last is not None and last[0] == text:
            return last[1]
        intent = self.classify(text)
        self._last = (text, intent)
        return intent

    def turn(self, text: str) -> None:
        from assistant import dialogue

        self._check_output()
        self.ui.busy("thinking")
        try:
            intent = self.understand(text)
            self.ui.understood(intent)
            with self._turns, self.session.store.turn():  # and one at a time with `ask` on the same folder
                self.session.reload()
                reply = dialogue.handle(intent, self.session, text)
        except Exception as exc:  # noqa: BLE001 - one failed turn must not end the session; what is saved stays
            if os.environ.get("MAESTRO_DEBUG"):
                raise
            self.ui.warn(f"that failed ({exc.__class__.__name__}: {exc}); nothing saved was lost, try again")
            return
        finally:
            self.ui.busy(None)
        self.ui.reply(reply.text)
        self.say(reply.text)
        self.playback.carry_out(reply)
        if reply.quit:
            self.done.set()

    def _play(self, path) -> None:
        from assistant.audio.constants import MUSIC_RATE
        from assistant.audio.files import read_music
        from assistant.ui.model import NowPlaying

        current = self.session.current()
        streamed, self._streamed = self._streamed, False
        already = streamed and current is not None and current.files.audio == path
        audio = None
        if self.player and not already:
            try:
                audio = read_music(path, MUSIC_RATE)
                self.player.play(audio)
            except Exception as exc:  # noqa: BLE001 - a bad file must not end the session
                self.ui.warn(f"cannot play {path}: {exc}")
                return
        if current is not None and current.files.audio == path:
            self.ui.playing(NowPlaying.of_piece(current.piece))
        elif audio is not None:
            self.ui.playing(NowPlaying.of_file(path, len(audio), MUSIC_RATE))

    def _render(self, piece):
        """The session's renderer here: with a speaker, the piece plays while it renders (the conversation owns
        that, not the session), and the mastered whole is returned for the store."""
        from assistant.audio.constants import MUSIC_RATE, RENDER_BLOCK
        from assistant.audio.stream import play_while_rendering

        if self.player is None:
            return self.session.render_whole(piece)
        blocks = self.session.engine.blocks(piece, self.config.soundfont, RENDER_BLOCK)
        audio = play_while_rendering(blocks, int(round(piece.duration_s * MUSIC_RATE)), self.player)
        self._streamed = True
        return audio, MUSIC_RATE

    def typed(self) -> None:
        while not self.done.is_set():
            text = self.ui.read_line()
            if text is None:
                break
            if text.strip():
                self.turn(text)
            elif self.mic is not None and self.config.push_to_talk:
                self.mic.armed = True
                self.ui.note("Listening for one request.")

    def spoken(self, mic) -> None:
        from assistant.asr import load_recognizer
        from assistant.asr.early import EarlyTranscriber

        self.ui.busy("loading speech recognition")
        try:
            recognizer = EarlyTranscriber(load_recognizer(self.config),
                                          understood=self._whole_request,
                                          guessed=self.ui.partial)
        finally:
            self.ui.busy(None)
        try:
            self._listen(mic, recognizer)
        finally:
            recognizer.close()

    def _command(self, text: str) -> str | None:
        """The request in what was heard: after the wake phrase when one is set (None when it is missing)."""
        wake = (self.config.wake_phrase or "").lower()
        text = text.strip()
        if not wake:
            return text
        return text[len(wake):].lstrip(" ,.!?") if text.lower().startswith(wake) else None

    def _whole_request(self, text: str) -> bool:
        """The early transcript's verdict: something to act on, or what will be ignored (no wake phrase); a name
        alone ("maestro", "hey maestro") is not a request, the speaker is about to say it."""
        command = self._command(text)
        return command is None or (bool(command) and self.understand(command).name != "unknown")

    def _listen(self, mic, recognizer) -> None:
        self.mic = mic
        mic.deaf = lambda: self.player is not None and self.player.voice_in_the_room()
        mic.armed = not self.config.push_to_talk
        self.ui.note("Listening. Speak a request (or type one and press Enter)." if mic.armed else
                     "Ready. Press Enter, then speak a request (or type one and press Enter).")
        self.keyboard = threading.Thread(target=self.typed, daemon=True)
        self.keyboard.start()
        for utterance in mic.utterances(self.done.is_set, hearing=self._duck, pausing=recognizer.pausing,
                                        finished=recognizer.finished):
            mic.armed = not self.config.push_to_talk  # one request per press
            self._duck(True)
            self.ui.busy("transcribing")
            try:
                text = recognizer.transcribe(utterance).text
            finally:
                self.ui.busy(None)
            self._duck(False)
            command = self._command(text)
            if not command:
                continue
            self.ui.heard(text)
            self.turn(command)

    def _duck(self, on: bool) -> None:
        """The music steps back while the user speaks (barge-in) and while it is transcribed."""
        if self.player:
            self.player.duck(on)

    def close(self) -> None:
        for thread in self._voices:  # a voice still synthesizing must finish before the interpreter goes
            thread.join(timeout=30)
        if self.player:
            if self.player.speaking():  # let the goodbye finish
                try:
                    self.player.wait(music=False)
                except DeviceError:
                    pass
            self.player.close()


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
        ui.start(player=conv.player)
        conv.typed()
        return
    try:
        mic = Microphone(conv.config.input_device).open()
    except DeviceError as exc:
        ui.start(player=conv.player)
        ui.warn(f"{exc}; type your requests instead")
        conv.typed()
        return
    ui.start(mic=mic, player=conv.player)
    try:
        conv.spoken(mic)
    except DeviceError as exc:
        ui.warn(f"{exc}; carrying on typed")
        ui.mic = None
        if conv.keyboard is not None:  # the keyboard has been read all along: go on with that reader
            conv.keyboard.join()
        else:
            conv.typed()
    finally:
        mic.close()

"""`maestro` (voice) and `maestro --text` (typed): the conversation, with music playing in the background."""
from __future__ import annotations

import threading

from assistant.commands.common import load_config, session_dir, understander, warn
from assistant.errors import DeviceError

PROMPT = "you> "


class Conversation:
    def __init__(self, args):
        from assistant.session import Session
        from assistant.store import Store

        self.config = load_config()
        store = Store(session_dir(args.session))
        self.player = self._player()
        self.session = Session(store, self.config, self.player)
        for w in store.warnings:
            warn(w)
        self.understand = understander()
        self.done = threading.Event()
        self.speaker = self._speaker(args)
        self._voices: list[threading.Thread] = []
        self.keyboard: threading.Thread | None = None

    def _speaker(self, args):
        if args.quiet or not self.config.voice_replies or self.player is None:
            return None
        from assistant.audio.player import RATE
        from assistant.tts import Speaker

        try:
            return Speaker(RATE)
        except Exception as exc:  # noqa: BLE001 - without a voice, replies are text only
            warn(f"no spoken replies ({exc})")
            return None

    def say(self, text: str) -> None:
        """Speak in the background: listening and typing go on, and the music ducks under the voice."""
        if self.speaker is None:
            return

        def speak():
            try:
                self.player.say(self.speaker.synthesize(text))
            except Exception as exc:  # noqa: BLE001 - a failed voice must not end the session
                warn(f"could not speak the reply ({exc.__class__.__name__})")
        thread = threading.Thread(target=speak, daemon=True)
        thread.start()
        self._voices = [t for t in self._voices if t.is_alive()] + [thread]

    def _player(self):
        from assistant.audio.player import Player

        try:
            return Player(self.config.output_device, self.config.output_latency_s, self.config.volume).open()
        except DeviceError as exc:
            warn(f"{exc}; music will be saved but not played")
            return None

    def _check_output(self) -> None:
        """A speaker that went away (the audio server died): say so once and go on without sound."""
        if self.player is not None and not self.player.stream_alive():
            warn("the audio output went away; music will be saved but not played")
            self.player.close()
            self.player = self.session.player = self.speaker = None

    def turn(self, text: str) -> None:
        from assistant import dialogue
        from assistant.audio.files import read_music
        from assistant.audio.player import RATE

        self._check_output()
        intent = self.understand(text)
        reply = dialogue.handle(intent, self.session, text)
        print(f"maestro> {reply.text}", flush=True)
        self.say(reply.text)
        streamed = self.session.take_streamed()  # already playing: it started while it rendered
        if reply.play and self.player and reply.play != streamed:
            try:
                self.player.play(read_music(reply.play, RATE))
            except Exception as exc:  # noqa: BLE001 - a bad file must not end the session
                warn(f"cannot play {reply.play}: {exc}")
        if reply.quit:
            self.done.set()

    def typed(self) -> None:
        while not self.done.is_set():
            try:
                text = input(PROMPT)
            except EOFError:
                break
            if text.strip():
                self.turn(text)

    def spoken(self, mic) -> None:
        from assistant.asr import load_recognizer

        recognizer = load_recognizer(self.config)
        wake = (self.config.wake_phrase or "").lower()
        print("Listening. Speak a request (or type one and press Enter).", flush=True)
        self.keyboard = threading.Thread(target=self.typed, daemon=True)
        self.keyboard.start()
        for utterance in mic.utterances(self.done.is_set):
            if self.player:
                self.player.duck(True)
            heard = recognizer.transcribe(utterance)
            if self.player:
                self.player.duck(False)
            text = heard.text
            if not text or (wake and not text.lower().lstrip().startswith(wake)):
                continue
            print(f"heard> {text}", flush=True)
            self.turn(text[len(wake):].lstrip(" ,.") if wake else text)

    def close(self) -> None:
        for thread in self._voices:  # a voice still synthesizing must finish before the interpreter goes
            thread.join(timeout=30)
        if self.player:
            speech = self.player.speech
            if speech is not None and not speech.done:  # let the goodbye finish
                try:
                    self.player.wait(music=False)
                except DeviceError:
                    pass
            self.player.close()


def run(args) -> int:
    from assistant.audio.mic import Microphone

    conv = Conversation(args)
    try:
        if args.text:
            conv.typed()
            return 0
        try:
            mic = Microphone(conv.config.input_device).open()
        except DeviceError as exc:
            warn(f"{exc}; type your requests instead")
            conv.typed()
            return 0
        try:
            conv.spoken(mic)
        except DeviceError as exc:
            warn(f"{exc}; carrying on typed")
            if conv.keyboard is not None:  # the keyboard has been read all along: go on with that reader
                conv.keyboard.join()
            else:
                conv.typed()
        finally:
            mic.close()
    finally:
        conv.close()
    return 0

"""The playback mixer: one sounddevice.OutputStream, a music voice and a speech voice, volume, ducking while
maestro speaks or the user talks, pause/resume/stop, and a position clock. The callback never blocks."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np

from assistant.audio import devices
from assistant.audio.constants import MUSIC_RATE, SPEAKER_BLOCK
from assistant.audio.levels import frame_rms
from assistant.errors import DeviceError

DUCK = 0.25
RESUME_FADE = 441
"""Frames (10 ms) over which maestro's voice fades back in where it goes on after a hush (no click mid-word)."""
RESUME_BACK_S, RESUME_PAUSE_S, RESUME_QUIET = 2.0, 0.15, 0.003
"""A voice that goes on after a hush starts again from its phrase's start: the end of the last pause
(RESUME_PAUSE_S under RESUME_QUIET RMS in 10 ms frames) within RESUME_BACK_S before where it was heard, or the
reply's start. piper pauses 0.19-0.49 s at commas and full stops (every 0.6-1.3 s in the help reply), and 40-130 ms
between some words."""
RESUME_GAP_FRAMES = 5
"""10 ms frames: a voice hushed this long into a quiet stretch goes on from there (the next word)."""
MAX_RESUMES = 2
"""How often one voice goes on after a hush. The hush restarts the output, which moves the echo's delay, and the
voice that goes on may leak through the canceller again and be hushed again: each time it says its phrase again."""
MIN_LATENCY_S = 0.2
"""Frames per callback (23 ms): music that starts waits for the next callback, 12 ms on average; with the
backend's own choice (2205 here) it was 25."""


class Voice:
    """A buffer being played; `frames` grows while a streaming render fills it."""

    def __init__(self, total: int):
        self.buffer = np.zeros((total, 2), np.float32)
        self.frames = 0
        self.pos = 0
        self.resumed = 0
        """How often it went on after a hush."""

    def feed(self, block: np.ndarray) -> None:
        n = min(len(block), len(self.buffer) - self.frames)
        self.buffer[self.frames:self.frames + n] = block[:n]
        self.frames += n

    def take(self, n: int) -> np.ndarray:
        out = self.buffer[self.pos:min(self.pos + n, self.frames)]
        self.pos += len(out)
        return out

    def replace_ahead(self, audio: np.ndarray, margin: int, fade: int = 2205) -> None:
        """Swap in `audio` (same length) from `margin` frames past the play position, crossfading over `fade`
        frames: the streamed preview becomes the final master without a gap. Call with the player's lock held."""
        start = min(len(self.buffer), self.pos + margin)
        end = min(len(self.buffer), start + fade)
        ramp = np.linspace(0.0, 1.0, end - start, dtype=np.float32)[:, None]
        self.buffer[start:end] = self.buffer[start:end] * (1 - ramp) + audio[start:end] * ramp
        self.buffer[end:] = audio[end:len(self.buffer)]
        self.frames = len(self.buffer)

    def back_to_pause(self, within: int, pause: int, quiet: float) -> None:
        """Move the play position back to the end of the last stretch of at least `pause` frames under `quiet` (RMS,
        in 10 ms frames) within `within` frames before it; the voice's start counts as one. Where it is between
        words already (RESUME_GAP_FRAMES quiet), or there is none, it stays."""
        hop = MUSIC_RATE // 100
        start = max(0, self.pos - within) // hop * hop
        span = self.buffer[start:self.pos]
        rms = frame_rms(span, hop)
        if (rms[-RESUME_GAP_FRAMES:] < quiet).all():
            return  # between words already: the next one is where it goes on
        edge = -(pause // hop) - 2 if start == 0 else -1
        loud = np.concatenate([[edge], np.flatnonzero(rms >= quiet), [len(rms)]])
        gaps = np.flatnonzero(np.diff(loud) > pause // hop)
        if len(gaps):
            self.pos = start + max(0, int(loud[gaps[-1] + 1])) * hop

    def fade_in(self, n: int) -> None:
        """Ramp the next `n` frames up from silence (what is played from here on starts softly)."""
        end = min(self.frames, self.pos + n)
        self.buffer[self.pos:end] *= np.linspace(0.0, 1.0, end - self.pos, dtype=np.float32)[:, None]

    @property
    def done(self) -> bool:
        return self.pos >= len(self.buffer)


class Player:
    def __init__(self, device=None, latency_s: float = MIN_LATENCY_S, volume: int = 80, reference=None):
        self.device = device
        self.reference = reference
        """An echo.Reference that keeps what is played, for the microphone's echo canceller; None without one."""
        self.latency = max(MIN_LATENCY_S, latency_s)
        self.volume = volume / 100
        self.music: Voice | None = None
        self.speech: Voice | None = None
        self._hushed: Voice | None = None
        """maestro's voice as the last hush() cut it, back to where it was heard (None when that hush cut nothing,
        or maestro has said something since): resume_voice() goes on with it."""
        self.paused = False
        self.ducked = False
        self._lock = threading.Lock()
        self._stream = None
        self._voice_at = -1e9
        self._sounds_until = 0.0
        """When the last block written to the output sounds to its end (the stream's clock)."""

    # --- stream ----------------------------------------------------------------------------------------------
    def open(self) -> "Player":
        sd = devices.sounddevice()
        device = devices.output_device(self.device)
        try:
            stream = sd.OutputStream(samplerate=MUSIC_RATE, channels=2, dtype="float32", latency=self.latency,
                                     blocksize=SPEAKER_BLOCK, device=device, callback=self._callback)
            stream.start()
            self._stream = stream
        except sd.PortAudioError as exc:
            raise DeviceError(f"cannot open the audio output ({exc})") from None
        return self

    def close(self) -> None:
        if self._stream is not None:
            try:
                self._stream.close()
            except Exception:  # noqa: BLE001 - a dead server; nothing left to release
                pass
            self._stream = None

    def _callback(self, out, frames, timing, status) -> None:
        out.fill(0)
        with self._lock:
            music, speech = self.music, self.speech
            if music is not None and not self.paused:
                chunk = music.take(frames)
                gain = self.volume * (DUCK if (self.ducked or (speech and not speech.done)) else 1.0)
                out[:len(chunk)] += chunk * gain
            if speech is not None:
                chunk = speech.take(frames)
                out[:len(chunk)] += chunk * min(1.0, self.volume + 0.2)
                if len(chunk):
                    self._voice_at = time.monotonic()
        self._sounds_until = timing.outputBufferDacTime + frames / MUSIC_RATE
        if self.reference is not None:
            self.reference.played(out, timing.outputBufferDacTime)

    # --- control ---------------------------------------------------------------------------------------------
    def play(self, audio: np.ndarray | None = None, total: int | None = None) -> Voice:
        """Start music: a whole array, or an empty voice of `total` frames that the caller feeds while it plays."""
        if audio is None and total is None:
            raise ValueError("play() needs the audio or its length")
        voice = Voice(len(audio) if audio is not None else int(total or 0))
        if audio is not None:
            voice.feed(audio)
        with self._lock:
            self.music, self.paused = voice, False
        return voice

    def finish(self, voice: Voice, audio: np.ndarray, margin_s: float = 0.5) -> None:
        """Replace what `voice` has not played yet with `audio`, if it is still the music playing."""
        with self._lock:
            if self.music is voice:
                voice.replace_ahead(audio, int((margin_s + self.latency) * MUSIC_RATE))

    def say(self, audio: np.ndarray) -> None:
        voice = Voice(len(audio))
        voice.feed(audio)
        with self._lock:
            self.speech, self._hushed = voice, None

    def pause(self) -> None:
        self.paused = True

    def resume(self) -> None:
        self.paused = False

    def stop(self) -> None:
        with self._lock:
            self.music = self.speech = self._hushed = None

    def hush(self) -> None:
        """Cut maestro's voice short (the user talked over it), with what of it the output has buffered; it is kept,
        from where it was heard, for resume_voice()."""
        with self._lock:
            voice = self.speech if self.speech is not None and not self.speech.done else None
            self._hushed, self.speech = voice, None
        if voice is None:
            return
        unplayed = self._restart()
        with self._lock:
            voice.pos = max(0, voice.pos - round(unplayed * MUSIC_RATE))

    def resume_voice(self) -> bool:
        """Go on with the voice the last hush() cut, from the start of the phrase where it was heard, fading in (what
        hushed it turned out to be no request). False when that hush cut nothing, maestro has said something since,
        or the voice went on MAX_RESUMES times already."""
        with self._lock:
            voice, self._hushed = self._hushed, None
            if voice is None or self.speech is not None or voice.resumed >= MAX_RESUMES:
                return False
            voice.resumed += 1
            voice.back_to_pause(round(RESUME_BACK_S * MUSIC_RATE), round(RESUME_PAUSE_S * MUSIC_RATE), RESUME_QUIET)
            voice.fade_in(RESUME_FADE)
            self.speech = voice
        return True

    def duck(self, on: bool, at_once: bool = False) -> None:
        """The music steps back (on) or up. `at_once`: music playing at full level drops without the output's
        buffered 0.2 s, which never sound (the music goes back to where it was heard)."""
        stepping_down = on and not self.ducked and not self.speaking() and self.active() and not self.paused
        self.ducked = on
        if at_once and stepping_down:
            self._restart()

    def _restart(self) -> float:
        """Start the stream again without what it has buffered: the music goes back by what had not sounded yet, and
        the echo reference forgets it. Returns that time (s), 0 where nothing was restarted."""
        stream = self._stream
        if stream is None:
            return 0.0
        unplayed = 0.0
        try:
            now = stream.time
            stream.abort()
            unplayed = min(max(0.0, self._sounds_until - now), self.latency + SPEAKER_BLOCK / MUSIC_RATE)
            with self._lock:
                if self.music is not None and not self.paused:
                    self.music.pos = max(0, self.music.pos - round(unplayed * MUSIC_RATE))
            if self.reference is not None:
                self.reference.forget_after(now)
            stream.start()
        except Exception:  # noqa: BLE001 - a dead server: the next callback's check reports it
            pass
        return unplayed

    def set_volume(self, volume: int) -> None:
        self.volume = max(0, min(100, volume)) / 100

    def active(self) -> bool:
        m = self.music
        return m is not None and not m.done

    def speaking(self) -> bool:
        s = self.speech
        return s is not None and not s.done

    def voice_in_the_room(self, hold_s: float = 0.5) -> bool:
        """maestro's voice is playing or was written less than hold_s ago: what the speakers still play (the output
        latency) and its echo may reach the microphone."""
        return time.monotonic() - self._voice_at < hold_s

    def position(self) -> float | None:
        m = self.music
        return None if m is None else m.pos / MUSIC_RATE

    def stream_alive(self) -> bool:
        return self._stream is not None and self._stream.active

    def wait(self, poll: float = 0.05, music: bool = True) -> None:
        """Until the speech (and the music, unless music=False) has played out, plus the output latency."""
        while (music and self.active() and not self.paused) or self.speaking():
            if not self.stream_alive():
                raise DeviceError("the audio output went away while playing")
            time.sleep(poll)
        time.sleep(self.latency + 0.05)


def play_file_blocking(path: Path, volume: int, config, session_root: Path | None = None) -> None:
    """Play a file to its end through a fresh stream (a one-shot `maestro ask`); with a session folder, other
    processes can pause, resume, stop it and set its volume meanwhile (assistant.audio.remote)."""
    from assistant.audio import remote
    from assistant.audio.files import read_music

    audio = read_music(path, MUSIC_RATE)
    player = Player(config.output_device, config.output_latency_s, volume).open()
    try:
        player.play(audio)
        if session_root is None:
            player.wait()
        else:
            remote.serve(player, remote.Remote(session_root), path)
    finally:
        player.close()

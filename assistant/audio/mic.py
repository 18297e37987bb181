"""Microphone capture: a 16 kHz sounddevice.InputStream into a queue, cut into utterances by Silero VAD run frame by
frame (assistant.asr.vad.Renewed: carried from frame to frame, renewed every 2 s). An utterance starts when a frame is
likely speech and keeps 500 ms of pre-roll so the first syllable is not lost; a blip under 100 ms of speech is dropped.
Its end is found with the recogniser's help (end-of-query detection): after 100 ms of quiet the speech so far is offered
for an early transcription (pausing); when that text is a whole request the utterance ends as soon as it is ready (about
450 ms after the speech), when it stops mid-phrase ("make it in") the speaker has 1 s to go on, and without a verdict it
ends after 600 ms of quiet; always at 15 s. Music and noise rarely start one, and when they do, the recogniser's own VAD
and guard stop them; none starts while maestro's own voice is in the room (deaf), or, with the echo cancelled, where
what is heard is maestro's own output that the canceller let through (assistant.audio.doubletalk), and one that
turns out to have been that all along is dropped at its end (OWN_FOLLOWS). With the echo
cancelled, the start of the user's words that the canceller's suppressor took is given back (assistant.audio.onset),
and while maestro's output sounds speech may also start on the microphone so given back (TALKED_OVER_START), or on
a sibilant over the room's echo (assistant.audio.sibilant: the "s" of "stop", before its vowel), and where the
microphone does not hear the speaker at all (headphones), the raw microphone is listened to, as without the
canceller (assistant.audio.coupling). After "listen to this" the next utterance is a tune (expect_tune): it may start on
level alone (a hum or a whistle is not always speech to the VAD), and ends after 1.5 s of quiet or at 30 s."""
from __future__ import annotations

import collections
import queue
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

import numpy as np

from assistant.asr.vad import Renewed, Stream
from assistant.audio import devices
from assistant.audio.constants import MIC_BLOCK, SPEECH_RATE
from assistant.errors import DeviceError

if TYPE_CHECKING:
    from assistant.audio.coupling import Coupling
    from assistant.audio.doubletalk import Check
    from assistant.audio.echo import Canceller
    from assistant.audio.onset import History, RoomGain
    from assistant.audio.sibilant import Sibilant

START, END = 0.5, 0.35  # speech probability that starts an utterance, and below which a frame is quiet
CANCELLED_START, CANCELLED_END = 0.25, 0.2
"""The same after the echo canceller. Where the user talks over what maestro plays, AEC3's suppressor takes the
voice down with the echo and Silero rates the first words lower (0.27-0.66 at 0 dB over a reply), while what is
left of maestro's own voice, once the canceller has converged, stays under 0.01. Only while maestro's output is in
the room (PLAYED_S): with nothing played AEC3 leaves a voice alone, and at these thresholds other music in the room
held utterances open (music 5 dB under the voice, through the cancelling microphone with nothing played: 13 of 200
requests not over 2 s after they were said, against 5 at START and END)."""
PLAYED_S = 1.0
"""How long after the reference last sounded the canceller's thresholds hold (the echo's tail, AEC3's hangover)."""
TALKED_OVER_START = 0.5
"""While the canceller's thresholds hold, an utterance also starts where Silero, from a fresh state over the last
TALKED_OVER_S of the microphone with the user's bins given back (assistant.audio.onset.restored, with the room's gain
remembered and learnt over the TALKED_OVER_LEARN_S before, and bins TALKED_OVER_MARGIN_DB over the loudest echo),
rates the last frame at least this (Microphone._talked_over). AEC3's suppressor holds the start of a voice over
maestro's output down: Silero rated the "s" of "stop" under 0.1 for 100-250 ms, and a short "no" 0.1-0.3 throughout.
Offline (20 replies through one room at full gain, a word said over each 0.5 s in: tests/assistant/test_mic.py's
_said_over_replies; session 20), missed of 20 and the median and p95 from the word's first sound to the speech start
in ms, without this -> with it:
- "stop": 20/50 ms room 5, 280, 409 -> 0, 190, 285; 50/150 ms 6, 220, 391 -> 0, 175, 280; 80/300 ms 7, 220, 340 ->
  1, 100, 190.
- "no": 12, 190, 278 -> 5, 220, 328; 1, 160, 160 -> 0, 160, 250; 0, 160, 162 -> 1, 130, 160.
- "wait": 1, 250, 253 -> 0, 250, 252; 0, 160, 220 -> 0, 160, 280; 0, 160, 190 -> 1, 130, 163.
maestro's reply alone (20 in each room, at gain 0.5 and 2) started speech twice (80/300 ms room), as often as
without; ten minutes of its music and voice (session 19's recording of test_echo's, replayed) never. Each frame
costs 0.73 ms while it applies (ten minutes of music and voice: 2.3% of a core while maestro's output sounds):
three short spectra, and Silero over 10 frames where something was given back in the last two (run on every
frame: 1.6 ms, and the same starts in the figures above). Live (the interrupt bench alone, 20 replies, four runs):
from "stop" reaching the microphone to speech start, a median 111-156 ms; 176-216 without it (two runs; 229 in
session 19)."""
TALKED_OVER_S = 0.3
"""The span Silero hears from a fresh state; 0.2 s was slower to rise (median 190-220 ms for "stop")."""
TALKED_OVER_MARGIN_DB = 8.0
"""onset.MARGIN_DB is 6: at 6 dB maestro's reply alone started speech 7 times in 20 (80/300 ms room, gain 2)."""
TALKED_OVER_LEARN_S = 0.3
"""The span before it, from which the room's gain is learnt (onset.RoomGain); 1.25 s did as well at 1.7 × the cost."""
OWN_FOLLOWS, OWN_LIKELY, OWN_OVER_ECHO = 0.93, 0.88, 0.03
"""An utterance cut while maestro's output sounds is dropped as its own where, from its speech start to its last
speech frame, the raw microphone's band levels follow what was played at least OWN_FOLLOWS (doubletalk.follows),
or at least OWN_LIKELY with no more than OWN_OVER_ECHO of its energy in bins TALKED_OVER_MARGIN_DB over the loudest
echo the room could make of what was played (onset.over_echo; the room's gain learnt over the TALKED_OVER_LEARN_S
before its pre-roll, where the user's voice, which Silero can be slow to hear, has not begun). A second look,
after the start's (doubletalk.Check, 250 ms): AEC3 loses the echo for a while after its delay jumps, and in a
long-tailed room the start of what it lets through follows the reference at only 0.7-0.93, as the user's words
over a reply may. Measured (session 23), replies that start as the echo's delay jumps (the last 3 s of a piece in
one room, then the next piece's reply over it in another; the pieces of test_echo's ten minutes with seven other
sets of seeds): utterances cut, with each room's echo ending with its piece as in that test, 25 of 70 -> 1; with
the tails ringing on, 4 of 49 -> 0 (1 with the start's check off too). Nine short requests ("stop", "undo",
"what key is this in", ...) said over 10 replies each in three rooms at three echo gains (test_mic's
_said_over_replies): 538 cut -> 537; the one lost, an "undo" under an echo at twice the usual gain (0.889, 0.2%
over the echo). Cost: once per utterance, 4-5 ms for one of 0.5-2 s (30 ms at the 15 s limit)."""
MIN_SPEECH_S = 0.1
END_SILENCE_S = 0.6
"""Quiet that ends an utterance when the early transcript has no verdict yet."""
FRESH_S = 0.4
"""Within an utterance, a frame is speech only when Silero says so both with its state carried from the start and
from a fresh state over the last FRESH_S. The carried state remembers the voice: music in the room after a request
rated 0.5-0.8 for seconds (0.05-0.2 heard alone), so the utterance was not over until MAX_UTTERANCE_S (4 of 200
requests said 5 dB over music, bench_noise). From a fresh state the same music rated 0.03-0.24 (median) and the
requests themselves 0.74-0.94 (session 18)."""
PAUSE_S = 0.1
"""Quiet long enough to start transcribing what was said, in case it is the end."""
RESUME_S = 0.2
"""Once the speech so far is being transcribed, speech must be held this long to count as going on. Music in the
room rates 0.35-0.6 to Silero in beats for a while after speech (its state remembers the voice), and when any such
frame forgot the guess, a request said over a radio at 5 dB could wait out the 15 s limit."""
UNFINISHED_S = 1.0
"""Quiet that ends an utterance whose early transcript stops mid-phrase."""
PRE_ROLL_S = 0.5
"""Audio kept from before the first speech frame. The streaming VAD can be slow to rise: after music and noise it
took 380 ms of "make a …" (from the test of that), and 300 ms of pre-roll lost "m", heard as "take"."""
MAX_UTTERANCE_S = 15.0
TUNE_END_S = 1.5
"""Quiet that ends a tune ("listen to this"): singers breathe between phrases."""
TUNE_MAX_S = 30.0
TUNE_WAIT_S = 10.0
"""How long the microphone waits for a tune to start before it listens for requests again."""
TUNE_LEVEL = 0.02
"""RMS (-34 dBFS) above which a frame sounds while a tune is awaited: Silero hears speech, and a hum or a whistle
may not be speech to it."""


@dataclass(frozen=True)
class Cancelled:
    """A microphone block taken with the echo canceller on."""
    out: np.ndarray
    """The canceller's output: what the cutter, the VAD and Whisper hear."""
    raw: np.ndarray
    """The block as the microphone caught it."""
    far: np.ndarray
    """What the speaker played as it was caught (the reference)."""


def _level(frame: np.ndarray) -> float:
    return float(np.sqrt(np.mean(frame ** 2)))


def _fresh(frames: Iterable[np.ndarray]) -> float:
    """Silero's speech probability for the last of `frames`, from a fresh state run over them all (the last FRESH_S
    within an utterance; the given-back TALKED_OVER_S in _talked_over)."""
    vad, p = Stream(), 0.0
    for frame in frames:
        p = vad(frame)
    return p


def tune_awaited(mic: "Microphone") -> bool:
    return time.monotonic() < mic.tune_until


class Microphone:
    def __init__(self, device=None, latency_s: float = 0.2, reference=None):
        self.device = device
        self.latency = latency_s
        self.reference = reference
        """An echo.Reference of what the speaker plays: each block is matched with it and the echo taken out."""
        self._canceller: Canceller | None = None
        self._leak: Check | None = None
        """With the canceller: tells maestro's own output that it let through from the user (doubletalk)."""
        self._history: History | None = None
        """With the canceller: its recent output, raw microphone and reference, to give back the start of the
        user's words that its suppressor took (onset)."""
        self._room: RoomGain | None = None
        """With the canceller: the room's gain per bin, remembered from what was played (_talked_over)."""
        self._sibilant: Sibilant | None = None
        """With the canceller: hears the first "s" of what the user says over maestro's output (_sibilant_heard)."""
        self._coupling: Coupling | None = None
        """With the canceller: whether the microphone hears the speaker at all; where it does not (headphones),
        the raw microphone is listened to, not what the canceller made of it (coupling)."""
        self._unread = 0
        """Samples taken from the queue but not yet in a VAD frame."""
        self.blocks: queue.Queue = queue.Queue()
        """Blocks as the cutter takes them: arrays, or with the canceller Cancelled blocks."""
        self.level = 0.0
        """The last block's RMS level, for the meter."""
        self.hearing = False
        """True while an utterance is being cut (the VAD heard speech start)."""
        self.start, self.end = START, END
        """Speech probabilities that start an utterance, and under which a frame is quiet (lower while the canceller
        hears maestro's output: CANCELLED_START)."""
        self._silent_for = PLAYED_S
        """With the canceller, how long (s) the reference has been silent."""
        self.armed = True
        """False to ignore what is said (push-to-talk between presses): no utterance starts."""
        self.deaf: Callable[[], bool] = lambda: False
        """True while no utterance may start: maestro's own voice from the speakers must not become a request."""
        self.tune_until = 0.0
        """While time.monotonic() is before this, the next utterance is a tune (expect_tune)."""
        self.last_was_tune = False
        """The utterance just yielded was taken as a tune."""
        self._stream = None

    def cancelling(self, canceller: Canceller | None = None) -> "Microphone":
        """With an echo canceller for the blocks it takes: `canceller` (one that has learned the room already), or a
        new one."""
        from assistant.audio.coupling import Coupling
        from assistant.audio.doubletalk import Check
        from assistant.audio.echo import Canceller
        from assistant.audio.onset import LEARN_S, History, RoomGain
        from assistant.audio.sibilant import Sibilant

        self._canceller = canceller if canceller is not None else Canceller(SPEECH_RATE)
        self._leak = Check(SPEECH_RATE)
        self._coupling = Coupling(SPEECH_RATE, MIC_BLOCK)
        self._history = History(SPEECH_RATE, LEARN_S + MAX_UTTERANCE_S + 0.1, MIC_BLOCK)
        self._room = RoomGain(SPEECH_RATE)
        self._sibilant = Sibilant(SPEECH_RATE, Stream.FRAME)
        return self

    def open(self) -> "Microphone":
        if self.reference is not None:
            self.cancelling()
        sd = devices.sounddevice()
        device = devices.input_device(self.device)
        try:
            stream = sd.InputStream(samplerate=SPEECH_RATE, channels=1, dtype="float32", blocksize=MIC_BLOCK,
                                    latency=self.latency, device=device, callback=self._callback)
            stream.start()
            self._stream = stream
        except sd.PortAudioError as exc:
            raise DeviceError(f"cannot open the microphone ({exc})") from None
        return self

    def _callback(self, data, frames, timing, status) -> None:
        far = self.reference.at(timing.inputBufferAdcTime, frames) if self._canceller is not None else None
        self.take(data[:, 0].copy(), far)

    def take(self, block: np.ndarray, far: np.ndarray | None = None) -> None:
        """A block from the microphone, and what the speaker played as it was captured (with echo cancelling)."""
        if self._canceller is not None and far is not None:  # about 0.3 ms a block (1% of a core)
            cancelled = self._canceller.process(block, far)
            self.level = _level(cancelled)
            self.blocks.put(Cancelled(cancelled, block, far))
            return
        self.level = _level(block)
        self.blocks.put(block)

    def expect_tune(self) -> None:
        """The next utterance is a tune: it may start on level alone and ends after TUNE_END_S of quiet. If none
        starts within TUNE_WAIT_S (after maestro's own voice), requests are listened for again."""
        self.tune_until = time.monotonic() + TUNE_WAIT_S

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def _leaked(self) -> bool:
        """What would start an utterance is maestro's own output that the canceller let through."""
        return self._leak is not None and self._leak.leaked()

    def _frames(self, stop) -> Iterator[np.ndarray]:
        """The VAD's 512-sample frames (32 ms) until stop() is true. Raises DeviceError when the device goes away."""
        pending, silent_waits = np.zeros(0, np.float32), 0
        while not stop():
            try:
                block = self.blocks.get(timeout=0.5)
                silent_waits = 0
                if isinstance(block, Cancelled):
                    block = self._listened(block)
            except queue.Empty:
                silent_waits += 1  # a live stream delivers a block every 30 ms; 2 s of nothing is a dead one
                if self._stream is None or not self._stream.active or silent_waits >= 4:
                    raise DeviceError("the microphone went away") from None
                continue
            pending = np.concatenate([pending, block])
            while len(pending) >= Stream.FRAME:
                frame, pending = pending[:Stream.FRAME], pending[Stream.FRAME:]
                self._unread = len(pending)
                yield frame

    def _echo_heard(self) -> bool:
        """The canceller is on and the microphone hears the speaker (or that is not known yet)."""
        return self._coupling is not None and self._coupling.heard

    def _listened(self, block: Cancelled) -> np.ndarray:
        """What is listened to of a block taken with the canceller: its output, or the raw microphone where the
        speaker is not heard; the checks that need all three are fed."""
        assert self._leak is not None and self._history is not None and self._coupling is not None  # cancelling()
        self._leak.add(block.out, block.raw, block.far)
        self._history.add(block.out, block.raw, block.far)
        self._coupling.add(block.raw, block.far)
        self._heard_played(block.far)
        return block.out if self._coupling.heard else block.raw

    def _heard_played(self, far: np.ndarray) -> None:
        """The speech thresholds for a block whose reference is `far`: the canceller's while it plays, and for
        PLAYED_S after, where the microphone hears the speaker."""
        self._silent_for = 0.0 if far.any() else self._silent_for + len(far) / SPEECH_RATE
        playing = self._silent_for < PLAYED_S and self._echo_heard()
        self.start, self.end = (CANCELLED_START, CANCELLED_END) if playing else (START, END)

    def _talked_over(self) -> bool:
        """While the canceller's thresholds hold (maestro's output sounds in the room), the user's voice is in the
        last frame, as Silero hears the microphone with the start of their words given back from AEC3's suppressor
        (onset.restored): it takes the "s" of "stop" and most of a short "no" down for 100-250 ms."""
        if self._history is None or self.start != CANCELLED_START:
            return False
        from assistant.audio.onset import restored

        span = round(TALKED_OVER_S * SPEECH_RATE)
        out, raw, far = self._history.last(span + round(TALKED_OVER_LEARN_S * SPEECH_RATE), self._unread)
        if len(out) < span + Stream.FRAME:
            return False
        given_back = restored(out, raw, far, len(out) - span, SPEECH_RATE, self._room, TALKED_OVER_MARGIN_DB)
        if np.array_equal(given_back[-2 * Stream.FRAME:], out[-2 * Stream.FRAME:]):
            return False  # nothing of the user's in the last two frames: Silero would hear what the VAD just heard
        frames = range(len(given_back) % Stream.FRAME, len(given_back), Stream.FRAME)
        return _fresh(given_back[i:i + Stream.FRAME] for i in frames) >= TALKED_OVER_START

    def _sibilant_heard(self) -> bool:
        """While the canceller's thresholds hold, the last frames hold a sound above sibilant.HIGH_HZ that the
        room's echo of what maestro played cannot make: the "s" of "stop", before Silero can hear its vowel. Not
        maestro's own output, whatever the canceller let through: the leak check does not apply."""
        if self._sibilant is None or self._history is None or self.start != CANCELLED_START:
            return False
        _, raw, far = self._history.last(self._sibilant.span, self._unread)
        return self._sibilant.heard(raw, far)

    def _own(self, voiced: int, after: int) -> bool:
        """With the canceller, where the microphone hears the speaker: the `voiced` frames of speech that ended
        `after` frames ago were maestro's own output let through (OWN_FOLLOWS)."""
        if self._history is None or not self._echo_heard():
            return False
        from assistant.audio.doubletalk import MAX_LAG_S, follows
        from assistant.audio.onset import over_echo

        lag, learn = round(MAX_LAG_S * SPEECH_RATE), round(TALKED_OVER_LEARN_S * SPEECH_RATE)
        span, gap = voiced * Stream.FRAME, round(PRE_ROLL_S * SPEECH_RATE)
        _, raw, far = self._history.last(learn + gap + span, self._unread + after * Stream.FRAME)
        if len(raw) < learn + gap + span or not far[-span:].any():
            return False
        near = follows(raw[-span:], far[-span - lag:], SPEECH_RATE)
        return near >= OWN_FOLLOWS or (near >= OWN_LIKELY and over_echo(
            raw, far, learn, learn + gap, SPEECH_RATE, TALKED_OVER_MARGIN_DB) <= OWN_OVER_ECHO)

    def _heard(self, speech: list[np.ndarray], tune: bool) -> np.ndarray:
        """The utterance's audio; with the canceller, with the start of the user's words that its suppressor took
        given back (onset; a tune is left as the canceller let it through), or, where the microphone does not hear
        the speaker, as the microphone caught it."""
        audio = np.concatenate(speech)
        if self._history is None or tune:
            return audio
        from assistant.audio.onset import LEARN_S, restored

        out, raw, far = self._history.last(len(audio) + round(LEARN_S * SPEECH_RATE), self._unread)
        if len(out) < len(audio):  # not held (the history outlasts the longest utterance)
            return audio
        if not self._echo_heard():  # all of it raw, though the speaker was found not heard only as it went on
            return raw[len(raw) - len(audio):]
        return restored(out, raw, far, len(out) - len(audio), SPEECH_RATE)

    def utterances(self, stop, hearing: Callable[[bool], None] | None = None,
                   pausing: Callable[[np.ndarray | None], None] | None = None,
                   finished: Callable[[], bool | None] | None = None) -> Iterator[np.ndarray]:
        """Utterances as they end, until stop() is true. hearing(True) is called as speech starts (to duck the
        music at once), hearing(False) when what started is dropped as a blip. pausing(audio) is called with the
        utterance so far when the speaker has paused for PAUSE_S, pausing(None) if they then go on (for RESUME_S).
        finished(), asked while that guess is out, says whether what was said so far is a whole request: True ends
        the utterance now, False waits UNFINISHED_S, None (not known yet) END_SILENCE_S."""
        vad, frame_s = Renewed(), Stream.FRAME / SPEECH_RATE
        pause, resume = round(PAUSE_S / frame_s), round(RESUME_S / frame_s)
        pre: collections.deque[np.ndarray] = collections.deque(maxlen=round(PRE_ROLL_S / frame_s))
        recent: collections.deque[np.ndarray] = collections.deque(maxlen=round(FRESH_S / frame_s))
        speech: list[np.ndarray] = []
        voiced = quiet = resumed = 0
        guessing = False
        tune = False
        first = last = 0
        for frame in self._frames(stop):
            p = vad(frame)
            recent.append(frame)
            if not speech and (not self.armed or self.deaf()):
                pre.clear()
                if self.deaf() and tune_awaited(self):  # the wait for a tune starts when maestro stops talking
                    self.tune_until = time.monotonic() + TUNE_WAIT_S
                continue
            if not speech:
                pre.append(frame)
                tune = tune_awaited(self)
                heard = p >= self.start or (tune and _level(frame) >= TUNE_LEVEL) or self._talked_over()
                if (heard and not self._leaked()) or (not tune and self._sibilant_heard()):
                    speech, voiced, quiet, self.hearing = list(pre), 1, 0, True
                    first = last = len(speech) - 1  # the first and the last speech frame
                    guessing, resumed = False, 0
                    if hearing:
                        hearing(True)
                continue
            speech.append(frame)
            if not tune:
                p = min(p, _fresh(recent))
            level = _level(frame) if tune else 0.0
            sounding = p >= self.end or level >= TUNE_LEVEL / 2
            voiced += p >= self.start or level >= TUNE_LEVEL
            last = len(speech) - 1 if p >= self.start else last
            if tune:
                quiet = 0 if sounding else quiet + 1
                if quiet * frame_s < TUNE_END_S and len(speech) * frame_s < TUNE_MAX_S:
                    continue
            else:
                if pausing and guessing:  # only speech held for RESUME_S goes on
                    resumed = resumed + 1 if p >= self.start else 0
                    if resumed >= resume:
                        pausing(None)
                        guessing, quiet, resumed = False, 0, 0
                    elif not sounding:
                        quiet += 1  # a beat of music (or a syllable) neither goes on nor counts as quiet
                else:
                    quiet = 0 if sounding else quiet + 1
                if pausing and not guessing and quiet == pause and voiced * frame_s >= MIN_SPEECH_S:
                    pausing(self._heard(speech, tune))
                    guessing = True
                verdict = finished() if finished and guessing and not resumed else None
                end_s = UNFINISHED_S if verdict is False else END_SILENCE_S
                waiting = resumed or quiet * frame_s < end_s  # while speech may be going on, it is not over
                if not verdict and waiting and len(speech) * frame_s < MAX_UTTERANCE_S:
                    continue
            self.hearing = False
            if voiced * frame_s >= MIN_SPEECH_S and (tune or not self._own(last - first + 1, len(speech) - 1 - last)):
                self.last_was_tune, self.tune_until = tune, 0.0 if tune else self.tune_until
                yield self._heard(speech, tune)
            elif hearing:
                hearing(False)
            speech = []
            pre.clear()

"""The conversation's working state: the store, the current piece, and publishing new versions (render, master,
save, move the timeline). Skills read and change the session; nothing else writes the store."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.config import Config
from assistant.store import State, Store, Turn, VersionFiles
from generators import engine
from generators.piece import Piece
from intents.model import Intent


@dataclass(frozen=True)
class Current:
    id: str
    version: int
    piece: Piece
    files: VersionFiles

    def to_json(self) -> dict:
        p = self.piece
        return {"id": self.id, "version": self.version, "title": p.title, "genre": p.genre, "mood": p.mood,
                "key": p.key.name, "tempo_bpm": round(p.tempo_bpm, 2), "time_signature": p.time_signature,
                "duration_s": round(p.duration_s, 2), "instruments": p.instruments(), "chords": p.chord_symbols(),
                "audio_path": str(self.files.audio), "midi_path": str(self.files.midi)}


class Session:
    def __init__(self, store: Store, config: Config, playback=None, render=None):
        from assistant.playback import Silent

        self.store = store
        self.config = config
        self.playback = playback or Silent()
        """The port that plays (assistant.playback); skills only ask it whether something plays."""
        self.state: State = self._loaded_state()
        self._loaded: dict[tuple[str, int], Piece] = {}
        self.engine = engine.get(config.generator)
        """The music engine (generators.engine) the config names."""
        self.render = render or self.render_whole
        """Piece → (mastered audio, rate). The live player (assistant.playback.Live.bind) sets one that plays while
        it renders."""
        self.listen_for_tune: Callable[[Intent], None] | None = None
        """Makes the next utterance a tune ("listen to this"), given the request it came with; set by the live
        session while a microphone listens, None where there is none (typed, `ask`, `serve`)."""

    def _loaded_state(self) -> State:
        """The stored state; a new session starts at the configured volume. The volume lives in the state from then
        on (the one source of truth: the live player opens at it, `volume 40` changes it, a restart keeps it)."""
        state = self.store.load()
        return state if self.store.state_file.exists() else replace(state, volume=self.config.volume)

    def reload(self) -> None:
        """The state as stored: another process may have taken a turn since (call it holding `store.turn()`)."""
        self.state = self._loaded_state()

    def piece_at(self, entry: tuple[str, int]) -> Current:
        if entry not in self._loaded:
            self._loaded[entry] = self.store.load_piece(*entry)
        return Current(entry[0], entry[1], self._loaded[entry], self.store.files(*entry))

    def current(self) -> Current | None:
        entry = self.state.current
        return self.piece_at(entry) if entry else None

    def render_whole(self, piece: Piece):
        """Mastered audio of the whole piece, and its rate."""
        from generators.engine import render
        from generators.master import master
        from generators.render import SAMPLE_RATE

        return master(render(self.engine, piece, self.config.soundfont), SAMPLE_RATE), SAMPLE_RATE

    def publish(self, piece: Piece, new_piece: bool) -> Current:
        """Render and store `piece` as a new piece or as the next version of the current one, and make it current."""
        if new_piece or self.state.current is None:
            piece_id, version = f"p{self.state.next_piece:04d}", 1
            self.state = replace(self.state, next_piece=self.state.next_piece + 1)
        else:
            piece_id = self.state.current[0]
            version = self.store.next_version(piece_id)
        audio, rate = self.render(piece)
        files = self.store.save_version(piece_id, version, piece, audio, rate)
        self._loaded[(piece_id, version)] = piece
        self.state = self.state.moved_to((piece_id, version))
        return Current(piece_id, version, piece, files)

    def go_to(self, cursor: int) -> Current:
        """Move along the timeline to an entry that exists (0 ≤ cursor < its length)."""
        self.state = replace(self.state, cursor=cursor)
        return self.piece_at(self.state.timeline[cursor])

    def remember(self, user: str, intent: str, reply: str, at: float, conversation_id: str | None = None) -> None:
        self.state = self.state.with_turn(Turn(user, intent, reply, at, conversation_id))
        self.store.commit(self.state)

    def library(self) -> Path:
        """The configured library folder, else the session's own (the contract keeps the library in --session)."""
        return Path(self.config.library_dir).expanduser() if self.config.library_dir else self.store.root / "library"

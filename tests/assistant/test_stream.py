"""Playing while rendering: the preview that starts at once, and the switch to the master."""
import numpy as np

from assistant.audio.constants import MUSIC_RATE, RENDER_BLOCK
from assistant.audio.player import Player, Voice
from assistant.audio.stream import play_while_rendering
from generators.compose import Request, compose
from generators.master import TARGET_LUFS, loudness
from generators.render import render_blocks


def test_playback_starts_on_a_preview_and_continues_on_the_master():
    piece = compose(Request(genre="lofi", duration_s=8, seed=3))
    player = Player()  # never opened: nothing plays, so the position stays at the start
    mastered = play_while_rendering(render_blocks(piece, block_frames=RENDER_BLOCK), 8 * MUSIC_RATE, player)
    assert len(mastered) == 8 * MUSIC_RATE and abs(loudness(mastered, MUSIC_RATE) - TARGET_LUFS) < 0.5
    voice = player.music
    assert voice.frames == len(voice.buffer) == len(mastered)
    switch = int((0.5 + player.latency) * MUSIC_RATE) + RENDER_BLOCK
    assert np.array_equal(voice.buffer[switch:], mastered[switch:])
    preview = voice.buffer[:switch]
    assert np.abs(preview).max() > 0.01 and not np.array_equal(preview, mastered[:switch])
    assert abs(loudness(preview, MUSIC_RATE) - loudness(mastered[:switch], MUSIC_RATE)) < 3.0


def test_a_piece_shorter_than_the_head_plays_the_master():
    piece = compose(Request(genre="pop", duration_s=1.5, seed=1))
    player = Player()
    mastered = play_while_rendering(render_blocks(piece), round(1.5 * MUSIC_RATE), player)
    assert np.array_equal(player.music.buffer, mastered)


def test_the_switch_never_touches_what_has_played():
    voice = Voice(10000)
    voice.feed(np.ones((10000, 2), np.float32))
    voice.pos = 3000
    voice.replace_ahead(np.zeros((10000, 2), np.float32), margin=1000, fade=500)
    assert (voice.buffer[:4000] == 1).all()
    assert (np.diff(voice.buffer[4000:4500, 0]) <= 0).all() and (voice.buffer[4500:] == 0).all()

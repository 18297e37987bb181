"""The mix: a channel strip per part by its role, send buses, the sidechain and the glue compressor, the same
block by block as whole."""
import numpy as np
import pytest

from generators import mix
from generators.compose import Request, compose
from generators.render import POOL, SAMPLE_RATE, channels, open_synth

pytestmark = pytest.mark.slow


def stems_of(piece):
    synth = open_synth()
    try:
        return np.concatenate(list(synth.stems(piece, SAMPLE_RATE)), axis=2)
    finally:
        POOL.release(synth)


def mixed(piece, stems, block):
    mixer = mix.Mixer(piece, channels(piece), SAMPLE_RATE)
    n = stems.shape[2]
    return np.concatenate([mixer.process(stems[:, :, i:i + block], i) for i in range(0, n, block)])


def rms(x):
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


@pytest.mark.parametrize("genre", ["electronic", "lofi", "jazz"])
def test_the_mix_block_by_block_is_the_mix_whole(genre):
    """Every effect keeps its state across blocks (the sidechain is a function of the frame), so playback, which
    mixes as it renders, plays what is stored."""
    piece = compose(Request(genre=genre, seed=4, duration_s=8))
    stems = stems_of(piece)
    whole = mixed(piece, stems, stems.shape[2])
    assert rms(whole) > 0.01
    for block in (2205, 4410, 1000):
        error = rms(mixed(piece, stems, block) - whole) / rms(whole)
        assert 20 * np.log10(max(error, 1e-12)) < -60, (block, error)


def test_the_kick_ducks_the_ducked_parts_where_the_genre_pumps():
    piece = compose(Request(genre="electronic", seed=4, duration_s=8))
    buses = mix.buses(piece)
    assert buses.sidechain > 0 and mix.channel_strip("pad").duck and mix.channel_strip("bass").duck
    kicks = mix.kick_frames(piece, SAMPLE_RATE)
    assert len(kicks) >= 8
    attack, hold = int(mix.DUCK_ATTACK_S * SAMPLE_RATE), int(mix.DUCK_BEATS * piece.seconds_per_beat * SAMPLE_RATE)
    gain = mix.duck_gain(kicks, 0, int(kicks[-1]) + 1, buses.sidechain, attack, hold)
    assert np.allclose(gain[kicks[:-1] + attack], 1 - buses.sidechain, atol=1e-3)  # down at each kick
    assert np.all(gain[kicks[1:] - 1] > 0.97)  # and back up before the next
    assert kicks[0] == 0 or gain[: kicks[0]].min() == 1.0
    ducked = [t for t in piece.tracks if mix.channel_strip(t.role).duck]
    pad_chan = channels(piece)[piece.tracks.index(ducked[0])]
    stems = stems_of(piece)
    only = np.zeros_like(stems)
    only[pad_chan] = stems[pad_chan]
    out = mixed(piece, only, 4410)
    spacing = int(np.median(np.diff(kicks)))
    after = np.concatenate([out[k + attack:k + attack + spacing // 4] for k in kicks[2:-1]])
    before = np.concatenate([out[k - spacing // 4:k] for k in kicks[3:]])
    assert rms(after) < 0.7 * rms(before)


def test_each_section_has_its_fader():
    piece = compose(Request(genre="pop", seed=5, duration_s=60))
    starts, gains = mix.section_levels(piece, SAMPLE_RATE)
    labels = [s.label for s in piece.sections]
    chorus, intro = gains[labels.index("chorus")], gains[labels.index("intro")]
    assert chorus > intro
    ramp = int(mix.LEVEL_RAMP_S * SAMPLE_RATE)
    at = int(starts[labels.index("chorus")])
    gain = mix.level_gain(starts, gains, at - 10, ramp + 20, ramp)
    assert gain[0] == pytest.approx(gains[labels.index("chorus") - 1])
    assert np.all(np.diff(gain) >= 0) and gain[-1] == pytest.approx(chorus)


def test_no_sidechain_where_the_genre_does_not_pump():
    piece = compose(Request(genre="jazz", seed=4, duration_s=8))
    assert mix.buses(piece).sidechain == 0
    assert len(mix.Mixer(piece, channels(piece), SAMPLE_RATE).kicks) == 0


def _low_end_kept(role: str) -> float:
    """The share of a noise's energy under 60 Hz that the role's strip lets through, in dB."""
    noise = np.random.default_rng(0).normal(0, 0.05, (2, SAMPLE_RATE * 2)).astype(np.float32)
    out = mix._board(mix.channel_strip(role), 0.0).process(noise, SAMPLE_RATE)
    def low(x):
        spectrum = np.abs(np.fft.rfft(x[0])) ** 2
        freqs = np.fft.rfftfreq(x.shape[1], 1 / SAMPLE_RATE)
        return spectrum[(freqs > 10) & (freqs < 60)].sum()
    return float(10 * np.log10(low(out) / low(noise)))


def test_everything_but_the_bass_and_the_kit_is_high_passed():
    assert _low_end_kept("bass") > -3 and _low_end_kept("drums") > -3
    for role in ("chords", "melody", "pad"):
        assert _low_end_kept(role) < -6, role


def test_the_lead_has_presence_and_the_bass_sits_in_the_middle():
    lead = mix.channel_strip("melody")
    assert lead.presence and 2000 <= lead.presence[0] <= 5000 and lead.presence[1] > 0
    x = np.random.default_rng(1).normal(0, 0.05, (2, SAMPLE_RATE)).astype(np.float32)
    bass = mix._widen(x, mix.channel_strip("bass").width)
    assert np.allclose(bass[0], bass[1])

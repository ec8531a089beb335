"""Hidden tests for lab 61 (video understanding).

Oracles:

* decoding: PyAV itself, run here in the runner on the same files (frames as
  ``rgb24``, times as ``pts * stream.time_base``), on videos these tests
  encode with PyAV (mpeg4 in .mp4, H.264 with B-frames in .mov, variable
  frame rate in .mkv, a late first timestamp, an audio stream before the
  video stream);
* frame sampling: the docstring's rule written out below (``sample_rule``)
  and hand-checked index lists, on constant, variable and offset timelines;
* histograms and cut scores: ``numpy.histogram`` per channel;
* shots: the cut positions planted in generated videos (a moving square and
  a camera pan inside shots, so a pixel-difference detector fires where
  there is no cut), on raw frames and on frames decoded from an mp4;
* keyframes, pooling: brute force over frames in numpy;
* cosine similarity and retrieval: ``sklearn.metrics.pairwise.cosine_similarity``
  plus a stable sort; ties on bank rows that are exact duplicates;
* summaries: hand-made shot lists and the end-to-end pipeline on a video
  whose scenes and captions these tests chose.
"""

from __future__ import annotations

import math
import wave
from fractions import Fraction

import av
import numpy as np
import pytest
import torch
from sklearn.metrics.pairwise import cosine_similarity as sk_cosine

from autograder.testing import assert_close, assert_equal, check

H, W = 48, 64
TOL = 1e-6


# ---- generated videos ----------------------------------------------------------------------------------------


def encode(path, frames, *, codec="mpeg4", rate=8, pts=None, time_base=None, audio_first=False):
    """Write frames (T, H, W, 3) uint8 RGB to ``path`` with PyAV; explicit ``pts`` in ``time_base`` units."""
    with av.open(str(path), "w") as container:
        if audio_first:
            audio = container.add_stream("pcm_s16le", rate=8000)
        stream = container.add_stream(codec, rate=rate)
        stream.width, stream.height, stream.pix_fmt = frames.shape[2], frames.shape[1], "yuv420p"
        if codec == "mpeg4":
            stream.options = {"qscale": "2"}
        elif codec == "libx264":                             # B-frames: packets come out of display order
            stream.options = {"x264-params": "bframes=2:b-adapt=0"}
        if time_base is not None:
            stream.codec_context.time_base = time_base
        for i, image in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="rgb24")
            if pts is not None:
                frame.pts, frame.time_base = pts[i], time_base
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
        if audio_first:
            samples = av.AudioFrame.from_ndarray(np.zeros((1, 1600), np.int16), format="s16", layout="mono")
            samples.sample_rate = 8000
            container.mux(audio.encode(samples))
            container.mux(audio.encode())
    return path


def pyav_decode(path):
    """The oracle: PyAV's own decoding of the first video stream."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        decoded = [(f.to_ndarray(format="rgb24"), float(f.pts * stream.time_base)) for f in container.decode(stream)]
    return np.stack([d[0] for d in decoded]), np.array([d[1] for d in decoded])


def scene(n, background, obj, motion, h=H, w=W):
    """``n`` frames of one shot: a background and an object that moves without changing the colour counts."""
    frames = np.empty((n, h, w, 3), np.uint8)
    frames[:] = background
    for i in range(n):
        if motion == "square":                           # a 24x24 square jumping between far-apart places
            x, y = [(0, 0), (40, 24), (0, 24), (40, 0)][i % 4]
            frames[i, y:y + 24, x:x + 24] = obj
        elif motion == "small":                          # a small square drifting
            x = 4 + 6 * (i % 6)
            frames[i, 10:26, x:x + 16] = obj
        elif motion == "pan":                            # a camera pan over a striped wall
            frames[i][:, (np.arange(w) + 4 * i) % 8 < 4] = obj
    return frames


def scenes(spec):
    """Frames of consecutive shots and the planted cut positions."""
    parts = [scene(*s) for s in spec]
    cuts = list(np.cumsum([len(p) for p in parts])[:-1])
    return np.concatenate(parts), [int(c) for c in cuts]


def as_shots(cuts, n):
    bounds = [0, *cuts, n]
    return [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]


RED, GREEN, BLUE = (230, 40, 40), (30, 200, 60), (20, 30, 220)
DARK, LIGHT, YELLOW = (20, 20, 20), (245, 245, 245), (240, 220, 30)

SHOT_SPECS = {
    "square-pan-square": [(6, RED, BLUE, "square"), (5, GREEN, LIGHT, "pan"), (7, DARK, LIGHT, "square")],
    "pan-first": [(4, YELLOW, BLUE, "pan"), (6, DARK, LIGHT, "square"), (3, RED, LIGHT, "small"), (5, GREEN, DARK, "pan")],
    "short-shots": [(1, DARK, LIGHT, "none"), (2, LIGHT, DARK, "square"), (1, RED, RED, "none"), (4, BLUE, YELLOW, "pan")],
}


def fields_of_shots(got, what):
    check(isinstance(got, (list, tuple)), f"{what}: should return a list of (start, end) pairs")
    out = []
    for s in got:
        check(len(s) == 2, f"{what}: each shot is a (start, end) pair")
        check(all(isinstance(v, (int, np.integer)) for v in s), f"{what}: shot bounds should be ints")
        out.append((int(s[0]), int(s[1])))
    return out


# ---- read_video ----------------------------------------------------------------------------------------------


def coloured_frames(n, seed=0):
    """Frames whose three channels differ (a swapped channel order shows) plus a moving block."""
    rng = np.random.default_rng(seed)
    frames = np.empty((n, H, W, 3), np.uint8)
    for i in range(n):
        frames[i] = rng.integers(0, 256, 3)
        frames[i, :, :, 0] = np.linspace(0, 255, W, dtype=np.uint8)[None, :]
        frames[i, 8:24, 4 * i % 40:4 * i % 40 + 16] = (250, 250, 10)
    return frames


VIDEOS = {
    "mp4-mpeg4": dict(name="clip.mp4"),
    "mov-h264": dict(name="clip.mov", codec="libx264", rate=10),
    "mkv-variable-rate": dict(name="clip.mkv", pts=[0, 100, 150, 400, 410, 700, 701, 1000, 1200, 1250, 1900, 2000],
                              time_base=Fraction(1, 1000)),
    "mp4-late-start": dict(name="late.mp4", pts=[3 + 5 * i for i in range(12)], time_base=Fraction(1, 40)),
}


@pytest.mark.points(2)
@pytest.mark.parametrize("kind", list(VIDEOS))
def test_read_video_matches_pyav(lab, tmp_path, kind):
    """read_video returns PyAV's rgb24 frames (presentation order) and pts * time_base, unshifted."""
    opts = dict(VIDEOS[kind])
    path = encode(tmp_path / opts.pop("name"), coloured_frames(12), **opts)
    expected_frames, expected_times = pyav_decode(path)
    frames, times = lab.read_video(lab.put_file(path))
    frames, times = np.asarray(frames), np.asarray(times)
    check(frames.dtype == np.uint8, f"frames should be uint8, got {frames.dtype}")
    check(frames.shape == expected_frames.shape, f"frames of shape {frames.shape}, expected {expected_frames.shape} (T, H, W, 3)")
    check(times.dtype == np.float64, f"timestamps should be float64, got {times.dtype}")
    assert_close(times, expected_times, atol=1e-9, rtol=0, what="timestamps (seconds, pts * time_base)")
    diff = np.abs(frames.astype(np.int64) - expected_frames).max()
    check(diff <= 2, "frame pixels differ from PyAV's rgb24 decoding (channel order RGB, presentation order)")


def encode_two_video_streams(path):
    """An .mkv with two video streams: 5 frames of 64x48 at 5 fps, then 3 frames of 32x32 at 3 fps."""
    with av.open(str(path), "w") as container:
        first, second = container.add_stream("mpeg4", rate=5), container.add_stream("mpeg4", rate=3)
        first.width, first.height, second.width, second.height = W, H, 32, 32
        first.pix_fmt = second.pix_fmt = "yuv420p"
        for i, image in enumerate(coloured_frames(5, seed=4)):
            container.mux(first.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
            if i < 3:
                container.mux(second.encode(av.VideoFrame.from_ndarray(image[:32, :32].copy(), format="rgb24")))
        container.mux(first.encode())
        container.mux(second.encode())
    return path


@pytest.mark.points(2)
def test_read_video_audio_stream_first(lab, tmp_path):
    """read_video decodes the first VIDEO stream: after an audio stream, before another video stream."""
    path = encode(tmp_path / "with_audio.mkv", coloured_frames(6, seed=3), rate=5, audio_first=True)
    expected_frames, expected_times = pyav_decode(path)
    frames, times = lab.read_video(lab.put_file(path))
    check(np.asarray(frames).shape == expected_frames.shape, "frames of the wrong shape: is it the video stream?")
    assert_close(np.asarray(times), expected_times, atol=1e-9, rtol=0, what="timestamps")
    check(np.abs(np.asarray(frames).astype(np.int64) - expected_frames).max() <= 2, "frames differ from PyAV's")
    path = encode_two_video_streams(tmp_path / "two_videos.mkv")
    expected_frames, expected_times = pyav_decode(path)
    frames, times = lab.read_video(lab.put_file(path))
    check(np.asarray(frames).shape == expected_frames.shape, "a file with two video streams: decode the first one")
    assert_close(np.asarray(times), expected_times, atol=1e-9, rtol=0, what="timestamps of the first video stream")


@pytest.mark.points(2)
def test_read_video_errors(lab, tmp_path):
    """read_video raises FileNotFoundError for a missing file and ValueError for an audio-only file."""
    good = lab.put_file(encode(tmp_path / "ok.mp4", coloured_frames(3)))
    check(len(lab.read_video(good)[0]) == 3, "a 3-frame video should give 3 frames")
    audio = tmp_path / "speech.wav"
    with wave.open(str(audio), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(np.zeros(4000, np.int16).tobytes())
    with pytest.raises(ValueError):
        lab.read_video(lab.put_file(audio))
    with pytest.raises(FileNotFoundError):
        lab.read_video(good[:-len("ok.mp4")] + "missing.mp4")


# ---- sample_frame_indices ------------------------------------------------------------------------------------


def sample_rule(timestamps, fps):
    """The docstring's rule, written out."""
    ts = [float(t) for t in timestamps]
    chosen, k = [], 0
    while True:
        instant = ts[0] + k / fps
        if instant > ts[-1] + TOL:
            break
        i = next(j for j, t in enumerate(ts) if t >= instant - TOL)
        if not chosen or chosen[-1] != i:
            chosen.append(i)
        k += 1
    return chosen


def indices(got, what):
    got = np.asarray(got)
    check(got.ndim == 1, f"{what}: should return a 1-D array of indices")
    check(got.size == 0 or np.issubdtype(got.dtype, np.integer), f"{what}: indices should be ints, got {got.dtype}")
    return [int(i) for i in got]


CONSTANT_RATE = [(10, 30, 5), (10, 30, 3), (10, 31, 2.5), (8, 17, 1), (25, 51, 4), (12, 40, 7), (30, 61, 29.97)]


@pytest.mark.points(3)
def test_sample_constant_rate(lab):
    """sample_frame_indices picks the first frame at or after each k / fps instant (constant frame rates)."""
    for src, n, fps in CONSTANT_RATE:
        ts = np.arange(n) / src
        got = indices(lab.sample_frame_indices(ts, fps), f"{fps} fps from {src} fps")
        assert_equal(got, sample_rule(ts, fps), what=f"indices sampled at {fps} fps from a {src} fps video")
    got = indices(lab.sample_frame_indices(np.arange(10) / 10, 3), "3 fps from 10")
    assert_equal(got, [0, 4, 7], what="3 fps from 10 frames at 10 fps (instants 0, 1/3, 2/3)")


@pytest.mark.points(2)
def test_sample_source_rate_and_above(lab):
    """At or above the frame rate every frame is kept exactly once, in order."""
    ts = np.arange(12) / 8
    for fps in (8, 8.0, 12, 30, 1000):
        got = indices(lab.sample_frame_indices(ts, fps), f"{fps} fps from 8 fps")
        assert_equal(got, list(range(12)), what=f"indices at {fps} fps from an 8 fps video (each frame once)")


@pytest.mark.points(3)
def test_sample_variable_rate(lab):
    """A variable-frame-rate timeline is sampled by time, not by frame number."""
    ts = [0.0, 0.1, 0.15, 0.4, 0.41, 0.7, 0.701, 1.0, 1.2, 1.25, 1.9, 2.0]
    got = indices(lab.sample_frame_indices(ts, 2), "2 fps, variable rate")
    assert_equal(got, [0, 5, 7, 10, 11], what="2 fps over a variable-rate timeline (instants 0, 0.5, 1, 1.5, 2)")
    got = indices(lab.sample_frame_indices(ts, 4), "4 fps, variable rate")
    assert_equal(got, [0, 3, 5, 7, 9, 10, 11], what="4 fps over a variable-rate timeline")
    rng = np.random.default_rng(5)
    for fps in (1, 3, 6.5):
        ts = np.cumsum(rng.choice([0.01, 0.04, 0.1, 0.3], size=40))
        got = indices(lab.sample_frame_indices(ts, fps), f"{fps} fps, random variable rate")
        assert_equal(got, sample_rule(ts, fps), what=f"{fps} fps over a random variable-rate timeline")


@pytest.mark.points(2)
def test_sample_late_start(lab):
    """Instants start at the first frame's timestamp, not at 0."""
    ts = 0.075 + np.arange(16) / 8
    got = indices(lab.sample_frame_indices(ts, 3), "3 fps from 0.075 s")
    assert_equal(got, sample_rule(ts, 3), what="3 fps over frames starting at 0.075 s")
    got = indices(lab.sample_frame_indices([5.0, 5.3, 5.45, 5.6, 6.1], 2), "2 fps from 5 s")
    assert_equal(got, [0, 3, 4], what="2 fps over frames starting at 5 s (instants 5, 5.5, 6)")


@pytest.mark.points(3)
def test_sample_tolerance_and_last_frame(lab):
    """A frame within 1e-6 s before an instant counts as on it; the last frame is kept only if an instant reaches it."""
    ts = [0.0, 0.2, 0.33333333, 0.5, 0.66666, 0.9]          # 1/3 - 3e-9 is on the instant, 2/3 - 7e-6 is not
    got = indices(lab.sample_frame_indices(ts, 3), "3 fps, near-instant frames")
    assert_equal(got, [0, 2, 5], what="3 fps where a frame lies 3e-9 s before an instant")
    ts = [0.0, 0.25, 0.5, 0.75, 0.9999995]                  # the instant 1.0 is within 1e-6 of the last frame
    assert_equal(indices(lab.sample_frame_indices(ts, 1), "1 fps"), [0, 4], what="1 fps, last frame 5e-7 s before 1 s")
    ts = [0.0, 0.25, 0.5, 0.75, 0.99]                       # no instant reaches the last frame
    assert_equal(indices(lab.sample_frame_indices(ts, 1), "1 fps"), [0], what="1 fps over frames ending at 0.99 s")
    ts = np.arange(11) / 10                                 # the last frame sits exactly on an instant
    assert_equal(indices(lab.sample_frame_indices(ts, 2), "2 fps"), [0, 5, 10], what="2 fps over 0 .. 1 s")
    assert_equal(indices(lab.sample_frame_indices([0.0, 0.1, 0.2], 0.5), "0.5 fps"), [0], what="0.5 fps over 0.2 s")
    assert_equal(indices(lab.sample_frame_indices([2.5], 4), "one frame"), [0], what="one frame")


@pytest.mark.points(1)
def test_sample_decoded_video(lab, tmp_path):
    """read_video then sample_frame_indices on a variable-rate .mkv match the rule on PyAV's timestamps."""
    pts = [0, 90, 130, 420, 430, 700, 702, 1010, 1200, 1230, 1800, 2005, 2100, 2600]
    path = encode(tmp_path / "vfr.mkv", coloured_frames(len(pts), seed=9), pts=pts, time_base=Fraction(1, 1000))
    _, expected_times = pyav_decode(path)
    _, times = lab.read_video(lab.put_file(path))
    for fps in (2, 5):
        got = indices(lab.sample_frame_indices(times, fps), f"{fps} fps")
        assert_equal(got, sample_rule(expected_times, fps), what=f"{fps} fps over the decoded variable-rate video")


@pytest.mark.points(1)
def test_sample_errors_and_empty(lab):
    """sample_frame_indices: empty timestamps give no index; bad fps or timestamps raise ValueError."""
    assert_equal(indices(lab.sample_frame_indices([0.0, 0.5, 1.0], 1), "1 fps"), [0, 2], what="1 fps over 0, 0.5, 1")
    check(np.asarray(lab.sample_frame_indices([], 2)).size == 0, "empty timestamps should give an empty array")
    check(np.asarray(lab.sample_frame_indices(np.zeros(0), 2)).shape == (0,), "empty timestamps give shape (0,)")
    for ts, fps in [([0, 1], 0), ([0, 1], -2), ([0, 1], float("inf")), ([0, 1], float("nan")),
                    ([0.0, 0.5, 0.5], 2), ([0.0, 0.6, 0.4], 2), ([[0.0, 0.1]], 2)]:
        with pytest.raises(ValueError):
            lab.sample_frame_indices(ts, fps)


# ---- color_histograms and cut_scores -------------------------------------------------------------------------


def np_histograms(frames, bins):
    out = np.zeros((len(frames), 3 * bins))
    for t, frame in enumerate(frames):
        for c in range(3):
            counts, _ = np.histogram(frame[..., c], bins=bins, range=(0, 256))
            out[t, c * bins:(c + 1) * bins] = counts / frame[..., c].size
    return out


def np_cut_scores(frames, bins=8):
    hist = np_histograms(frames, bins)
    return np.abs(np.diff(hist, axis=0)).sum(axis=1) / 6


def random_frames(seed, t=5, h=6, w=10):
    """Random frames, plus the extreme values 0 and 255 and every value of a channel."""
    rng = np.random.default_rng(seed)
    frames = rng.integers(0, 256, (t, h, w, 3)).astype(np.uint8)
    frames[0, :, :, 2].flat[: min(h * w, 256)] = np.arange(min(h * w, 256), dtype=np.uint8) * (256 // min(h * w, 256))
    frames[1, :, : w // 2] = 255
    frames[-1, :, :, 0] = 0
    return frames


@pytest.mark.points(1)
@pytest.mark.parametrize("bins", [8, 1, 3, 7, 256])
def test_color_histograms_match_numpy(lab, bins):
    """color_histograms equals numpy.histogram per channel (R, G, B), as fractions of the pixels."""
    frames = random_frames(bins, t=4, h=5, w=9)
    got = np.asarray(lab.color_histograms(frames, bins))
    check(got.dtype == np.float64, f"histograms should be float64, got {got.dtype}")
    assert_close(got, np_histograms(frames, bins), atol=1e-12, rtol=0, what=f"histograms with bins={bins}")


@pytest.mark.points(1)
def test_color_histograms_layout_and_default(lab):
    """R's bins come first, then G's, then B's; bins defaults to 8; frames of any size compare; T = 0 works."""
    frame = np.zeros((1, 2, 3, 3), np.uint8)
    frame[..., 0], frame[..., 1], frame[..., 2] = 255, 100, 0
    expected = np.zeros((1, 24))
    expected[0, 7], expected[0, 8 + 3], expected[0, 16] = 1, 1, 1
    assert_close(np.asarray(lab.color_histograms(frame)), expected, atol=1e-12, rtol=0, what="histogram of one frame")
    big = np.repeat(np.repeat(random_frames(11, t=2, h=3, w=4), 5, axis=1), 3, axis=2)
    assert_close(np.asarray(lab.color_histograms(big, 4)), np_histograms(big, 4), atol=1e-12, rtol=0,
                 what="histograms of a larger frame (fractions, not counts)")
    empty = np.asarray(lab.color_histograms(np.zeros((0, 4, 4, 3), np.uint8), 5))
    check(empty.shape == (0, 15), f"no frame should give shape (0, 15), got {empty.shape}")
    pixel = np.array([[[[7, 130, 255]]]], np.uint8)                      # one frame of 1x1 pixel
    assert_close(np.asarray(lab.color_histograms(pixel, 2)), np.array([[1.0, 0, 0, 1, 0, 1]]), atol=1e-12, rtol=0,
                 what="histogram of a 1x1 frame with bins=2")


@pytest.mark.points(1)
def test_color_histograms_errors(lab):
    """color_histograms raises ValueError for non-uint8 frames, wrong shapes and bins outside [1, 256]."""
    ok = np.zeros((2, 4, 4, 3), np.uint8)
    check(np.asarray(lab.color_histograms(ok, 2)).shape == (2, 6), "valid frames should work")
    for frames, bins in [(ok.astype(np.float32) / 255, 8), (ok.astype(np.int64), 8), (ok.astype(bool), 8), (ok[0], 8),
                         (np.zeros((2, 4, 4, 4), np.uint8), 8), (np.zeros((2, 4, 4, 2), np.uint8), 8),
                         (np.zeros((2, 0, 4, 3), np.uint8), 8), (np.zeros((2, 4, 0, 3), np.uint8), 8),
                         (np.zeros((0, 4, 4, 4), np.uint8), 8), (np.zeros((0, 4, 4, 2), np.uint8), 8),
                         (ok, 0), (ok[:0], 0), (ok, 257), (ok, -3), (ok, 2.5), (ok, True)]:
        with pytest.raises(ValueError):
            lab.color_histograms(frames, bins)


@pytest.mark.points(3)
def test_cut_scores_match_formula(lab):
    """cut_scores is the mean over channels of the total-variation distance between consecutive histograms."""
    for seed, bins in [(1, 8), (2, 4), (3, 16), (4, 1)]:
        frames = random_frames(seed, t=6, h=5, w=7)
        got = np.asarray(lab.cut_scores(frames, bins))
        check(got.shape == (5,), f"6 frames should give 5 scores, got shape {got.shape}")
        assert_close(got, np_cut_scores(frames, bins), atol=1e-12, rtol=0, what=f"cut scores with bins={bins}")
    frames = random_frames(5, t=3, h=4, w=6)
    assert_close(np.asarray(lab.cut_scores(frames)), np_cut_scores(frames, 8), atol=1e-12, rtol=0,
                 what="cut scores with the default bins")
    black, white = np.zeros((1, 4, 4, 3), np.uint8), np.full((1, 4, 4, 3), 255, np.uint8)
    assert_close(np.asarray(lab.cut_scores(np.concatenate([black, white]))), np.array([1.0]), atol=1e-12, rtol=0,
                 what="score from black to white (default bins)")
    check(np.asarray(lab.cut_scores(black)).shape == (0,), "one frame should give shape (0,)")


@pytest.mark.points(2)
def test_cut_scores_ignore_motion(lab):
    """A moving object or a camera pan leaves the colour distribution, hence the score, unchanged."""
    frames, _ = scenes([(5, DARK, LIGHT, "square"), (5, GREEN, LIGHT, "pan")])
    got = np.asarray(lab.cut_scores(frames))
    assert_close(got, np_cut_scores(frames), atol=1e-12, rtol=0, what="cut scores over motion and one cut")


# ---- detect_shots --------------------------------------------------------------------------------------------


@pytest.mark.points(2)
@pytest.mark.parametrize("video", list(SHOT_SPECS))
def test_detect_shots_known_cuts(lab, video):
    """detect_shots finds exactly the planted cuts; motion inside a shot (a square, a pan) is no cut."""
    frames, cuts = scenes(SHOT_SPECS[video])
    got = fields_of_shots(lab.detect_shots(frames), "detect_shots")
    assert_equal(got, as_shots(cuts, len(frames)), what="shots of a generated video (default threshold)")


@pytest.mark.points(4)
def test_detect_shots_encoded_video(lab, tmp_path):
    """On frames decoded from a lossy mp4 (compression noise, motion) the planted cuts are found."""
    spec = [(6, RED, BLUE, "square"), (5, GREEN, LIGHT, "pan"), (7, DARK, LIGHT, "square"), (6, RED, BLUE, "square")]
    frames, cuts = scenes(spec)
    decoded, _ = pyav_decode(encode(tmp_path / "shots.mp4", frames))
    got = fields_of_shots(lab.detect_shots(decoded), "detect_shots")
    assert_equal(got, as_shots(cuts, len(frames)), what="shots of the decoded mp4")
    got = fields_of_shots(lab.detect_shots(decoded, 0.2, 8, 3), "detect_shots")
    assert_equal(got, as_shots(cuts, len(frames)), what="shots of the decoded mp4 with threshold 0.2, min_shot_len 3")


def half_frames():
    """Three frames: black, half white, black: scores exactly 0.5 and 0.5."""
    frames = np.zeros((3, 4, 4, 3), np.uint8)
    frames[1, :2] = 255
    return frames


@pytest.mark.points(2)
def test_detect_shots_threshold_is_strict(lab):
    """A cut needs a score strictly above the threshold."""
    frames = half_frames()
    assert_equal(fields_of_shots(lab.detect_shots(frames, 0.5), "detect_shots"), [(0, 3)],
                 what="shots with scores equal to the threshold (0.5)")
    assert_equal(fields_of_shots(lab.detect_shots(frames, 0.4999), "detect_shots"), [(0, 1), (1, 2), (2, 3)],
                 what="shots with scores just above the threshold")
    assert_equal(fields_of_shots(lab.detect_shots(frames, threshold=1.0), "detect_shots"), [(0, 3)],
                 what="shots with threshold 1")


@pytest.mark.points(3)
def test_detect_shots_min_shot_len(lab):
    """min_shot_len: cuts are kept left to right only if the closed shot and the rest are long enough."""
    # frames 0-3 A, 4 B (a flash), 5-9 C, 10 D: candidate cuts before 4, 5, 10
    frames = np.concatenate([scene(4, RED, RED, "none"), scene(1, LIGHT, LIGHT, "none"),
                             scene(5, BLUE, YELLOW, "small"), scene(1, GREEN, GREEN, "none")])
    for msl, expected in [(1, [(0, 4), (4, 5), (5, 10), (10, 11)]),
                          (2, [(0, 4), (4, 11)]),               # the flash joins the next shot; the tail is too short
                          (4, [(0, 4), (4, 11)]),
                          (5, [(0, 5), (5, 11)]),
                          (6, [(0, 11)])]:
        got = fields_of_shots(lab.detect_shots(frames, 0.3, 8, msl), "detect_shots")
        assert_equal(got, expected, what=f"shots with min_shot_len={msl}")
    got = fields_of_shots(lab.detect_shots(frames, min_shot_len=5, bins=8), "detect_shots")
    assert_equal(got, [(0, 5), (5, 11)], what="shots with min_shot_len=5 given by keyword")
    # frames 0-4 A, 5 B, 6-8 C, 9 D: candidates before 5, 6 and 9
    frames = np.concatenate([scene(5, DARK, DARK, "none"), scene(1, LIGHT, LIGHT, "none"),
                             scene(3, RED, RED, "none"), scene(1, BLUE, BLUE, "none")])
    got = fields_of_shots(lab.detect_shots(frames, 0.3, 8, 2), "detect_shots")
    assert_equal(got, [(0, 5), (5, 10)], what="shots of 10 frames with cuts before 5, 6, 9 and min_shot_len=2")


@pytest.mark.points(2)
def test_detect_shots_edges(lab):
    """No frame gives [], one frame one shot, a negative threshold cuts everywhere, bins is used."""
    empty = np.zeros((0, 4, 4, 3), np.uint8)
    assert_equal(fields_of_shots(lab.detect_shots(empty), "detect_shots"), [], what="shots of no frame")
    one = np.zeros((1, 4, 4, 3), np.uint8)
    assert_equal(fields_of_shots(lab.detect_shots(one), "detect_shots"), [(0, 1)], what="shots of one frame")
    same = np.zeros((3, 4, 4, 3), np.uint8)
    assert_equal(fields_of_shots(lab.detect_shots(same, -0.1), "detect_shots"), [(0, 1), (1, 2), (2, 3)],
                 what="shots with a negative threshold")
    # 100 and 120 share a bin with bins=2 and 8, not with bins=16
    frames = np.stack([np.full((4, 4, 3), 100, np.uint8), np.full((4, 4, 3), 120, np.uint8)])
    assert_equal(fields_of_shots(lab.detect_shots(frames, 0.5, 16), "detect_shots"), [(0, 1), (1, 2)],
                 what="shots with bins=16")
    assert_equal(fields_of_shots(lab.detect_shots(frames, 0.5, bins=2), "detect_shots"), [(0, 2)],
                 what="shots with bins=2")
    assert_equal(fields_of_shots(lab.detect_shots(frames, 0.5), "detect_shots"), [(0, 2)],
                 what="shots with the default bins (8)")


@pytest.mark.points(1)
def test_detect_shots_errors(lab):
    """detect_shots raises ValueError for min_shot_len < 1 and for frames color_histograms rejects."""
    frames = half_frames()
    check(len(lab.detect_shots(frames, 0.4, 8, 1)) == 3, "valid arguments should work")
    for kwargs in [dict(min_shot_len=0), dict(min_shot_len=-1), dict(bins=0)]:
        with pytest.raises(ValueError):
            lab.detect_shots(frames, **kwargs)
    with pytest.raises(ValueError):
        lab.detect_shots(frames.astype(np.float64))


# ---- keyframes -----------------------------------------------------------------------------------------------


def brute_keyframes(features, shots):
    keys = []
    for start, end in shots:
        mean = features[start:end].mean(axis=0)
        d = [float(np.sum((features[t] - mean) ** 2)) for t in range(start, end)]
        keys.append(start + int(np.argmin(d)))
    return keys


@pytest.mark.points(3)
def test_keyframes_nearest_to_mean(lab):
    """keyframe_indices picks, per shot, the frame nearest the shot's mean feature (absolute indices)."""
    rng = np.random.default_rng(7)
    features = rng.normal(size=(30, 5))
    shots = [(0, 7), (7, 8), (8, 19), (19, 30)]
    got = lab.keyframe_indices(features, shots)
    check(all(isinstance(k, (int, np.integer)) for k in got), "keyframes should be ints")
    assert_equal([int(k) for k in got], brute_keyframes(features, shots), what="keyframes of random features")
    frames, cuts = scenes(SHOT_SPECS["pan-first"])
    hist = np_histograms(frames, 8)
    hist[1] += 0.05                                       # the first frame of a shot is not its centre
    hist[3] -= 0.05
    shots = as_shots(cuts, len(frames))
    assert_equal([int(k) for k in lab.keyframe_indices(hist, shots)], brute_keyframes(hist, shots),
                 what="keyframes of colour histograms")


@pytest.mark.points(3)
def test_keyframes_ties_and_order(lab):
    """Ties go to the earliest frame; shots in any order (and overlapping) give keyframes in that order."""
    features = np.array([[0.0], [2.0], [5.0], [1.0], [3.0], [4.0], [4.0], [9.0], [9.0]])
    shots = [(5, 7), (0, 2), (2, 5), (7, 9), (3, 5), (0, 9)]
    # (5,7): 4,4 tie -> 5; (0,2): 0,2 around 1 -> 0; (2,5): mean 3 -> 4; (7,9): tie -> 7; (3,5): 1,3 around 2 -> 3
    assert_equal([int(k) for k in lab.keyframe_indices(features, shots)], [5, 0, 4, 7, 3, 5],
                 what="keyframes with ties and shots out of order")
    features = [[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]]           # all four at distance 1 from 0
    assert_equal([int(k) for k in lab.keyframe_indices(features, [(0, 4), (1, 4)])], [0, 2],
                 what="keyframes of a list input with a four-way tie")


@pytest.mark.points(1)
def test_keyframes_errors(lab):
    """keyframe_indices raises ValueError for empty or out-of-range shots and non-2-D features."""
    features = np.zeros((4, 2))
    check([int(k) for k in lab.keyframe_indices(features, [(0, 4)])] == [0], "a valid call should work")
    for shots in ([(2, 2)], [(0, 5)], [(-1, 2)], [(-1, 4)], [(3, 1)], [(0, 2), (4, 4)]):
        with pytest.raises(ValueError):
            lab.keyframe_indices(features, shots)
    for bad in (np.zeros(4), np.zeros((4, 2, 2)), 3.0):
        with pytest.raises(ValueError):
            lab.keyframe_indices(bad, [(0, 1)])


# ---- temporal_pool -------------------------------------------------------------------------------------------


def np_pool(e, valid, mode, query=None):
    e = e.double().numpy()
    out = []
    for b in range(e.shape[0]):
        rows = e[b][valid[b]]
        if mode == "mean":
            out.append(rows.mean(axis=0))
        elif mode == "max":
            out.append(rows.max(axis=0))
        else:
            s = rows @ query.double().numpy() / math.sqrt(e.shape[2])
            w = np.exp(s - s.max())
            out.append((w / w.sum()) @ rows)
    return np.stack(out)


def padded_batch(seed, dtype=torch.float32, scale=1.0, pad_value=1e3, shift=0.0):
    g = torch.Generator().manual_seed(seed)
    e = (torch.randn(3, 6, 5, generator=g, dtype=torch.float64) * scale + shift).to(dtype)
    valid = torch.tensor([[1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0], [0, 1, 0, 1, 1, 0]], dtype=torch.bool)
    e = e.masked_fill(~valid[..., None], pad_value)
    return e, valid


MASK_TYPES = {"bool": lambda m: m, "int": lambda m: m.long(), "float": lambda m: m.float()}


@pytest.mark.points(2)
@pytest.mark.parametrize("mask_type", list(MASK_TYPES))
def test_pool_mean_and_max_masked(lab, mask_type):
    """Mean and max pooling use only the real frames (bool, 0/1 int or 0/1 float masks)."""
    e, valid = padded_batch(1, shift=-3.0)                    # negative values: a padding 0 would win the max
    for pad in (1e3, 0.0):
        e = e.masked_fill(~valid[..., None], pad)
        for mode in ("mean", "max"):
            got = lab.temporal_pool(e, MASK_TYPES[mask_type](valid), mode)
            assert_close(got.double(), torch.from_numpy(np_pool(e, valid, mode)), atol=1e-5, rtol=1e-5,
                         what=f"{mode} pooling with a {mask_type} mask and padding {pad}")


@pytest.mark.points(1)
@pytest.mark.parametrize("mask_type", list(MASK_TYPES))
def test_pool_attention_masked(lab, mask_type):
    """Attention pooling: softmax of (e . query) / sqrt(D) over real frames only."""
    e, valid = padded_batch(2)
    q = torch.tensor([1.5, -2.0, 0.5, 3.0, 1.0])
    got = lab.temporal_pool(e, MASK_TYPES[mask_type](valid), "attention", q)
    assert_close(got.double(), torch.from_numpy(np_pool(e, valid, "attention", q)), atol=1e-5, rtol=1e-5,
                 what=f"attention pooling with a {mask_type} mask")


@pytest.mark.points(2)
def test_pool_attention_large_scores(lab):
    """Attention pooling stays finite and exact with scores of order 1e4."""
    e, valid = padded_batch(3, dtype=torch.float64, scale=300.0)
    q = torch.tensor([40.0, -30.0, 20.0, 50.0, 10.0], dtype=torch.float64)
    got = lab.temporal_pool(e, valid, "attention", q)
    check(bool(torch.isfinite(got).all()), "attention pooling gave inf or nan for large scores")
    assert_close(got, torch.from_numpy(np_pool(e, valid, "attention", q)), atol=1e-8, rtol=1e-9,
                 what="attention pooling with large scores")


@pytest.mark.points(2)
def test_pool_defaults_and_dtypes(lab):
    """mask=None means every frame is real; mode defaults to mean; the dtype of embeddings is kept."""
    e, _ = padded_batch(4, dtype=torch.float64)
    valid = torch.ones(3, 6, dtype=torch.bool)
    got = lab.temporal_pool(e)
    assert_close(got, torch.from_numpy(np_pool(e, valid, "mean")), atol=1e-12, rtol=0, what="mean pooling, no mask")
    got = lab.temporal_pool(e, None, "max")
    assert_close(got, torch.from_numpy(np_pool(e, valid, "max")), atol=0, rtol=0, what="max pooling, no mask")
    q = torch.tensor([0.3, 0.1, -0.2, 0.4, 0.0], dtype=torch.float64)
    got = lab.temporal_pool(e, mode="attention", query=q)
    assert_close(got, torch.from_numpy(np_pool(e, valid, "attention", q)), atol=1e-10, rtol=0,
                 what="attention pooling, no mask, float64")
    for mode in ("mean", "max", "attention"):
        runtime = "".join(list(mode))                        # a str equal to, but not the same object as, the literal
        assert_close(lab.temporal_pool(e, None, runtime, q), lab.temporal_pool(e, None, mode, q), atol=0, rtol=0,
                     what=f"pooling with mode {mode!r} given as a computed string")
    e32 = e.float()
    for mode in ("mean", "max"):
        check(lab.temporal_pool(e32, None, mode).dtype == torch.float32, f"{mode} pooling of float32 should be float32")


@pytest.mark.points(1)
def test_pool_errors(lab):
    """temporal_pool raises ValueError for wrong shapes, an all-padding clip, unknown modes, a missing query."""
    e, valid = padded_batch(5)
    q = torch.zeros(5)
    check(tuple(lab.temporal_pool(e, valid, "attention", q).shape) == (3, 5), "a valid call should give (B, D)")
    cases = [(e[0], None, "mean", None), (e, valid[:, :4], "mean", None), (e, valid[0], "mean", None),
             (e, torch.zeros(3, 6, dtype=torch.bool), "max", None), (e, valid, "median", None),
             (e, valid, "attention", None), (e, valid, "attention", torch.zeros(4)),
             (e, valid, "attention", torch.zeros(6)), (e, valid, "add", q), (e, valid, "zzz", q), (e[None], None, "mean", None)]
    dead = valid.clone()
    dead[2] = False
    cases.append((e, dead, "mean", None))
    for emb, mask, mode, query in cases:
        with pytest.raises(ValueError):
            lab.temporal_pool(emb, mask, mode, query)


# ---- cosine similarity and retrieval -------------------------------------------------------------------------


@pytest.mark.points(3)
def test_cosine_matches_sklearn(lab):
    """cosine_similarity equals sklearn's on floats, ints, lists, large magnitudes and zero rows."""
    rng = np.random.default_rng(8)
    a, b = rng.normal(size=(5, 7)), rng.normal(size=(4, 7)) * 40 + 3
    cases = [(a, b), (a * 1e4, b), (rng.integers(-5, 6, (3, 4)), rng.integers(-5, 6, (6, 4))),
             ([[1, 0, 0], [0, 0, 0], [3, 4, 0]], [[0, 0, 0], [2, 0, 0], [1, 1, 1]]),
             (a[:1], a), (rng.normal(size=(2, 300)), rng.normal(size=(3, 300)))]
    for x, y in cases:
        got = np.asarray(lab.cosine_similarity(x, y))
        expected = sk_cosine(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
        check(got.dtype == np.float64, f"similarities should be float64, got {got.dtype}")
        assert_close(got, expected, atol=1e-12, rtol=1e-12, what="cosine similarities")


@pytest.mark.points(1)
def test_cosine_errors(lab):
    """cosine_similarity raises ValueError for 1-D inputs and different dimensions."""
    check(np.asarray(lab.cosine_similarity([[1.0, 0.0]], [[0.0, 2.0]])).shape == (1, 1), "a valid call should work")
    for a, b in [([1.0, 0.0], [[1.0, 0.0]]), ([[1.0, 0.0]], [1.0, 0.0]), ([[1.0, 0.0]], [[1.0, 0.0, 0.0]]),
                 ([[1.0, 0.0, 0.0]], [[1.0, 0.0]]), (np.ones((2, 2, 2)), [[1.0, 0.0]]), ([[1.0, 0.0]], np.ones((2, 2, 2)))]:
        with pytest.raises(ValueError):
            lab.cosine_similarity(a, b)


def oracle_topk(queries, bank, captions, k):
    s = sk_cosine(np.asarray(queries, dtype=np.float64), np.asarray(bank, dtype=np.float64))
    order = np.argsort(-s, axis=1, kind="stable")[:, :k]
    return [[(captions[j], s[i, j]) for j in row] for i, row in enumerate(order)]


def assert_topk(got, expected, what):
    check(isinstance(got, (list, tuple)) and len(got) == len(expected), f"{what}: one list per query")
    for i, (g, e) in enumerate(zip(got, expected)):
        check(len(g) == len(e), f"{what}: query {i} should get {len(e)} captions")
        check(all(len(pair) == 2 for pair in g), f"{what}: items are (caption, score) pairs")
        assert_equal([str(c) for c, _ in g], [c for c, _ in e], what=f"{what}: captions of query {i}")
        check(all(isinstance(s, (float, np.floating)) for _, s in g), f"{what}: scores should be floats")
        assert_close(np.array([float(s) for _, s in g]), np.array([s for _, s in e]), atol=1e-9, rtol=0,
                     what=f"{what}: scores of query {i}")


CAPTIONS = ["a red room", "a green field", "a blue sky", "a dark night", "a white wall", "a yellow car"]


@pytest.mark.points(3)
def test_retrieve_matches_oracle(lab):
    """retrieve_captions returns the top-k captions by cosine similarity, best first, with their scores."""
    rng = np.random.default_rng(9)
    bank = rng.normal(size=(6, 8))
    queries = np.concatenate([bank[[2, 5]] * 3 + rng.normal(size=(2, 8)) * 0.1, rng.normal(size=(3, 8))])
    for k in (1, 3, 6):
        assert_topk(lab.retrieve_captions(queries, bank, CAPTIONS, k), oracle_topk(queries, bank, CAPTIONS, k),
                    what=f"top-{k} captions")
    assert_topk(lab.retrieve_captions(queries[:2], bank, CAPTIONS), oracle_topk(queries[:2], bank, CAPTIONS, 1),
                what="top-1 captions by default")
    big_bank = rng.normal(size=(300, 4))
    big_captions = [f"caption {j}" for j in range(300)]
    assert_topk(lab.retrieve_captions(queries[:, :4], big_bank, big_captions, 5),
                oracle_topk(queries[:, :4], big_bank, big_captions, 5), what="top-5 of a bank of 300 captions")
    # unnormalised dot products would prefer the long bank vector
    bank2, queries2 = [[10.0, 10.0], [1.0, 0.1]], [[1.0, 0.0]]
    assert_topk(lab.retrieve_captions(queries2, bank2, ["long", "aligned"], 2),
                oracle_topk(queries2, bank2, ["long", "aligned"], 2), what="a long bank vector and an aligned one")


@pytest.mark.points(3)
def test_retrieve_ties_lower_index_first(lab):
    """Equal scores are ordered by bank index, the lower first."""
    bank = [[0.0, 1.0], [1.0, 0.0], [0.0, 4.0], [2.0, 0.0], [1.0, 0.0], [1.0, 1.0]]
    caps = ["up", "right-1", "up-again", "right-2", "right-3", "diagonal"]
    got = lab.retrieve_captions([[3.0, 0.0], [0.0, 1.0], [1.0, 1.0]], bank, caps, 4)
    expected = [[("right-1", 1.0), ("right-2", 1.0), ("right-3", 1.0), ("diagonal", math.sqrt(0.5))],
                [("up", 1.0), ("up-again", 1.0), ("diagonal", math.sqrt(0.5)), ("right-1", 0.0)],
                [("diagonal", 1.0), ("up", math.sqrt(0.5)), ("right-1", math.sqrt(0.5)), ("up-again", math.sqrt(0.5))]]
    assert_topk(got, expected, what="captions with tied scores")


@pytest.mark.points(1)
def test_retrieve_errors(lab):
    """retrieve_captions raises ValueError for k outside [1, M] and a caption count that is not M."""
    bank = [[1.0, 0.0], [0.0, 1.0]]
    check(len(lab.retrieve_captions([[1.0, 0.0]], bank, ["a", "b"], 2)[0]) == 2, "k = M should work")
    for caps, k in [(["a", "b"], 0), (["a", "b"], 3), (["a"], 1), (["a", "b", "c"], 1)]:
        with pytest.raises(ValueError):
            lab.retrieve_captions([[1.0, 0.0]], bank, caps, k)


# ---- summaries -----------------------------------------------------------------------------------------------


BANK = np.eye(4)
BANK_CAPTIONS = ["a cat sleeps", "a dog runs", "a car passes", "a cat sleeps"]   # rows 0 and 3 say the same


def assert_summary(got, expected, what):
    check(isinstance(got, (list, tuple)), f"{what}: should return a list of (start_time, caption) pairs")
    check(len(got) == len(expected), f"{what}: {len(got)} entries, expected {len(expected)}")
    for i, (g, e) in enumerate(zip(got, expected)):
        check(len(g) == 2, f"{what}: entries are (start_time, caption) pairs")
        check(isinstance(g[0], (float, np.floating)), f"{what}: start times should be floats")
        check(abs(float(g[0]) - e[0]) <= 1e-9, f"{what}: wrong start time at entry {i}")
        check(g[1] == e[1], f"{what}: wrong caption at entry {i}")


@pytest.mark.points(3)
def test_summary_time_order(lab):
    """The summary follows the shots' start times, whatever order the shots come in."""
    ts = 0.5 + np.arange(20) / 4
    shots = [(12, 20), (0, 5), (5, 12)]
    emb = [[0.0, 0.0, 1.0, 0.0], [1.0, 0.1, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]]
    got = lab.summarize_video(shots, emb, BANK, BANK_CAPTIONS, ts)
    assert_summary(got, [(0.5, "a cat sleeps"), (1.75, "a dog runs"), (3.5, "a car passes")],
                   what="summary of shuffled shots")


@pytest.mark.points(3)
def test_summary_no_repeats(lab):
    """A caption text appears once, at its earliest shot, even from another bank row or after other captions."""
    ts = np.arange(30) * 0.1
    shots = [(0, 4), (4, 8), (8, 12), (12, 16), (16, 20), (20, 30)]
    emb = np.array([[1.0, 0, 0, 0], [1.0, 0.2, 0, 0], [0, 1.0, 0, 0], [0, 0, 0, 1.0], [0, 0, 1.0, 0], [0, 1.0, 0, 0.3]])
    got = lab.summarize_video(shots, emb, BANK, BANK_CAPTIONS, ts)
    assert_summary(got, [(0.0, "a cat sleeps"), (0.8, "a dog runs"), (1.6, "a car passes")],
                   what="summary with repeated captions")
    order = [3, 5, 0, 2, 4, 1]
    got = lab.summarize_video([shots[i] for i in order], emb[order], BANK, BANK_CAPTIONS, ts)
    assert_summary(got, [(0.0, "a cat sleeps"), (0.8, "a dog runs"), (1.6, "a car passes")],
                   what="summary with repeated captions, shots shuffled")


@pytest.mark.points(2)
def test_summary_ties_and_edges(lab):
    """A shot tied between captions takes the lower bank row; no shot gives []; mismatched inputs raise ValueError."""
    ts = [2.0, 2.5, 3.0, 3.5]
    got = lab.summarize_video([(2, 4), (0, 2)], [[0.0, 1.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0]], BANK, BANK_CAPTIONS, ts)
    assert_summary(got, [(2.0, "a cat sleeps"), (3.0, "a dog runs")], what="summary with a tied shot")
    assert_summary(lab.summarize_video([], np.zeros((0, 4)), BANK, BANK_CAPTIONS, ts), [], what="summary of no shot")
    assert_summary(lab.summarize_video([], [], BANK, BANK_CAPTIONS, ts), [], what="summary of no shot (lists)")
    got = lab.summarize_video([(2, 3), (0, 4)], [[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]], BANK, BANK_CAPTIONS, ts)
    assert_summary(got, [(2.0, "a car passes"), (3.0, "a dog runs")], what="summary of nested shots (by start frame)")
    got = lab.summarize_video([(0, 2), (2, 4)], [[1.0, 2.0], [3.0, -1.0]], [[0.5, 0.5]], ["one caption"], ts)
    assert_summary(got, [(2.0, "one caption")], what="summary with a bank of one caption")
    many = [(i, i + 1) for i in range(300)]
    got = lab.summarize_video(many, np.tile([[0.0, 0.0, 1.0, 0.0]], (300, 1)), BANK, BANK_CAPTIONS, np.arange(300) / 10)
    assert_summary(got, [(0.0, "a car passes")], what="summary of 300 shots with the same caption")
    with pytest.raises(ValueError):
        lab.summarize_video([(0, 2)], [[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]], BANK, BANK_CAPTIONS, ts)
    with pytest.raises(ValueError):
        lab.summarize_video([(0, 2), (2, 4)], [[1.0, 0.0, 0.0, 0.0]], BANK, BANK_CAPTIONS, ts)
    with pytest.raises(ValueError):
        lab.summarize_video([(0, 2)], [[1.0, 0.0, 0.0, 0.0]], BANK, BANK_CAPTIONS[:3], ts)


@pytest.mark.points(3)
def test_pipeline_end_to_end(lab, tmp_path):
    """Video file -> frames -> shots -> pooled histograms -> retrieved captions -> summary, on a planted video."""
    spec = [(6, RED, BLUE, "square"), (5, GREEN, LIGHT, "pan"), (6, RED, BLUE, "small"), (7, DARK, LIGHT, "square")]
    frames, cuts = scenes(spec)
    path = encode(tmp_path / "story.mkv", frames, pts=[40 * i + 120 for i in range(len(frames))],
                  time_base=Fraction(1, 400))
    _, times = pyav_decode(path)
    video, ts = lab.read_video(lab.put_file(path))
    shots = fields_of_shots(lab.detect_shots(video), "detect_shots")
    assert_equal(shots, as_shots(cuts, len(frames)), what="shots of the story video")
    hist = torch.as_tensor(np.asarray(lab.color_histograms(video)))
    longest = max(e - s for s, e in shots)
    batch = torch.zeros(len(shots), longest, hist.shape[1], dtype=torch.float64)
    mask = torch.zeros(len(shots), longest, dtype=torch.bool)
    for i, (s, e) in enumerate(shots):
        batch[i, : e - s], mask[i, : e - s] = hist[s:e], True
    pooled = lab.temporal_pool(batch, mask, "mean")
    bank = np_histograms(np.stack([scene(1, c, c, "none")[0] for c in (GREEN, RED, DARK, BLUE)]), 8)
    bank_captions = ["a green meadow", "a red room", "a night street", "the blue sea"]
    got = lab.summarize_video(shots, pooled.numpy(), bank, bank_captions, ts)
    assert_summary(got, [(times[0], "a red room"), (times[6], "a green meadow"), (times[17], "a night street")],
                   what="summary of the story video")

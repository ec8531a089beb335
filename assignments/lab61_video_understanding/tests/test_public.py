"""Public sanity checks for lab 61 (video understanding).

Run with ``autograder test lab61_video_understanding``. Passing these does
not mean the hidden tests pass: they decode videos in several containers
and codecs against PyAV itself (variable frame rates, a late first
timestamp, an audio stream before the video), check the sampling rule on
constant, variable and offset timelines (tolerance, last frame, rates above
the source's), compare histograms and cut scores with numpy, find planted
cuts in videos with moving objects and camera pans (raw and after mp4
compression), and check keyframes, every pooling mode and mask type,
cosine similarity against scikit-learn, retrieval tie-breaks, summaries and
every error the docstrings name. Write your own small videos with PyAV to
experiment: ``av.open(path, "w")``, ``add_stream("mpeg4", rate=...)``,
``av.VideoFrame.from_ndarray(rgb, format="rgb24")``, ``stream.encode`` and
``container.mux``.
"""

from __future__ import annotations

import av
import numpy as np
import pytest
import torch

from autograder.testing import assert_close, check


def write_clip(path, colours, per_colour=3, size=32, rate=4):
    """A clip of solid colours, ``per_colour`` frames each, encoded as mpeg4 in an .mp4."""
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mpeg4", rate=rate)
        stream.width = stream.height = size
        stream.pix_fmt = "yuv420p"
        for colour in colours:
            image = np.empty((size, size, 3), np.uint8)
            image[:] = colour
            for _ in range(per_colour):
                out.mux(stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        out.mux(stream.encode())
    return path


def test_read_a_small_clip(lab, tmp_path):
    """read_video gives uint8 RGB frames (T, H, W, 3) and float timestamps 1 / rate apart."""
    path = write_clip(tmp_path / "two_colours.mp4", [(250, 10, 10), (10, 10, 250)])
    frames, times = lab.read_video(lab.put_file(path))
    frames, times = np.asarray(frames), np.asarray(times)
    check(frames.shape == (6, 32, 32, 3), f"expected 6 frames of 32x32x3, got shape {frames.shape}")
    check(frames.dtype == np.uint8, f"frames should be uint8, got {frames.dtype}")
    check(frames[0, 16, 16, 0] > 200 and frames[0, 16, 16, 2] < 50, "the first frame is red: is the order RGB?")
    assert_close(times, np.arange(6) * 0.25, atol=1e-9, rtol=0, what="timestamps of a 4 fps clip")


def test_sample_half_rate(lab):
    """Sampling a 4 fps timeline at 2 fps keeps every other frame."""
    got = np.asarray(lab.sample_frame_indices(np.arange(8) * 0.25, 2))
    check(got.tolist() == [0, 2, 4, 6], f"got {got.tolist()}")


def test_histograms_are_fractions(lab):
    """Each channel's histogram sums to 1."""
    frames = np.random.default_rng(0).integers(0, 256, (2, 5, 6, 3)).astype(np.uint8)
    hist = np.asarray(lab.color_histograms(frames, 4))
    check(hist.shape == (2, 12), f"2 frames, 3 channels x 4 bins: expected shape (2, 12), got {hist.shape}")
    assert_close(hist.reshape(2, 3, 4).sum(axis=2), np.ones((2, 3)), atol=1e-12, rtol=0, what="per-channel sums")


def test_two_solid_shots(lab):
    """Two solid colours, three frames each, are two shots."""
    frames = np.zeros((6, 8, 8, 3), np.uint8)
    frames[3:] = 255
    shots = [tuple(int(v) for v in s) for s in lab.detect_shots(frames)]
    check(shots == [(0, 3), (3, 6)], f"got shots {shots}")


def test_keyframe_is_the_middle(lab):
    """For features 0, 1, 2 the frame nearest the mean is the middle one."""
    keys = [int(k) for k in lab.keyframe_indices(np.array([[0.0], [1.0], [2.0]]), [(0, 3)])]
    check(keys == [1], f"got {keys}")


def test_masked_mean(lab):
    """The mean over real frames ignores the padded ones."""
    emb = torch.tensor([[[1.0, 2.0], [3.0, 4.0], [100.0, 100.0]]])
    got = lab.temporal_pool(emb, torch.tensor([[True, True, False]]), "mean")
    assert_close(got, torch.tensor([[2.0, 3.0]]), atol=1e-6, rtol=0, what="masked mean")


def test_cosine_and_retrieval(lab):
    """Cosine similarity ignores lengths; retrieval returns the best caption first."""
    sims = np.asarray(lab.cosine_similarity([[2.0, 0.0]], [[5.0, 0.0], [0.0, 3.0]]))
    assert_close(sims, np.array([[1.0, 0.0]]), atol=1e-12, rtol=0, what="cosine similarities")
    top = lab.retrieve_captions([[0.1, 1.0]], [[1.0, 0.0], [0.0, 1.0]], ["a beach", "a forest"], 1)
    check(top[0][0][0] == "a forest", f"got {top}")


def test_summary_shape(lab):
    """A summary is a list of (start time, caption) pairs."""
    got = lab.summarize_video([(0, 2), (2, 4)], [[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]],
                              ["a beach", "a forest"], [0.0, 0.5, 1.0, 1.5])
    check([(float(t), c) for t, c in got] == [(0.0, "a beach"), (1.0, "a forest")], f"got {got}")


def test_errors(lab):
    """A non-positive fps is an error."""
    with pytest.raises(ValueError):
        lab.sample_frame_indices([0.0, 0.1], 0)

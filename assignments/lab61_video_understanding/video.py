"""Lab 61: video understanding.

A small video-to-text pipeline, the way a video-language system prepares its
input before any large model sees it:

1. ``read_video``: decode a file with PyAV into RGB frames and their
   presentation timestamps;
2. ``sample_frame_indices``: keep the frames that sampling at a chosen rate
   (frames per second) would see, by TIMESTAMP, so variable frame rates work;
3. ``color_histograms``, ``cut_scores``, ``detect_shots``: split the video into
   shots at hard cuts, from colour-histogram changes (a moving object or a
   camera pan leaves the histogram alone; raw pixel differences do not);
4. ``keyframe_indices``: one representative frame per shot;
5. ``temporal_pool``: masked mean / max / attention pooling of per-frame
   embeddings into one vector per clip;
6. ``cosine_similarity``, ``retrieve_captions``: caption a clip by retrieving
   the nearest captions of a caption bank;
7. ``summarize_video``: one caption per shot, no caption twice, in time order.

Frames are ``uint8`` numpy arrays ``(T, H, W, 3)`` in RGB order; times are
seconds. Each docstring states the exact rules (tie-breaks, boundaries,
errors) the tests check.
"""

from __future__ import annotations

from collections.abc import Sequence

import av  # noqa: F401  (you will need it in read_video)
import numpy as np
import torch


def read_video(path: str) -> tuple[np.ndarray, np.ndarray]:
    """Decode every frame of the first video stream of a file.

    ``path``: a video file in any container PyAV (FFmpeg) reads (.mp4,
    .mkv, .mov, .avi, ...). The first VIDEO stream is decoded, whatever
    streams come before it (a file may start with an audio stream). Frames
    come in presentation order, as PyAV's decoder returns them (a codec with
    B-frames stores them in another order).

    Returns ``(frames, timestamps)``:

    - ``frames``: ``uint8`` array of shape ``(T, H, W, 3)``, RGB channel order
      (what ``frame.to_ndarray(format="rgb24")`` gives);
    - ``timestamps``: ``float64`` array of shape ``(T,)``, the presentation
      time of each frame in seconds, ``frame.pts * stream.time_base``, as
      stored in the file: NOT shifted to start at 0 (a file may start at 0.5 s).

    Raises ``FileNotFoundError`` if ``path`` does not exist and
    ``ValueError`` if the file has no video stream (or it holds no frame).
    """
    raise NotImplementedError("TODO: open the file with av.open, decode the first video stream, frames as rgb24, times as pts * time_base")


def sample_frame_indices(timestamps: Sequence[float] | np.ndarray, fps: float) -> np.ndarray:
    """Indices of the frames kept when sampling a video at ``fps`` frames per second.

    The sampling instants are ``t_k = timestamps[0] + k / fps`` for
    ``k = 0, 1, 2, ...`` as long as ``t_k <= timestamps[-1] + 1e-6`` (no
    instant after the last frame). For each instant the chosen frame is the
    FIRST frame at or after it, with a tolerance of 1e-6 s: the smallest
    ``i`` with ``timestamps[i] >= t_k - 1e-6``. Sampling goes by timestamps,
    not by frame numbers, so a variable-frame-rate video is sampled evenly
    in time. When ``fps`` is above the video's frame rate several instants
    choose the same frame; it is kept once, so the result is strictly
    increasing (for a constant-rate video, every frame).

    ``timestamps``: 1-D list or array of floats, seconds, strictly
    increasing (``read_video``'s timestamps). ``fps``: a finite number > 0
    (int or float).

    Returns an ``int64`` array of indices into ``timestamps``, strictly
    increasing, starting with 0; shape ``(0,)`` for empty ``timestamps``.
    Raises ``ValueError`` if ``fps`` is not a finite number > 0, or
    ``timestamps`` is not 1-D or not strictly increasing.
    """
    raise NotImplementedError("TODO: the first frame at or after each instant timestamps[0] + k / fps")


def color_histograms(frames: np.ndarray, bins: int = 8) -> np.ndarray:
    """Normalised per-channel colour histograms, one row per frame.

    ``frames``: ``uint8`` array ``(T, H, W, 3)``, RGB. ``bins``: an int in
    [1, 256]; each channel's values are split into ``bins`` equal-width bins
    over [0, 256): value ``v`` goes to bin ``floor(v * bins / 256)``
    (``numpy.histogram(channel, bins, range=(0, 256))``).

    Returns a ``float64`` array ``(T, 3 * bins)``: the R channel's bins,
    then G's, then B's, each channel's bins holding the FRACTION of the
    frame's pixels (they sum to 1 per channel, 3 per row), so frames of any
    size compare. ``T = 0`` gives shape ``(0, 3 * bins)``.

    Raises ``ValueError`` if ``frames`` is not ``uint8`` or not of shape
    ``(T, H, W, 3)`` with ``H, W >= 1``, or ``bins`` is not an int in [1, 256].
    """
    raise NotImplementedError("TODO: per-channel histograms of `bins` equal bins over [0, 256), as fractions of the pixels")


def cut_scores(frames: np.ndarray, bins: int = 8) -> np.ndarray:
    """How much the colour distribution changes from each frame to the next.

    ``score[t - 1]`` (for ``t = 1 .. T-1``) compares frame ``t`` with frame
    ``t - 1``: the mean over the 3 channels of the total-variation distance
    ``0.5 * sum_b |p_t[b] - p_{t-1}[b]|`` between the channel's normalised
    histograms (``color_histograms(frames, bins)``). It lies in [0, 1]: 0
    when the colour distribution is the same (however the pixels moved), 1
    when every channel's values all moved to other bins.

    Returns a ``float64`` array of shape ``(T - 1,)``; ``(0,)`` when
    ``T <= 1``. Raises ``ValueError`` as ``color_histograms``.
    """
    raise NotImplementedError("TODO: mean over channels of the total-variation distance between consecutive histograms")


def detect_shots(frames: np.ndarray, threshold: float = 0.3, bins: int = 8,
                 min_shot_len: int = 1) -> list[tuple[int, int]]:
    """Split a video into shots at its hard cuts.

    A cut before frame ``t`` (``1 <= t < T``) is a candidate when
    ``cut_scores(frames, bins)[t - 1] > threshold`` (strictly greater). The
    candidates are taken left to right; one is kept only if the shot it
    closes has at least ``min_shot_len`` frames (``t - start >= min_shot_len``,
    ``start`` the last kept cut, or 0) AND at least ``min_shot_len`` frames
    remain after it (``T - t >= min_shot_len``); a candidate that is not kept
    leaves its frames in the current shot. With ``min_shot_len=1`` every
    candidate is a cut.

    ``threshold``: any float (scores lie in [0, 1], so 1 or more gives one
    shot). Returns the shots as half-open frame ranges ``(start, end)`` in
    order, covering ``0 .. T`` without gaps: ``[(0, c1), (c1, c2), ...,
    (ck, T)]``; ``[]`` when ``T = 0``. Raises ``ValueError`` if
    ``min_shot_len < 1`` and as ``color_histograms``.
    """
    raise NotImplementedError("TODO: cuts where the score exceeds the threshold, filtered by min_shot_len, as (start, end) ranges")


def keyframe_indices(features: np.ndarray, shots: Sequence[tuple[int, int]]) -> list[int]:
    """One representative frame per shot: the frame nearest the shot's mean feature.

    ``features``: ``(T, D)`` array-like of floats, one row per frame (colour
    histograms, or frame embeddings). ``shots``: ``(start, end)`` half-open
    frame ranges with ``0 <= start < end <= T``, in any order.

    For each shot, ``m`` is the mean of ``features[start:end]`` and the
    keyframe is the frame ``t`` in ``[start, end)`` whose row is nearest to
    ``m`` in Euclidean distance; on an exact tie the earliest frame (the
    smallest ``t``) wins. Returns absolute frame indices (``int``), one per
    shot, in the order of ``shots``. Raises ``ValueError`` if ``features``
    is not 2-D or a shot is empty or out of range.
    """
    raise NotImplementedError("TODO: per shot, the frame nearest the mean feature (earliest on ties)")


def temporal_pool(embeddings: torch.Tensor, mask: torch.Tensor | None = None, mode: str = "mean",
                  query: torch.Tensor | None = None) -> torch.Tensor:
    """Pool the frame embeddings of a batch of clips into one vector per clip.

    ``embeddings``: float tensor ``(B, T, D)``, frame ``t`` of clip ``b``.
    Clips shorter than ``T`` are padded at any positions; ``mask`` says
    which frames are real.

    ``mask``: None (every frame is real) or a ``(B, T)`` tensor of bools,
    or of 0/1 ints or floats: True / 1 is a real frame, False / 0 padding.
    Padding never changes the result, whatever finite values it holds.

    ``mode``:

    - ``"mean"``: the mean of the real frames;
    - ``"max"``: the element-wise maximum over the real frames;
    - ``"attention"``: ``sum_t w_t * e_t`` with ``w`` the softmax, over the
      real frames only, of the scores ``s_t = (e_t . query) / sqrt(D)``
      (padded frames get weight 0). Stable for large scores (``|s_t|`` of
      order 1e4 gives no inf or nan).

    ``query``: a ``(D,)`` tensor, required by ``"attention"``, ignored by the
    other modes. Returns a tensor ``(B, D)`` of the dtype of ``embeddings``.
    Raises ``ValueError`` if ``embeddings`` is not 3-D, ``mask`` is not
    ``(B, T)``, a clip has no real frame, ``mode`` is unknown, or
    ``"attention"`` gets no query or one of the wrong shape.
    """
    raise NotImplementedError("TODO: masked mean / max / attention pooling over the time axis")


def cosine_similarity(a: Sequence | np.ndarray, b: Sequence | np.ndarray) -> np.ndarray:
    """Pairwise cosine similarity ``S[i, j] = a_i . b_j / (||a_i|| ||b_j||)``.

    ``a``: ``(N, D)``, ``b``: ``(M, D)``: lists or numpy arrays of floats or
    ints, computed in float64. A row of zeros has similarity 0 with
    everything (as ``sklearn.metrics.pairwise.cosine_similarity``).

    Returns a ``float64`` array ``(N, M)``. Raises ``ValueError`` if ``a``
    or ``b`` is not 2-D or their ``D`` differ.
    """
    raise NotImplementedError("TODO: normalise the rows (zero rows stay zero), then a matrix product")


def retrieve_captions(queries: Sequence | np.ndarray, bank: Sequence | np.ndarray, captions: Sequence[str],
                      k: int = 1) -> list[list[tuple[str, float]]]:
    """The ``k`` best captions of a caption bank for each query, by cosine similarity.

    ``queries``: ``(N, D)`` (e.g. pooled clip embeddings). ``bank``:
    ``(M, D)``, row ``j`` the embedding of ``captions[j]``; ``captions``:
    ``M`` strings. For query ``i`` the ``k`` bank rows of highest
    ``cosine_similarity(queries, bank)[i]`` come best first; equal scores
    are ordered by bank index, the lower first.

    Returns a list of ``N`` lists of ``k`` ``(caption, score)`` tuples, the
    score a float (the cosine similarity). Raises ``ValueError`` if
    ``len(captions) != M``, ``k < 1`` or ``k > M``, and for the shapes
    ``cosine_similarity`` rejects.
    """
    raise NotImplementedError("TODO: top-k bank rows by cosine similarity, ties to the lower index")


def summarize_video(shots: Sequence[tuple[int, int]], shot_embeddings: Sequence | np.ndarray,
                    bank: Sequence | np.ndarray, captions: Sequence[str],
                    timestamps: Sequence[float] | np.ndarray) -> list[tuple[float, str]]:
    """A text summary of a video: one caption per shot, no caption twice, in time order.

    ``shots``: ``(start, end)`` frame ranges, in any order. ``shot_embeddings``:
    ``(S, D)``, row ``s`` the embedding of ``shots[s]`` (e.g. its pooled
    frame embeddings). ``bank`` and ``captions``: the caption bank, as in
    ``retrieve_captions``. ``timestamps``: the frames' times in seconds
    (``read_video``'s).

    Each shot gets its best caption (``retrieve_captions`` with ``k=1``, so
    equal scores go to the lower bank index). The shots are then taken in
    time order (by start frame) and a caption TEXT already in the summary is
    skipped, even when a different bank row gives it: only the earliest shot
    with a caption contributes.

    Returns ``[(start_time, caption), ...]`` with ``start_time =
    float(timestamps[start])`` of that shot, in increasing time; ``[]`` when
    there are no shots. Raises ``ValueError`` if ``len(shots)`` differs from
    the number of rows of ``shot_embeddings``, and as ``retrieve_captions``.
    """
    raise NotImplementedError("TODO: best caption per shot, shots in time order, each caption text once")

"""read_video decodes stream 0, whatever its type, instead of the first video stream."""

import av
import numpy as np



def read_video(path):
    with av.open(path) as container:
        if not container.streams.video:
            raise ValueError("no video stream")
        stream = container.streams[0]
        frames, times = [], []
        for frame in container.decode(stream):
            frames.append(frame.to_ndarray(format="rgb24"))
            times.append(float(frame.pts * stream.time_base))
    return np.stack(frames), np.asarray(times, dtype=np.float64)

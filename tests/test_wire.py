"""The wire format carries plain data only, and refuses everything else."""

import json
import math
import os

import numpy as np
import pytest
import torch

from autograder.sandboxed import wire


@pytest.mark.parametrize(
    "value",
    [
        None, True, 3, -(2**70), 1.5, "naïve ✓", b"\x00\xff", [1, [2, 3]], (1, (2,)), {"a": 1, (1, 2): {3}},
        frozenset({1, 2}), 2 + 3j,
    ],
)
def test_plain_values_round_trip(value):
    assert wire.decode(wire.encode(value)) == value


def test_non_finite_floats_round_trip():
    out = wire.decode(wire.encode([float("inf"), float("-inf"), float("nan")]))
    assert out[:2] == [float("inf"), float("-inf")] and math.isnan(out[2])


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "bool", "uint8", "complex64"])
def test_numpy_arrays_round_trip(dtype):
    arr = (np.arange(12).reshape(3, 4) % 3).astype(dtype)
    out = wire.decode(wire.encode(arr))
    assert type(out) is np.ndarray and out.dtype == arr.dtype and np.array_equal(out, arr)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16, torch.float16, torch.int64, torch.bool])
def test_tensors_round_trip(dtype):
    t = torch.arange(6).reshape(2, 3).to(dtype)
    out = wire.decode(wire.encode(t))
    assert type(out) is torch.Tensor and out.dtype == dtype and torch.equal(out, t)


def test_non_contiguous_and_empty_tensors():
    t = torch.arange(12.0).reshape(3, 4).T
    assert torch.equal(wire.decode(wire.encode(t)), t)
    assert wire.decode(wire.encode(torch.empty(0, 3))).shape == (0, 3)


def test_subclasses_arrive_as_plain_types():
    class Always(np.ndarray):
        def __eq__(self, other):
            return True

    fake = np.zeros(3).view(Always)
    with pytest.raises(wire.Unencodable):
        wire.encode(fake)  # a subclass is not plain data: the worker turns it into a handle


def test_generators_are_materialised():
    assert wire.decode(wire.encode(i * i for i in range(4))) == [0, 1, 4, 9]


def test_unknown_objects_become_what_the_callback_says():
    assert wire.encode(object(), on_unencodable=lambda o: {"$handle": {"id": 1}}) == {"$handle": {"id": 1}}


@pytest.mark.parametrize(
    "data",
    [
        {"$nope": 1},
        {"$ndarray": {"dtype": "object", "shape": [1], "data": ""}},
        {"$ndarray": {"dtype": "float64", "shape": [5], "data": b"AAAA"}},
        {"$tensor": {"dtype": "float32", "shape": [2], "data": b"AAAA"}},
        {"$tensor": {"dtype": "float32", "shape": [1], "data": "AAAAAA=="}},  # base64 text is not raw data
        {"$float": "1e999"},
        {"$handle": {"id": 1}},
        {"a": 1, "b": 2},
    ],
)
def test_malformed_data_is_refused(data):
    with pytest.raises(wire.WireError):
        wire.decode(data)


def test_framing_round_trip_and_size_limit():
    r, w = os.pipe()
    wire.send_message(w, {"x": [1, 2]})
    assert wire.read_message(r) == {"x": [1, 2]}
    os.write(w, wire.HEADER.pack(wire.MAX_MESSAGE_BYTES, 1))
    with pytest.raises(wire.WireError):
        wire.read_message(r)
    os.close(r)
    os.close(w)


def test_binary_data_travels_raw_not_as_base64_text():
    """Arrays, tensors and bytes go in the frame's raw part: the JSON holds only offsets."""
    t = torch.randn(256, 64)
    arr = np.arange(1000, dtype=np.int64)
    message = {"value": wire.encode([t, arr, b"\x00\xff" * 10])}
    data = wire.frame(message)
    json_length, raw_length = wire.parse_header(data[: wire.HEADER.size])
    assert raw_length == t.numel() * 4 + arr.nbytes + 20 and json_length < 400
    out = wire.decode(wire.parse_payload(data[wire.HEADER.size : wire.HEADER.size + json_length], data[wire.HEADER.size + json_length :])["value"])
    assert torch.equal(out[0], t) and np.array_equal(out[1], arr) and out[2] == b"\x00\xff" * 10


@pytest.mark.parametrize("where", [[0, 99], [-1, 2], [0], "x", [0.0, 1]], ids=["past the end", "negative", "short", "text", "float"])
def test_forged_raw_references_are_refused(where):
    payload = json.dumps({"value": {"$bytes": {"$raw": where}}}).encode()
    with pytest.raises(wire.WireError):
        wire.parse_payload(payload, b"abc")


def nested(value, levels: int):
    for _ in range(levels):
        value = [value]
    return value


def test_too_deep_values_are_refused_with_a_reason():
    with pytest.raises(wire.WireError, match="nested too deeply to check"):
        wire.encode(nested(1, 200_000))
    assert wire.decode(wire.encode(nested(1, wire.MAX_DEPTH))) == nested(1, wire.MAX_DEPTH)


def test_what_encodes_also_decodes_object_arrays_included():
    """An object array's lists count towards the depth on both sides: never
    encoded by the worker, then refused by the runner's decoder."""
    inner = np.empty(1, dtype=object)
    inner[0] = nested(1, 30)
    value = nested(inner, 40)
    try:
        data = wire.encode(value)
    except wire.WireError:
        return  # refused where the value is made: the worker reports it as unsendable
    wire.decode(data)


def test_a_zero_dimensional_array_keeps_its_shape():
    import numpy as np

    for value in (np.array(2, dtype=np.int64), np.array(1.5, dtype=np.float32)):
        back = wire.decode(wire.encode(value))
        assert back.shape == () and back.dtype == value.dtype and back == value

"""Plain-data encoding between the trusted runner and the untrusted worker.

Only JSON goes over the wire, never pickle. Values are encoded into JSON
with tagged objects for what JSON lacks (tuples, non-string dict keys,
bytes, non-finite floats, arrays, tensors). Decoding builds fresh objects
of trusted types only (plain Python containers, ``numpy.ndarray``,
``torch.Tensor``), so nothing the student's process sends can carry
behaviour into the runner.

Framing: each message is a 16-byte header (two big-endian lengths: the JSON
part's and the raw part's), the UTF-8 JSON, then the raw bytes. Array,
tensor and ``bytes`` data travel in the raw part, not as base64 text: the
JSON holds ``{"$raw": [offset, length]}`` in their place (written by
:func:`send_message`, resolved by :func:`parse_payload`). Between
``encode`` and ``send_message`` such data is a plain ``bytes`` object, so
``decode(encode(x))`` round-trips without framing too.
"""

from __future__ import annotations

import collections
import json
import math
import os
import struct
import sys
import types
from typing import Any, Callable

from autograder import settings

HEADER = struct.Struct(">QQ")  # length of the JSON part, length of the raw part
MAX_MESSAGE_BYTES = 512 * 1024 * 1024
MAX_DEPTH = 64

# dtypes that may cross the wire; anything else is refused
NUMPY_DTYPES = {
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "complex64", "complex128",
}
TORCH_DTYPES = {
    "bool", "int8", "int16", "int32", "int64", "uint8",
    "float16", "bfloat16", "float32", "float64", "complex64", "complex128",
}


class WireError(ValueError):
    """A message could not be encoded or decoded.

    Never reaches a hidden test as is: the worker reports a result it cannot
    encode as unsendable, and the runner turns that, and any value it cannot
    decode, into :class:`autograder.worker_client.UnsendableValue`, which no
    ``pytest.raises(ValueError)`` accepts. Messages of encoding errors
    complete the phrase "your function returned a value ..."."""


TOO_DEEP = f"nested too deeply to check (more than {MAX_DEPTH} levels of lists, tuples, dicts or sets)"


class Unencodable(Exception):
    """Raised by ``encode`` for a value that is not plain data (the worker turns it into a handle)."""


def _raw(data: bytes) -> bytes:
    """Binary data inside an encoded value: a ``bytes`` object, which ``send_message`` moves to the raw part."""
    return data


def _unraw(data: Any) -> bytes | memoryview:
    if not isinstance(data, (bytes, memoryview)):
        raise WireError("expected raw data")
    return data


def encode(value: Any, on_unencodable: Callable[[Any], Any] | None = None, _depth: int = 0) -> Any:
    """Encode ``value`` as JSON-ready data.

    ``on_unencodable(obj)`` is called for values that are not plain data and
    must return an already-encoded replacement (the worker returns a handle);
    without it such a value raises ``Unencodable``.
    """
    if _depth > MAX_DEPTH:
        raise WireError(TOO_DEEP)
    d = _depth + 1
    t = type(value)
    if value is None or t is bool or t is str:
        return value
    if t is int:
        if abs(value) < 2**53:
            return value
        return {"$int": str(value)}
    if t is float:
        if math.isfinite(value):
            return value
        return {"$float": repr(value)}
    if t is list:
        return [encode(v, on_unencodable, d) for v in value]
    if t is tuple:
        return {"$tuple": [encode(v, on_unencodable, d) for v in value]}
    if t is dict or _is_plain_mapping(value):
        return {"$dict": [[encode(k, on_unencodable, d), encode(v, on_unencodable, d)] for k, v in value.items()]}
    if t is set or t is frozenset:
        return {"$set" if t is set else "$frozenset": [encode(v, on_unencodable, d) for v in value]}
    if t is bytes or t is bytearray:
        return {"$bytes": _raw(bytes(value))}
    if t is complex:
        return {"$complex": [repr(value.real), repr(value.imag)]}
    np = sys.modules.get("numpy")
    if np is not None:
        if t is np.ndarray:
            return _encode_ndarray(np, value, d)
        if isinstance(value, np.generic) and type(value).__module__ == "numpy":
            arr = np.asarray(value)
            if arr.dtype.name in NUMPY_DTYPES:
                return {"$npscalar": _encode_ndarray(np, arr)["$ndarray"]}
    torch = sys.modules.get("torch")
    if torch is not None and t in (torch.Tensor, torch.nn.Parameter):
        return _encode_tensor(torch, value)
    if torch is not None and t is torch.Size:
        return {"$tuple": [int(v) for v in value]}
    if torch is not None and t is torch.dtype:
        return {"$torch_dtype": str(value).removeprefix("torch.")}
    if _is_iterator(value):
        return [encode(v, on_unencodable, d) for v in _bounded(value)]
    if on_unencodable is not None:
        return on_unencodable(value)
    raise Unencodable(f"cannot send a {t.__module__}.{t.__qualname__} as data")


PLAIN_MAPPINGS = (collections.OrderedDict, collections.Counter, collections.defaultdict)
ITERATORS = (types.GeneratorType, map, filter, zip, enumerate, range, reversed)


def _is_plain_mapping(value: Any) -> bool:
    return type(value) in PLAIN_MAPPINGS


def _is_iterator(value: Any) -> bool:
    return isinstance(value, ITERATORS) or type(
        value
    ).__name__ in ("dict_keys", "dict_values", "dict_items")


def _bounded(iterable: Any, limit: int = 1_000_000):
    for i, item in enumerate(iterable):
        if i >= limit:
            raise WireError("holding an iterator that yielded more than a million items")
        yield item


def _encode_ndarray(np: Any, arr: Any, depth: int = 0) -> dict:
    """``depth``: the level the array's contents start at (an object array's lists count)."""
    if arr.dtype.name not in NUMPY_DTYPES:
        if arr.dtype.kind in "OUS":
            return {"$ndarray_list": {"dtype": arr.dtype.kind, "value": encode(arr.tolist(), _depth=depth)}}
        raise Unencodable(f"holding a numpy array of dtype {arr.dtype}, which cannot be checked")
    shape = list(arr.shape)  # before ascontiguousarray, which makes a 0-d array 1-d
    arr = np.ascontiguousarray(arr)
    return {"$ndarray": {"dtype": arr.dtype.name, "shape": shape, "data": _raw(arr.tobytes())}}


def _encode_tensor(torch: Any, tensor: Any) -> dict:
    t = tensor.detach()
    if t.is_sparse or t.layout != torch.strided:
        t = t.to_dense()
    dtype = str(t.dtype).removeprefix("torch.")
    if dtype not in TORCH_DTYPES:
        raise Unencodable(f"holding a tensor of dtype {t.dtype}, which cannot be checked")
    device = t.device.type
    t = t.cpu().contiguous()
    raw = t.view(torch.int16) if t.dtype == torch.bfloat16 else t
    return {
        "$tensor": {
            "dtype": dtype,
            "shape": list(t.shape),
            "data": _raw(raw.numpy().tobytes()),
            "requires_grad": bool(tensor.requires_grad),
            "device": device,
        }
    }


def decode(data: Any, resolve_handle: Callable[[dict], Any] | None = None, _depth: int = 0) -> Any:
    """Decode JSON-ready data into fresh objects of trusted types."""
    if _depth > MAX_DEPTH:
        raise WireError(TOO_DEEP)
    d = _depth + 1
    if data is None or isinstance(data, (bool, str, int, float)):
        return data
    if isinstance(data, list):
        return [decode(v, resolve_handle, d) for v in data]
    if not isinstance(data, dict) or len(data) != 1:
        raise WireError("malformed value")
    (tag, body), = data.items()
    if tag == "$tuple":
        return tuple(decode(v, resolve_handle, d) for v in _list(body))
    if tag == "$dict":
        out = {}
        for pair in _list(body):
            if not isinstance(pair, list) or len(pair) != 2:
                raise WireError("malformed dict item")
            out[_hashable(decode(pair[0], resolve_handle, d))] = decode(pair[1], resolve_handle, d)
        return out
    if tag in ("$set", "$frozenset"):
        items = (_hashable(decode(v, resolve_handle, d)) for v in _list(body))
        return set(items) if tag == "$set" else frozenset(items)
    if tag == "$bytes":
        return bytes(_unraw(body))
    if tag == "$int":
        return int(str(body))
    if tag == "$float":
        if body not in ("nan", "inf", "-inf"):
            raise WireError("malformed float")
        return float(body)
    if tag == "$complex":
        return complex(float(body[0]), float(body[1]))
    if tag == "$ndarray":
        return _decode_ndarray(body)
    if tag == "$npscalar":
        return _decode_ndarray(body)[()]
    if tag == "$ndarray_list":
        import numpy as np

        return np.array(decode(body["value"], resolve_handle, d), dtype=object if body["dtype"] == "O" else None)
    if tag == "$tensor":
        return _decode_tensor(body)
    if tag == "$torch_dtype":
        import torch

        if body not in TORCH_DTYPES:
            raise WireError("unknown dtype")
        return getattr(torch, body)
    if tag == "$handle":
        if resolve_handle is None:
            raise WireError("unexpected handle")
        return resolve_handle(body)
    raise WireError(f"unknown tag {tag!r}")


def _list(body: Any) -> list:
    if not isinstance(body, list):
        raise WireError("expected a list")
    return body


def _hashable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        raise WireError("unhashable dict key or set item") from None
    return value


def _decode_ndarray(body: dict) -> Any:
    import numpy as np

    dtype = body.get("dtype")
    if dtype not in NUMPY_DTYPES:
        raise WireError(f"refused dtype {dtype!r}")
    shape = tuple(int(s) for s in body["shape"])
    raw = _unraw(body["data"])
    if len(raw) != math.prod(shape) * np.dtype(dtype).itemsize:
        raise WireError("array data does not match its shape")
    return np.frombuffer(raw, dtype=np.dtype(dtype)).reshape(shape).copy()


def _decode_tensor(body: dict) -> Any:
    import torch

    dtype = body.get("dtype")
    if dtype not in TORCH_DTYPES:
        raise WireError(f"refused dtype {dtype!r}")
    shape = tuple(int(s) for s in body["shape"])
    raw = bytearray(_unraw(body["data"]))
    storage_dtype = torch.int16 if dtype == "bfloat16" else getattr(torch, dtype)
    numel = math.prod(shape)
    if len(raw) != numel * storage_dtype.itemsize:
        raise WireError("tensor data does not match its shape")
    if numel == 0:
        t = torch.empty(shape, dtype=storage_dtype)
    else:
        t = torch.frombuffer(raw, dtype=storage_dtype).reshape(shape).clone()
    if dtype == "bfloat16":
        t = t.view(torch.bfloat16)
    device = body.get("device", "cpu")
    if device != "cpu" and settings.flag(settings.KEEP_DEVICE_ENV) and torch.cuda.is_available():
        t = t.to(device)
    return t


# ---- framing -------------------------------------------------------------------------------------


def frame(message: dict) -> bytes:
    """One message as bytes on the wire: header, JSON, raw part."""
    chunks: list[bytes] = []
    offset = 0

    def to_raw(value: Any) -> Any:
        nonlocal offset
        if not isinstance(value, bytes):
            raise TypeError(f"{type(value).__name__} is not JSON data")
        chunks.append(value)
        offset += len(value)
        return {"$raw": [offset - len(value), len(value)]}

    payload = json.dumps(message, separators=(",", ":"), allow_nan=False, default=to_raw).encode("utf-8")
    return b"".join([HEADER.pack(len(payload), offset), payload, *chunks])


def send_message(fd: int, message: dict) -> None:
    _write_all(fd, frame(message))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def read_exact(fd: int, n: int) -> bytes:
    chunks = []
    while n:
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            raise EOFError("pipe closed")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def parse_header(header: bytes) -> tuple[int, int]:
    """(JSON length, raw length) from a message's header; refuses a message over the limit."""
    json_length, raw_length = HEADER.unpack(header)
    if json_length + raw_length > MAX_MESSAGE_BYTES:
        raise WireError(f"message of {json_length + raw_length} bytes is over the limit")
    return json_length, raw_length


def parse_payload(payload: bytes, raw: bytes = b"") -> dict:
    """The message in ``payload`` (JSON), its ``$raw`` references resolved into ``raw``."""
    view = memoryview(raw)

    def resolve(obj: dict) -> Any:
        if len(obj) == 1 and "$raw" in obj:
            where = obj["$raw"]
            if not (isinstance(where, list) and len(where) == 2 and all(type(x) is int and x >= 0 for x in where) and where[0] + where[1] <= len(view)):
                raise WireError("malformed raw reference")
            return view[where[0] : where[0] + where[1]]
        return obj

    try:
        message = json.loads(payload.decode("utf-8"), object_hook=resolve)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise WireError(f"malformed message: {exc}") from None
    if not isinstance(message, dict):
        raise WireError("malformed message: not an object")
    return message


def read_message(fd: int) -> dict:
    json_length, raw_length = parse_header(read_exact(fd, HEADER.size))
    return parse_payload(read_exact(fd, json_length), read_exact(fd, raw_length))

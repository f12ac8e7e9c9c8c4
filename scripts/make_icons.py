"""Draws the client's app icons (a book on the brand colour) as PNG without any imaging library."""

import struct
import sys
import zlib
from pathlib import Path


def png(size: int) -> bytes:
    brand, white, accent = (0x1D, 0x4E, 0x89), (0xFF, 0xFF, 0xFF), (0xFF, 0xBF, 0x47)
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            u, v = x / size, y / size
            colour = brand
            if 0.22 < v < 0.78 and (0.18 < u < 0.48 or 0.52 < u < 0.82):
                colour = white
                if 0.30 < v < 0.70 and ((0.24 < u < 0.42) or (0.58 < u < 0.76)) and int(v * 40) % 3 == 0:
                    colour = brand
            if 0.48 <= u <= 0.52 and 0.20 < v < 0.80:
                colour = accent
            row += bytes(colour)
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


if __name__ == "__main__":
    target = Path(sys.argv[1])
    for size in (192, 512):
        (target / f"icon-{size}.png").write_bytes(png(size))

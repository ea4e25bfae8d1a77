#!/usr/bin/env python3
"""What a PNG painted: its size, how many dark (text) pixels, and how many pixels of each colour
asked for (RRGGBB), as one JSON line. Decodes the PNG itself (zlib and the five filters), so the
checks need nothing beyond Python.  Usage: png_colors.py IMAGE.png [RRGGBB ...]"""
import json, struct, sys, zlib

def pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(path + ": not a PNG")
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    if depth != 8 or colour not in (2, 6):
        raise SystemExit(path + ": not 8-bit RGB or RGBA")
    idat, pos = b"", 8
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + n]
        pos += 12 + n
    raw = zlib.decompress(idat)
    bpp = 3 if colour == 2 else 4
    stride = width * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows

def main():
    path, wanted = sys.argv[1], [w.lower().lstrip("#") for w in sys.argv[2:]]
    width, height, bpp, rows = pixels(path)
    targets = {tuple(int(w[i:i + 2], 16) for i in (0, 2, 4)): w for w in wanted}
    counts = {w: 0 for w in wanted}
    dark = 0
    for row in rows:
        for x in range(0, width * bpp, bpp):
            rgb = (row[x], row[x + 1], row[x + 2])
            if rgb in targets:
                counts[targets[rgb]] += 1
            if rgb[0] < 128 and rgb[1] < 128 and rgb[2] < 128:
                dark += 1
    print(json.dumps({"width": width, "height": height, "dark": dark, "colors": counts}))

main()

"""Training-tensor folders packed for a trip to another machine, and unpacked there: every .npy xz-compressed
(the one-hot token rows shrink about 150x: the 1.2 GB CPU-zoo folder packs to 5.4 MB), other files copied.
For training on a GPU machine that has PyTorch but not Node (the tokenizer that writes the folders is TypeScript).

    /usr/bin/python3 -m training.train.pack_tensors pack   SRC_ROOT DST_ROOT NAME...
    python3 -m training.train.pack_tensors unpack SRC_ROOT DST_ROOT
"""
import lzma
import os
import shutil
import sys
from concurrent.futures import ProcessPoolExecutor

CHUNK = 1 << 24


def pack_file(pair):
    src, dst = pair
    if src.endswith(".npy"):
        with open(src, "rb") as a, lzma.open(dst + ".xz", "wb", preset=6) as b:
            shutil.copyfileobj(a, b, CHUNK)
    else:
        shutil.copy(src, dst)


def unpack_file(pair):
    src, dst = pair
    if src.endswith(".npy.xz"):
        with lzma.open(src, "rb") as a, open(dst[:-3], "wb") as b:
            shutil.copyfileobj(a, b, CHUNK)
    else:
        shutil.copy(src, dst)


def pairs(src_root, dst_root, names):
    out = []
    for name in names:
        os.makedirs(os.path.join(dst_root, name), exist_ok=True)
        out += [(os.path.join(src_root, name, f), os.path.join(dst_root, name, f))
                for f in sorted(os.listdir(os.path.join(src_root, name)))]
    return out


def main(argv):
    if len(argv) < 3 or argv[0] not in ("pack", "unpack") or (argv[0] == "pack" and len(argv) < 4):
        raise SystemExit(__doc__)
    mode, src_root, dst_root, names = argv[0], argv[1], argv[2], argv[3:]
    names = names or sorted(os.listdir(src_root))
    work = pairs(src_root, dst_root, names)
    with ProcessPoolExecutor(min(len(work), os.cpu_count() or 1)) as pool:
        list(pool.map(pack_file if mode == "pack" else unpack_file, work))
    for name in names:
        folder = os.path.join(dst_root, name)
        size = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))
        print("%s %s: %.1f MB" % (mode, name, size / 1e6))


if __name__ == "__main__":
    main(sys.argv[1:])

"""Real short video files with planted shot boundaries (issue 17, video analysis).

Each file is an H.264 MP4 (PyAV, libx264) of textured, panning scenes with a moving sprite, one scene
per shot. Shots change by a hard cut or by a dissolve (a linear cross-fade of 8-16 frames); camera
flashes (1-3 frames of a luminance spike that returns to the same scene) are planted inside shots, and
shots differ in brightness and sharpness so that a thumbnail choice has something to choose. Truth is
in frames: a cut's boundary is the first frame of the new shot, a dissolve's is its middle frame (the
first with the new scene weighted at least one half). Retention dips planted on the video fall inside
a shot, at least one second away from its boundaries, so an edit suggestion can be checked by shot.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

WIDTH, HEIGHT = 360, 640


@dataclass
class VideoPlan:
    """Everything about one planted file, in frames; `truth()` is what truth.json stores."""

    video_id: int
    fps: int
    n_frames: int
    boundaries: list[int] = field(default_factory=list)  # first frame of shots 2.. (dissolve: middle)
    kinds: list[str] = field(default_factory=list)  # "cut" | "dissolve" per boundary
    dissolves: list[tuple[int, int]] = field(default_factory=list)  # [first, last] frame of each blend
    flashes: list[tuple[int, int]] = field(default_factory=list)  # [first, last] frame of each flash
    shot_brightness: list[float] = field(default_factory=list)
    shot_blur: list[bool] = field(default_factory=list)
    dip_shots: list[dict] = field(default_factory=list)

    def shot_of_second(self, second: float) -> int:
        """1-based shot index holding time `second`."""
        return 1 + int(np.searchsorted(np.asarray(self.boundaries), second * self.fps, side="right"))

    def truth(self, path: str) -> dict:
        return {"video_id": self.video_id, "path": path, "fps": self.fps, "n_frames": self.n_frames,
                "width": WIDTH, "height": HEIGHT, "boundaries": self.boundaries, "kinds": self.kinds,
                "dissolves": [list(d) for d in self.dissolves], "flashes": [list(f) for f in self.flashes],
                "shot_brightness": self.shot_brightness, "shot_blurred": self.shot_blur,
                "dip_shots": self.dip_shots}


def plan_video(rng: np.random.Generator, video_id: int, duration: int, dip_seconds: list[int]) -> VideoPlan:
    """Shot lengths of 1.5-5 s, no boundary within 1 s of a dip second's middle; about a third of
    boundaries are dissolves; a flash in about every third shot."""
    fps = int(rng.choice([24, 25, 30]))
    n = duration * fps
    plan = VideoPlan(video_id=video_id, fps=fps, n_frames=n)
    forbidden = [((s + 0.5 - 1.0) * fps, (s + 0.5 + 1.0) * fps) for s in dip_seconds]
    pos = 0
    while True:
        step = int(rng.uniform(1.5, 5.0) * fps)
        b = pos + step
        if b > n - int(1.5 * fps):
            break
        if any(lo - 12 <= b <= hi + 12 for lo, hi in forbidden):
            pos = b  # skip this boundary, keep the shot longer
            continue
        if rng.random() < 0.35:
            length = int(rng.integers(8, 17))
            first = b - length // 2
            plan.dissolves.append((first, first + length - 1))
            plan.kinds.append("dissolve")
            b = first + length // 2  # the first frame weighted at least 1/2 towards the new shot
        else:
            plan.kinds.append("cut")
        plan.boundaries.append(int(b))
        pos = b
    edges = [0, *plan.boundaries, n]
    busy = [(b - 10, b + 10) for b in plan.boundaries] + [(a - 10, z + 10) for a, z in plan.dissolves]
    for i in range(len(edges) - 1):
        lo, hi = edges[i] + 12, edges[i + 1] - 14
        if hi > lo and rng.random() < 0.35:
            start = int(rng.integers(lo, hi))
            if not any(a <= start <= z for a, z in busy):
                plan.flashes.append((start, start + int(rng.integers(0, 3))))
    k = len(edges) - 1
    plan.shot_brightness = [float(x) for x in rng.uniform(0.35, 1.0, k)]
    plan.shot_blur = [bool(x) for x in rng.random(k) < 0.3]
    plan.dip_shots = [{"second": int(s), "shot_index": plan.shot_of_second(s + 0.5)} for s in dip_seconds]
    return plan


def _scene(rng: np.random.Generator, brightness: float, blur: bool) -> dict:
    """A texture larger than the frame (for panning), its pan velocity and a sprite."""
    h, w = HEIGHT + 200, WIDTH + 200
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.zeros((h, w, 3), np.float32)
    for c in range(3):
        f1, f2 = rng.uniform(0.01, 0.08, 2)
        ph = rng.uniform(0, 6.3, 2)
        img[..., c] = 128 + 60 * np.sin(f1 * x + ph[0]) * np.cos(f2 * y + ph[1]) + rng.uniform(-50, 50)
    blocks = rng.integers(0, 2, (h // 20 + 1, w // 20 + 1)).astype(np.float32)
    img += 40 * (np.kron(blocks, np.ones((20, 20), np.float32))[:h, :w, None] - 0.5)
    if blur:
        for _ in range(3):  # box blur: a soft shot is a worse thumbnail
            img = (img + np.roll(img, 2, 0) + np.roll(img, -2, 0) + np.roll(img, 2, 1) + np.roll(img, -2, 1)) / 5
    img = np.clip(img * brightness, 0, 255)
    return {"img": img.astype(np.uint8), "v": rng.uniform(-1.5, 1.5, 2),
            "sprite": rng.integers(0, 256, 3).astype(np.uint8), "sv": rng.uniform(-6, 6, 2),
            "sp": rng.uniform([40, 40], [WIDTH - 100, HEIGHT - 100])}


def _frame(scene: dict, t: int) -> np.ndarray:
    dx, dy = np.abs((scene["v"] * t + 100) % 400 - 200)  # pan back and forth: no jump
    out = scene["img"][int(dy):int(dy) + HEIGHT, int(dx):int(dx) + WIDTH].copy()
    sx, sy = scene["sp"] + scene["sv"] * t
    sx, sy = int(abs(sx % (2 * WIDTH - 120) - (WIDTH - 60))), int(abs(sy % (2 * HEIGHT - 120) - (HEIGHT - 60)))
    out[sy:sy + 60, sx:sx + 60] = scene["sprite"]
    return out


def render(plan: VideoPlan, path: Path, rng: np.random.Generator) -> None:
    """Encode the planned video to `path` atomically (a temp file renamed into place)."""
    import av

    edges = [0, *plan.boundaries, plan.n_frames]
    scenes = [_scene(rng, plan.shot_brightness[i], plan.shot_blur[i]) for i in range(len(edges) - 1)]
    blend = {}
    for a, z in plan.dissolves:
        j = plan.boundaries.index(a + (z - a + 1) // 2)
        for f in range(a, z + 1):
            blend[f] = (j, (f - a + 1) / (z - a + 2))  # the boundary and the next shot's weight
    flash = {f for a, z in plan.flashes for f in range(a, z + 1)}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with av.open(str(tmp), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=plan.fps)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.options = {"preset": "ultrafast", "crf": "23"}
        for f in range(plan.n_frames):
            shot = int(np.searchsorted(plan.boundaries, f, side="right"))
            if f in blend:  # inside a dissolve: from the shot before its boundary to the shot after
                j, w = blend[f]
                img = ((1 - w) * _frame(scenes[j], f) + w * _frame(scenes[j + 1], f)).astype(np.uint8)
            else:
                img = _frame(scenes[shot], f)
            if f in flash:
                img = np.clip(img.astype(np.int16) + 150, 0, 255).astype(np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    os.replace(tmp, path)

"""Shots of a video file: boundaries robust to camera flashes and dissolves, keyframes, a thumbnail.

One decoding pass (PyAV, one thread) scales every frame to at most 320 px on its long side; the
detector works on an area-scaled colour copy a quarter of that size (45 x 80 x 3 for a 360 x 640
video), kept in memory; keyframe candidates are every third frame at 180 x 320.

- Hard cut at frame t (the first frame of the new shot): the mean absolute difference of frames t-1
  and t exceeds both a floor and `cut_ratio` times the local baseline (median of the frame
  differences in the `window` frames each side). It is a **flash** instead, and no cut, when the
  scene before the jump returns within `max_flash` frames (frame t-1 resembles a frame t+1..t+max_flash,
  or t resembles a frame t-2..t-1-max_flash, for the jump back): a 1-3 frame luminance spike.
- **Dissolve**: a cross-fade changes the picture little per frame but a lot across it. The change
  across 2k frames, |g(t+k) - g(t-k)|, forms a symmetric plateau around the middle of a linear blend;
  away from cuts and flashes, a run where it stands `dissolve_ratio` above its baseline, with a middle
  frame close to the average of the run's two ends (a blend; a pan or a moving object is not), is a
  dissolve, and its boundary is the middle of the run at half height.

PySceneDetect's detectors, measured against these planted videos in `reelmart bench creators`, take a
flash for a cut and miss most dissolves; the numbers are in docs/creator-studio.md.

Per shot: mean brightness (0-255), motion (mean absolute frame difference within the shot, 0-255),
and a keyframe: among the best frame of each second inside the shot (flashes and blends excluded),
the one with the highest sharpness (variance of the Laplacian) times a lighting score that peaks at
mid brightness. The thumbnail is the keyframe of the best shot: with a retention per shot given,
the best-retained shots' keyframes compete on sharpness x lighting (`choose_thumbnail`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = ["FILE_SHOT_COLUMNS", "SHOT_COLUMNS", "ShotConfig", "VideoAnalysis", "analyse_file_shots", "analyse_video",
           "choose_thumbnail", "detect_boundaries", "encode_jpeg", "match_boundaries", "select_typed",
           "shot_stay_shares", "shots_with_retention"]


@dataclass(frozen=True)
class ShotConfig:
    """Thresholds on 0-255 mean absolute differences of the small colour frames. min_shot_frames: no two
    boundaries closer (the later is dropped)."""

    cut_floor: float = 12.0
    cut_ratio: float = 3.0
    window: int = 8
    max_flash: int = 3
    flash_similarity: float = 0.4
    dissolve_half_span: int = 6
    dissolve_floor: float = 14.0
    dissolve_ratio: float = 2.0
    blend_residual: float = 0.35
    min_shot_frames: int = 8
    max_side: int = 320
    block: int = 4

    def __post_init__(self) -> None:
        if self.cut_ratio <= 1 or self.dissolve_ratio <= 1:
            raise ValueError("cut_ratio and dissolve_ratio must exceed 1")
        if self.max_flash < 1 or self.window < 2 or self.dissolve_half_span < 2:
            raise ValueError("max_flash >= 1, window >= 2 and dissolve_half_span >= 2 are required")


@dataclass
class VideoAnalysis:
    """The result for one file. Shots are 1-based; frame ranges are [start, end)."""

    fps: float
    n_frames: int
    width: int
    height: int
    boundaries: list[int]
    kinds: list[str]
    flashes: list[int]
    shots: list[dict]
    keyframes: dict[int, np.ndarray] = field(repr=False)
    decode_seconds: float = 0.0
    detect_seconds: float = 0.0

    @property
    def duration(self) -> float:
        return self.n_frames / self.fps if self.fps else 0.0

    def shot_at(self, second: float) -> int:
        """1-based index of the shot holding time `second`."""
        return 1 + int(np.searchsorted(np.asarray(self.boundaries), second * self.fps, side="right"))

    def to_dict(self) -> dict:
        return {"fps": self.fps, "n_frames": self.n_frames, "duration_s": round(self.duration, 3),
                "width": self.width, "height": self.height, "shots": self.shots, "flash_frames": self.flashes,
                "thumbnail_shot": next((s["shot_index"] for s in self.shots if s["is_thumbnail"]), None)}


def _diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a - b).mean())


def _median_around(x: np.ndarray, t: int, w: int, skip: int = 1) -> float:
    """Median of x over t-w..t-skip and t+skip..t+w (t and its skip-1 nearest neighbours each side left out)."""
    lo = x[max(0, t - w):max(0, t - skip + 1)]
    hi = x[t + skip:t + w + 1]
    both = np.concatenate([lo, hi])
    return float(np.median(both)) if len(both) else 0.0


def _coarse(frame: np.ndarray) -> np.ndarray:
    """4x4 block means of a small frame: the texture's motion averages out, a change of scene does not."""
    h4, w4 = frame.shape[0] // 4, frame.shape[1] // 4
    if h4 == 0 or w4 == 0:
        return frame
    return frame[:h4 * 4, :w4 * 4].reshape(h4, 4, w4, 4, *frame.shape[2:]).mean(axis=(1, 3))


def frame_signals(small, half_span: int) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Per frame: the change from the previous frame, the change across 2 x half_span frames of the
    coarse picture (at the middle frame), and the coarse frames. One pass over a list of frames: no
    stacked copy of the whole video."""
    n, k = len(small), half_span
    d1 = np.zeros(n, np.float32)
    long = np.zeros(n, np.float32)
    coarse = [_coarse(f) for f in small]
    for t in range(1, n):
        d1[t] = _diff(small[t], small[t - 1])
        if t >= 2 * k:
            long[t - k] = _diff(coarse[t], coarse[t - 2 * k])
    return d1, long, coarse


def detect_boundaries(small, config: ShotConfig = ShotConfig()) -> tuple[list[int], list[str], list[int]]:
    """Boundaries (first frame of each new shot; a dissolve's middle), their kinds, and flash frames,
    from a sequence of small frames, each (h, w) or (h, w, channels), float32 0-255."""
    n = len(small)
    if n < 3:
        return [], [], []
    k = config.dissolve_half_span
    d1, long, coarse = frame_signals(small, k)
    cuts: list[int] = []
    flashes: list[int] = []
    for t in range(1, n):
        base = _median_around(d1, t, config.window)
        if d1[t] < max(config.cut_floor, config.cut_ratio * base):
            continue
        limit = config.flash_similarity * d1[t]
        returns = any(_diff(small[t - 1], small[t - 1 + j]) < limit for j in range(2, config.max_flash + 2)
                      if t - 1 + j < n)
        back = any(_diff(small[t], small[t - j]) < limit for j in range(2, config.max_flash + 2) if t - j >= 0)
        if returns or back:
            flashes.append(t)
        elif not cuts or t - cuts[-1] >= config.min_shot_frames:
            cuts.append(t)
    # flash frames: from a flash's jump to its return (the next suppressed jump within max_flash frames)
    flash_frames: set[int] = set()
    for onset, back in zip(flashes, flashes[1:], strict=False):
        if back - onset <= config.max_flash + 1 and onset not in flash_frames:
            flash_frames.update(range(onset, back))

    masked = np.zeros(n, bool)
    for t in cuts:
        masked[max(0, t - k - 1):t + k + 1] = True
    for t in flashes:
        masked[max(0, t - k - config.max_flash):t + k + config.max_flash + 1] = True
    dissolves: list[int] = []
    wide = 4 * config.window
    t = k
    while t < n - k:
        if masked[t] or long[t] < config.dissolve_floor:
            t += 1
            continue
        base = _median_around(long, t, wide, skip=2 * k + 8)
        if long[t] < config.dissolve_ratio * max(base, 1.0):
            t += 1
            continue
        end = t
        while end + 1 < n - k and not masked[end + 1] and long[end + 1] >= config.dissolve_ratio * max(base, 1.0):
            end += 1
        run = long[t:end + 1]
        half = run.max() / 2
        # the half-height run may start before t: walk outwards on the unmasked signal
        a, z = t, end
        while a - 1 >= k and not masked[a - 1] and long[a - 1] >= half:
            a -= 1
        while z + 1 < n - k and not masked[z + 1] and long[z + 1] >= half:
            z += 1
        mid = int(np.floor((a + z) / 2 + 0.5))
        s, e = max(0, a - k), min(n - 1, z + k)
        span = _diff(coarse[s], coarse[e])
        blend = _diff(coarse[mid], (coarse[s] + coarse[e]) / 2)
        if span >= config.dissolve_floor and blend < config.blend_residual * span:
            dissolves.append(mid)
        t = z + 1
    merged = sorted([(b, "cut") for b in cuts] + [(b, "dissolve") for b in dissolves])
    out: list[tuple[int, str]] = []
    for b, kind in merged:
        if out and b - out[-1][0] < config.min_shot_frames:
            continue
        out.append((b, kind))
    return [b for b, _ in out], [kind for _, kind in out], sorted(flash_frames)


def _sharpness(grey: np.ndarray) -> float:
    lap = (grey[1:-1, :-2] + grey[1:-1, 2:] + grey[:-2, 1:-1] + grey[2:, 1:-1] - 4 * grey[1:-1, 1:-1])
    return float(lap.var())


def _lighting(mean: float) -> float:
    """1 at mid-grey (128), falling to 0.2 for black or white frames."""
    return float(max(0.2, 1 - abs(mean - 128) / 160))


def analyse_video(path: str | Path, config: ShotConfig = ShotConfig(), shot_retention: dict | None = None
                  ) -> VideoAnalysis:
    """Decode `path` once and return its shots, keyframes (RGB arrays) and thumbnail choice.
    Raises ValueError for a file with no decodable video stream."""
    import av

    started = time.perf_counter()
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError) as exc:  # pragma: no cover - message only
        raise ValueError(f"{path}: not a readable video file ({exc})") from exc
    with container:
        if not container.streams.video:
            raise ValueError(f"{path}: no video stream")
        stream = container.streams.video[0]
        stream.thread_type = "SLICE"
        stream.codec_context.thread_count = 1
        fps = float(stream.average_rate or stream.guessed_rate or 25)
        width, height = stream.codec_context.width, stream.codec_context.height
        scale = min(1.0, config.max_side / max(width, height))
        b = config.block
        sw, sh = max(b, int(width * scale) // b * b), max(b, int(height * scale) // b * b)
        smalls: list[np.ndarray] = []
        bright: list[float] = []
        best_per_second: dict[int, tuple[float, int, np.ndarray]] = {}
        weights = np.array([0.299, 0.587, 0.114], np.float32)
        for i, frame in enumerate(container.decode(stream)):
            # the detector's frame: colour block means, scaled by swscale's area filter (fast, in C)
            tiny = frame.to_ndarray(format="rgb24", width=sw // b, height=sh // b, interpolation="AREA")
            smalls.append(tiny.astype(np.float32))  # 45 x 80 x 3 floats for 360 x 640: 43 kB a frame
            mean = float(tiny.reshape(-1, 3).mean(axis=0) @ weights)
            bright.append(mean)
            sec = int(i / fps)
            if i % 3 == 0:  # keyframe candidates: every third frame is plenty and keeps decoding fast
                rgb = frame.to_ndarray(format="rgb24", width=sw, height=sh)
                score = _sharpness(rgb.astype(np.float32) @ weights) * _lighting(mean)
                if sec not in best_per_second or score > best_per_second[sec][0]:
                    best_per_second[sec] = (score, i, rgb)
    decoded = time.perf_counter()
    if not smalls:
        raise ValueError(f"{path}: no decodable frames")
    boundaries, kinds, flashes = detect_boundaries(smalls, config)
    n = len(smalls)
    d1 = np.zeros(n, np.float32)
    for t in range(1, n):
        d1[t] = _diff(smalls[t], smalls[t - 1])
    flash_set = set(flashes)
    edges = [0, *boundaries, n]
    shots, keyframes = [], {}
    for s in range(len(edges) - 1):
        a, z = edges[s], edges[s + 1]
        inner = [f for f in range(a + 1, z) if f not in flash_set and f - 1 not in flash_set]
        motion = float(np.median(d1[inner])) if inner else 0.0
        frames = [f for f in range(a, z) if f not in flash_set]
        candidates = [(sc, f, img) for sc, f, img in best_per_second.values()
                      if a + 4 <= f < z - 4 and f not in flash_set]
        if not candidates:
            candidates = [(sc, f, img) for sc, f, img in best_per_second.values() if a <= f < z]
        score, key, img = max(candidates, key=lambda c: c[0]) if candidates else (0.0, a, None)
        if img is not None:
            keyframes[s + 1] = img
        shots.append({
            "shot_index": s + 1, "start_frame": a, "end_frame": z,
            "start_s": round(a / fps, 3), "end_s": round(z / fps, 3),
            "boundary_kind": "start" if s == 0 else kinds[s - 1],
            "brightness": round(float(np.mean([bright[f] for f in frames])) if frames else 0.0, 2),
            "motion": round(motion, 3), "keyframe_frame": int(key),
            "keyframe_sharpness": round(score, 2), "is_thumbnail": False,
        })
    thumb = choose_thumbnail(shots, shot_retention)
    for shot in shots:
        shot["is_thumbnail"] = shot["shot_index"] == thumb
    return VideoAnalysis(fps=fps, n_frames=n, width=width, height=height, boundaries=boundaries, kinds=kinds,
                         flashes=flashes, shots=shots, keyframes=keyframes,
                         decode_seconds=decoded - started, detect_seconds=time.perf_counter() - decoded)


def choose_thumbnail(shots: list[dict], shot_retention: dict | None = None) -> int | None:
    """The shot whose keyframe becomes the thumbnail: among the shots whose retention is at least the
    median shot's (all shots when none is given), the sharpest and best-lit keyframe (the keyframe score
    already multiplies sharpness by lighting)."""
    if not shots:
        return None
    pool = shots
    if shot_retention:
        values = [shot_retention.get(s["shot_index"]) for s in shots]
        known = [v for v in values if v is not None]
        if known:
            cut = float(np.median(known))
            pool = [s for s, v in zip(shots, values, strict=True) if v is not None and v >= cut] or shots
    return max(pool, key=lambda s: s["keyframe_sharpness"])["shot_index"]


def encode_jpeg(rgb: np.ndarray, quality: int = 80) -> bytes:
    """JPEG bytes of an RGB array (OpenCV, headless build)."""
    import cv2

    ok, buf = cv2.imencode(".jpg", np.ascontiguousarray(rgb[..., ::-1]), [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:  # pragma: no cover
        raise ValueError("JPEG encoding failed")
    return buf.tobytes()


def match_boundaries(truth: list[int], found: list[int], tolerance: int = 1) -> dict:
    """Greedy one-to-one matching within +-tolerance frames: true positives, precision, recall, F1."""
    used: set[int] = set()
    tp = 0
    for b in sorted(truth):
        close = [f for f in found if abs(f - b) <= tolerance and f not in used]
        if close:
            used.add(min(close, key=lambda f: abs(f - b)))
            tp += 1
    precision = tp / len(found) if found else 1.0
    recall = tp / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"true": len(truth), "found": len(found), "tp": tp, "precision": precision, "recall": recall, "f1": f1}


# The SQL type of every shot column, for both shot tables (int_video_file_shots, fct_video_shots): one home.
SHOT_COLUMN_TYPES = {
    "video_id": "bigint", "file_size": "bigint", "file_mtime_ns": "bigint", "shot_index": "integer",
    "start_frame": "integer", "end_frame": "integer", "start_seconds": "double", "end_seconds": "double",
    "boundary_kind": "varchar", "brightness": "double", "motion": "double", "keyframe_frame": "integer",
    "keyframe_sharpness": "double", "shot_stay_share": "double", "is_thumbnail": "boolean", "fps": "double",
    "keyframe_jpeg": "binary",
}
SHOT_COLUMNS = ["video_id", "shot_index", "start_frame", "end_frame", "start_seconds", "end_seconds",
                "boundary_kind", "brightness", "motion", "keyframe_frame", "keyframe_sharpness",
                "shot_stay_share", "is_thumbnail", "fps", "keyframe_jpeg"]
# What depends on the file alone (kept between builds, keyed by the file's size and modification time);
# shot_stay_share and is_thumbnail depend on the viewers too and are recomputed every build.
FILE_SHOT_COLUMNS = ["video_id", "file_size", "file_mtime_ns", "shot_index", "start_frame", "end_frame",
                     "start_seconds", "end_seconds", "boundary_kind", "brightness", "motion", "keyframe_frame",
                     "keyframe_sharpness", "fps", "keyframe_jpeg"]
# The files to decode, one row per file (the input of analyse_file_shots)
FILE_COLUMNS = ["video_id", "path", "file_size", "file_mtime_ns"]


def select_typed(columns: list[str]) -> str:
    """The `cast(c as type) as c, ...` select list a dbt Python model types its shot table with."""
    types = {**SHOT_COLUMN_TYPES, "path": "varchar"}
    return ",\n".join(f"cast({c} as {types[c]}) as {c}" for c in columns)


def video_files(folder: str | Path | None, known_ids) -> dict[int, Path]:
    """{video_id: path} of the `<video_id>.mp4` files in `folder` whose id is in `known_ids` (others are
    ignored; None keeps every id); an absent folder has none."""
    if not folder or not Path(folder).is_dir():
        return {}
    known = None if known_ids is None else {int(v) for v in known_ids}
    return {int(p.stem): p for p in sorted(Path(folder).glob("*.mp4"))
            if p.stem.isdigit() and (known is None or int(p.stem) in known)}


def file_versions(files: dict[int, Path]) -> dict[int, tuple[int, int]]:
    """{video_id: (size in bytes, modification time in ns)}: what says a file is new or changed."""
    versions = {}
    for video_id, path in files.items():
        stat = Path(path).stat()
        versions[video_id] = (int(stat.st_size), int(stat.st_mtime_ns))
    return versions


def shot_stay_shares(curve, shots: list[dict]) -> dict[int, float]:
    """Per shot, the share of the viewers reaching its first second who are still watching at its last
    second (from a video's retention curve: second_index -> views_at_risk). Missing curve: empty."""
    if curve is None or len(curve) == 0:
        return {}
    at_risk = dict(zip(curve["second_index"].astype(int), curve["views_at_risk"].astype(float), strict=True))
    shares = {}
    for s in shots:
        first, last = int(s["start_s"]), max(int(s["start_s"]), int(np.ceil(s["end_s"])) - 1)
        if at_risk.get(first, 0) > 0 and last in at_risk:
            shares[s["shot_index"]] = at_risk[last] / at_risk[first]
    return shares


def file_table(files: dict[int, Path]):
    """FILE_COLUMNS for {video_id: path}: one row per file with its size and modification time, read now."""
    import pandas as pd

    versions = file_versions(files)
    return pd.DataFrame([(v, str(files[v]), *versions[v]) for v in sorted(files)], columns=FILE_COLUMNS)


def analyse_file_shots(files, config: ShotConfig = ShotConfig()):
    """One row per video x shot (FILE_SHOT_COLUMNS) for the files of `files` (FILE_COLUMNS, one row per file:
    video_id, path, and the size and modification time the caller read before deciding to decode it):
    everything that comes from the file itself. Row by row, so a Spark build can call it on any batch of
    files in the executors. Files that cannot be decoded are skipped and returned in the second value with
    the reason."""
    import pandas as pd

    rows, failed = [], []
    for f in files.sort_values("video_id").itertuples():
        video_id = int(f.video_id)
        try:
            result = analyse_video(f.path, config)
        except ValueError as exc:
            failed.append({"video_id": video_id, "path": str(f.path), "reason": str(exc)})
            continue
        for s in result.shots:
            img = result.keyframes.get(s["shot_index"])
            rows.append({
                "video_id": video_id, "file_size": int(f.file_size), "file_mtime_ns": int(f.file_mtime_ns),
                "shot_index": s["shot_index"], "start_frame": s["start_frame"], "end_frame": s["end_frame"],
                "start_seconds": s["start_s"], "end_seconds": s["end_s"], "boundary_kind": s["boundary_kind"],
                "brightness": s["brightness"], "motion": s["motion"], "keyframe_frame": s["keyframe_frame"],
                "keyframe_sharpness": s["keyframe_sharpness"], "fps": result.fps,
                "keyframe_jpeg": encode_jpeg(img) if img is not None else None,
            })
    if not rows:  # typed by the caller's select list; object columns keep an empty frame castable
        return pd.DataFrame({c: pd.Series(dtype="object") for c in FILE_SHOT_COLUMNS}), failed
    return pd.DataFrame(rows, columns=FILE_SHOT_COLUMNS), failed


def shots_with_retention(file_shots, curves=None):
    """SHOT_COLUMNS from file_shots (FILE_SHOT_COLUMNS, one version per video): each shot's stay share from
    the video's retention curve (video_id, second_index, views_at_risk) and the thumbnail chosen among the
    shots that keep viewers best."""
    import pandas as pd

    out = []
    for video_id, group in file_shots.sort_values(["video_id", "shot_index"]).groupby("video_id", sort=True):
        shots = [{"shot_index": int(r.shot_index), "start_s": float(r.start_seconds), "end_s": float(r.end_seconds),
                  "keyframe_sharpness": float(r.keyframe_sharpness)} for r in group.itertuples()]
        curve = curves[curves["video_id"] == video_id] if curves is not None else None
        shares = shot_stay_shares(curve, shots)
        thumb = choose_thumbnail(shots, shares)
        rated = group.assign(shot_stay_share=[shares.get(s["shot_index"]) for s in shots],
                             is_thumbnail=[s["shot_index"] == thumb for s in shots])
        out.append(rated[SHOT_COLUMNS])
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=SHOT_COLUMNS)

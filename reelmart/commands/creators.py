"""`reelmart creators analyse-video PATH`: the shots, keyframes and thumbnail of one video file."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from reelmart.bench.table import print_table
from reelmart.cli import CommandError


def _analyse_video(args: argparse.Namespace) -> int:
    from models_ml.creators.shots import analyse_video, encode_jpeg

    path = Path(args.path)
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    try:
        result = analyse_video(path)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    thumb = next((s for s in result.shots if s["is_thumbnail"]), None)
    if args.thumbnail and thumb is not None:
        out = Path(args.thumbnail)
        tmp = out.with_name(f".{out.name}.tmp")
        try:
            tmp.write_bytes(encode_jpeg(result.keyframes[thumb["shot_index"]]))
            tmp.replace(out)
        except OSError as exc:
            raise CommandError(f"cannot write {out}: {exc.strerror or exc}") from None
    if args.json:
        print(json.dumps({"path": str(path), **result.to_dict()}, indent=2))
        return 0
    print(f"{path}: {result.width}x{result.height}, {result.fps:g} fps, {result.n_frames} frames "
          f"({result.duration:.1f} s); decoded in {result.decode_seconds:.2f} s, shots found in "
          f"{result.detect_seconds:.2f} s; {len(result.flashes)} flash frames ignored")
    rows = [{"shot": s["shot_index"], "start": f"{s['start_s']:.2f}", "end": f"{s['end_s']:.2f}",
             "begins with": s["boundary_kind"], "brightness": s["brightness"], "motion": s["motion"],
             "keyframe": s["keyframe_frame"], "thumbnail": "yes" if s["is_thumbnail"] else ""}
            for s in result.shots]
    print_table(rows, f"{len(rows)} shots")
    if thumb is not None:
        print(f"thumbnail: shot {thumb['shot_index']}, frame {thumb['keyframe_frame']}"
              + (f" (written to {args.thumbnail})" if args.thumbnail else ""))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    creators = subparsers.add_parser("creators", help="creator studio tools: analyse a video file")
    actions = creators.add_subparsers(dest="action", required=True, metavar="ACTION")
    analyse = actions.add_parser("analyse-video", help="print the shots and thumbnail choice of one video file")
    analyse.add_argument("path", metavar="PATH", help="a video file (MP4, MOV, WebM, ...)")
    analyse.add_argument("--json", action="store_true", help="print JSON instead of a table")
    analyse.add_argument("--thumbnail", metavar="FILE.jpg", help="also write the chosen thumbnail as a JPEG")
    analyse.set_defaults(func=_analyse_video)

"""Creator studio video section (issue 17): shot markers on the retention chart, edit suggestions with
the shot's keyframe; and the keyframe images, served from the snapshot (login required, as
every route but the public ones)."""

from __future__ import annotations

import duckdb
from flask import Blueprint, Response

from webreport import params
from webreport.queries import creator_video

bp = Blueprint("creator_video", __name__)
MARTS = ("fct_video_shots", "fct_video_edit_suggestions")


def section(video_id: int, retention_chart: dict | None) -> dict:
    """Context for templates/creators/_video_edits.html; adds a rule per shot start to the chart."""
    try:
        shots = creator_video.video_shots(video_id)
        suggestions = creator_video.video_edit_suggestions(video_id)
    except duckdb.CatalogException:  # a snapshot built before these marts existed
        shots, suggestions = [], []
    if retention_chart is not None and len(shots) > 1:
        starts = [{"second": s["start_seconds"], "shot": s["shot_index"], "kind": s["boundary_kind"]}
                  for s in shots[1:]]
        retention_chart.setdefault("layer", []).append({
            "data": {"values": starts},
            "mark": {"type": "tick", "orient": "vertical", "color": "#555", "thickness": 2, "tooltip": True},
            "encoding": {"x": {"field": "second", "type": "quantitative"}, "y": {"value": 0},
                         "tooltip": [{"field": "shot", "title": "shot starts"}, {"field": "kind", "title": "by"},
                                     {"field": "second", "format": ".2f", "title": "second"}]},
        })
    return {"video_shots": shots, "edit_suggestions": suggestions}


@bp.get("/videos/<video_id>/shots/<shot>.jpg")
def keyframe(video_id: str, shot: str):
    vid = params.parse_id(video_id, "video")
    shot_index = params.parse_id(shot, "shot")
    image = params.found(creator_video.shot_keyframe(vid, shot_index), f"No keyframe for shot {shot_index} of video {vid}.")
    return Response(image, mimetype="image/jpeg", headers={"Cache-Control": "private, max-age=300"})

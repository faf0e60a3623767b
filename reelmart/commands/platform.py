"""Core commands: generate a platform export, build and publish the warehouse, serve, demo, users."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import secrets
import sys
from pathlib import Path

from reelmart.cli import CommandError
from reelmart.warehouse import PROJECT_DIR, BuildError, WarehousePaths, build, publish, publish_pending

DEMO_USER = "analyst"
USER_ROLES = ("analyst", "privileged")  # webreport.auth.ROLES


def register(subparsers: argparse._SubParsersAction) -> None:
    from reelmart.simulate.config import SCALES

    gen = subparsers.add_parser("generate", help="simulate a short-video platform export into the landing folder")
    gen.add_argument("--scale", choices=sorted(SCALES), default="demo")
    gen.add_argument("--seed", type=int, default=7)
    gen.add_argument("--data-dir", type=Path, help="instance data folder (default: data/ or $REELMART_DATA)")
    gen.add_argument("--append-days", type=int, default=0,
                     help="add this many new export days to an existing export instead of starting over")
    gen.set_defaults(func=cmd_generate)

    bld = subparsers.add_parser("build", help="dbt build the warehouse and publish the serving snapshot")
    bld.add_argument("--data-dir", type=Path)
    bld.add_argument("--full-refresh", action="store_true", help="rebuild incremental models from scratch")
    bld.add_argument("--select", help="dbt selector, e.g. marts.core+")
    bld.add_argument("--no-docs", action="store_true", help="skip dbt docs generate")
    bld.add_argument("--refit", action="store_true",
                     help="refit the scheduled models now (recommender choice and evaluation, sentiment evaluation, "
                          "campaign uplift, placement plan) instead of keeping their last fit until var refit_every_days")
    bld.set_defaults(func=cmd_build)

    pub = subparsers.add_parser("publish", help="publish the last successful build without rebuilding")
    pub.add_argument("--data-dir", type=Path)
    pub.set_defaults(func=cmd_publish)

    srv = subparsers.add_parser("serve", help="serve the reports with gunicorn on 127.0.0.1")
    _serve_arguments(srv)
    srv.set_defaults(func=cmd_serve)

    demo = subparsers.add_parser("demo", help="generate, build and serve the demo in one go")
    demo.add_argument("--scale", choices=sorted(SCALES), default="demo")
    demo.add_argument("--seed", type=int, default=7)
    _serve_arguments(demo)
    demo.set_defaults(func=cmd_demo)

    users = subparsers.add_parser("users", help="manage report-site logins")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser("add", help="add or reset a user (password read from a prompt or $REELMART_PASSWORD)")
    add.add_argument("name")
    add.add_argument("--role", choices=USER_ROLES, default=None,
                     help="analyst: aggregate reports (default for a new user); privileged: also user-level pages "
                          "and audience exports. Resetting a password keeps the role unless given.")
    add.set_defaults(func=cmd_users_add)


def _serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8050)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("REELMART_WORKERS", 2)))


def _paths(args: argparse.Namespace) -> WarehousePaths:
    if getattr(args, "data_dir", None):
        return WarehousePaths(args.data_dir.resolve())
    return WarehousePaths.default()


def cmd_generate(args: argparse.Namespace) -> int:
    from reelmart.simulate import SCALES, PlatformSimulator

    paths = _paths(args)
    simulator = PlatformSimulator(SCALES[args.scale], paths.data_dir, seed=args.seed, progress=sys.stderr.isatty())
    try:
        append_days = getattr(args, "append_days", 0)
        totals = simulator.append_days(append_days) if append_days else simulator.run()
    except FileNotFoundError as exc:
        raise CommandError(str(exc)) from exc
    print(f"wrote {sum(totals.values()):,} event rows to {paths.landing}: "
          + ", ".join(f"{table} {n:,}" for table, n in totals.items()))
    print(f"ground truth: {paths.ground_truth}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    try:
        info = build(_paths(args), full_refresh=args.full_refresh, select=args.select, docs=not args.no_docs,
                     refit=args.refit)
    except BuildError as exc:
        raise CommandError(str(exc)) from exc
    print(f"published {_paths(args).serving_db} at {info['published_at']}")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    try:
        info = publish(_paths(args))
    except BuildError as exc:
        raise CommandError(str(exc)) from exc
    print(f"published {_paths(args).serving_db} at {info['published_at']}")
    return 0


def _users_file() -> Path:
    return Path(os.environ.get("REELMART_INSTANCE", PROJECT_DIR / "instance")) / "users.json"


def _write_user(name: str, password: str, role: str | None = None) -> str:
    """Save the user's password hash and role (kept when `role` is None; analyst for a new user)."""
    from werkzeug.security import generate_password_hash

    path = _users_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    users = json.loads(path.read_text()) if path.exists() else {}
    previous = users.get(name)
    kept = previous.get("role", "analyst") if isinstance(previous, dict) else "analyst"
    users[name] = {"password_hash": generate_password_hash(password), "role": role or kept}
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(json.dumps(users, indent=2))
    os.replace(tmp, path)
    return users[name]["role"]


def cmd_users_add(args: argparse.Namespace) -> int:
    password = os.environ.get("REELMART_PASSWORD") or getpass.getpass(f"password for {args.name}: ")
    if len(password) < 8:
        raise CommandError("passwords need at least 8 characters")
    role = _write_user(args.name, password, args.role)
    ended = _end_sessions(args.name)
    print(f"user {args.name} ({role}) saved in {_users_file()}" + (f"; {ended} session(s) ended" if ended else ""))
    return 0


def _end_sessions(name: str) -> int:
    """A new password or role ends the user's open sessions on the report site (they sign in again)."""
    from webreport.sessions import SessionStore

    sessions_db = _users_file().with_name("sessions.sqlite")
    return SessionStore(sessions_db).revoke_user(name) if sessions_db.exists() else 0


def demo_credentials() -> tuple[str, str]:
    """The demo login: created once per installation with a random password, kept in instance/."""
    secret_file = _users_file().with_name("demo-credentials.txt")
    if secret_file.exists() and DEMO_USER in (json.loads(_users_file().read_text()) if _users_file().exists() else {}):
        return DEMO_USER, secret_file.read_text().strip()
    password = secrets.token_urlsafe(12)
    _write_user(DEMO_USER, password)
    secret_file.write_text(password + "\n")
    secret_file.chmod(0o600)
    return DEMO_USER, password


def cmd_serve(args: argparse.Namespace, banner: str = "") -> int:
    paths = _paths(args)
    publish_pending(paths)  # a green build a plain `dbt build` left behind
    if not paths.serving_db.exists():
        raise CommandError(f"nothing published at {paths.serving_db}: run `reelmart build` first")
    os.environ["REELMART_DATA"] = str(paths.data_dir)
    url = f"http://{args.host}:{args.port}/"
    print(banner + f"Reelmart reports: {url}  (Ctrl-C to stop)", flush=True)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    os.execv(str(gunicorn), [
        str(gunicorn), "--workers", str(args.workers), "--bind", f"{args.host}:{args.port}",
        "--access-logfile", "-", "--chdir", str(PROJECT_DIR), "reelmart.site:create_app()",
    ])
    return 0  # not reached


def prepare_demo(args: argparse.Namespace) -> tuple[str, str]:
    """Everything `demo` does before serving: simulate, build and publish, make the demo login."""
    cmd_generate(args)
    try:
        build(_paths(args), full_refresh=True)
    except BuildError as exc:
        raise CommandError(str(exc)) from exc
    return demo_credentials()


def cmd_demo(args: argparse.Namespace) -> int:
    user, password = prepare_demo(args)
    return cmd_serve(args, banner=f"\nLog in as '{user}' with password '{password}'\n")

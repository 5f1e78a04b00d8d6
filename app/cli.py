"""Command-line tools: flask --app app users|tokens|db|cleanup ..."""

from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from app import backup as backups
from app import migrate, sandbox, storage
from app.auth import service as auth_service
from app.db import LARGEST_ID
from app.documents import service as documents_service
from app.errors import AppError
from app.models import Document, DocumentStatus, ImportJob, ImportStatus

users = AppGroup("users", help="Manage accounts.")
tokens = AppGroup("tokens", help="Manage API tokens.")
database = AppGroup("db", help="Apply or write database migrations.")
documents = AppGroup("documents", help="Manage documents.")


# An id the database can hold: a larger one overflowed the driver (a traceback).
ID = click.IntRange(1, LARGEST_ID)


def _sessions():
    return current_app.extensions["sessions"]


@contextmanager
def _told_plainly() -> Iterator[None]:
    """A refusal (AppError) or a folder that cannot be made or read (OSError) said in a line,
    not as a traceback."""
    try:
        yield
    except AppError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"{error.strerror or error}: {error.filename}.") from None


@users.command("create")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--admin", is_flag=True, help="Make the account an administrator of the instance.")
def create_user(email: str, password: str, admin: bool) -> None:
    """Create an account."""
    with _sessions()() as session:
        with _told_plainly():
            user = auth_service.create_user(session, email, password, admin=admin)
        click.echo(f"Created {user.email}.", err=True)


@tokens.command("create")
@click.argument("email")
@click.option("--name", default="", help="A name to recognise the token by in tokens list.")
def create_token(email: str, name: str) -> None:
    """Print a new API token for EMAIL, alone on stdout."""
    with _sessions()() as session, _told_plainly():
        click.echo(auth_service.create_token_for(session, email, name))


@tokens.command("list")
@click.argument("email")
def list_tokens(email: str) -> None:
    """List EMAIL's tokens: id, name, created, expires, last used (never the secrets)."""
    with _sessions()() as session:
        user = auth_service.find_user(session, email)
        if user is None:
            raise click.ClickException(f"No account has the email address {email!r}.")
        for token in auth_service.list_tokens(session, user):
            expires = token.expires_at.isoformat() if token.expires_at else "never"
            used = token.last_used_at.isoformat() if token.last_used_at else "not yet"
            click.echo(f"{token.id}\t{token.name or '-'}\t{token.created_at.isoformat()}\t{expires}\t{used}")


@tokens.command("revoke")
@click.argument("token_id", type=ID)
def revoke_token(token_id: int) -> None:
    """Revoke the token with this ID (from tokens list): scripts using it are refused at once."""
    with _sessions()() as session:
        with _told_plainly():
            token = auth_service.revoke_token(session, None, token_id)
        click.echo(f"Revoked token {token.id}.", err=True)


@documents.command("read-again")
@click.argument("document_ids", nargs=-1, type=ID)
@click.option("--project", "project_id", type=ID, help="Every document of this project.")
@click.option("--all", "everything", is_flag=True, help="Every document of every project (after an upgrade).")
def read_again(document_ids: tuple[int, ...], project_id: int | None, everything: bool) -> None:
    """Queue documents to be read again from their originals (by id, a project's, or all): as
    POST /api/documents/<id>/read-again does. Those being read are skipped."""
    if bool(document_ids) + (project_id is not None) + everything != 1:
        raise click.UsageError("Name the documents: their ids, --project ID, or --all.")
    query = select(Document).order_by(Document.id)
    if document_ids:
        query = query.where(Document.id.in_(document_ids))
    elif project_id is not None:
        query = query.where(Document.project_id == project_id)
    with _sessions()() as session:
        found = list(session.scalars(query))
        missing = set(document_ids) - {d.id for d in found}
        if missing or not found:
            raise click.ClickException(
                f"No such document: {', '.join(map(str, sorted(missing)))}."
                if missing
                else "No documents to read again."
            )
        busy = [d for d in found if d.status in (DocumentStatus.QUEUED, DocumentStatus.PROCESSING)]
        for document in found:
            if document not in busy:
                documents_service.read_again(session, document)
    click.echo(
        f"Queued {len(found) - len(busy)} document(s) to be read again; {len(busy)} being read already.", err=True
    )


@database.command("upgrade")
def upgrade() -> None:
    """Apply every migration."""
    migrate.upgrade(current_app.config["DATABASE_URL"])


@database.command("revision")
@click.option("-m", "--message", required=True)
def revision(message: str) -> None:
    """Write a new migration by comparing the models with the database."""
    from alembic import command

    command.revision(migrate.alembic_config(current_app.config["DATABASE_URL"]), message, autogenerate=True)


@click.command("backup")
@click.argument("path")
@with_appcontext
def backup(path: str) -> None:
    """Copy the database and the upload folder into PATH (new or empty) while the app runs."""
    with _told_plainly():
        made = backups.make_backup(current_app.config["DATABASE_URL"], current_app.config["UPLOAD_FOLDER"], path)
    click.echo(f"Backed up the {made['database']} database and {made['files']} file(s) into {path}.", err=True)
    if current_app.config.get("STORAGE_URL"):
        click.echo(
            "The originals and page images in the object store (STORAGE_URL) were not copied: "
            "back them up with the store's own tools (versioning, replication).",
            err=True,
        )


@click.command("restore")
@click.argument("path")
@with_appcontext
def restore(path: str) -> None:
    """Bring the backup in PATH back into an empty database and upload folder (stop the app first)."""
    with _told_plainly():
        made = backups.restore_backup(path, current_app.config["DATABASE_URL"], current_app.config["UPLOAD_FOLDER"])
    click.echo(f"Restored the backup made {made['made_at']}: the database and {made['files']} file(s).", err=True)


@click.command("cleanup")
@click.option(
    "--older-than",
    "older_than",
    type=click.IntRange(min=0),
    default=storage.LEFTOVER_GRACE_SECONDS,
    show_default=True,
    help="seconds: files written since are kept (0 removes every leftover: only while the app is stopped)",
)
@with_appcontext
def cleanup(older_than: int) -> None:
    """Remove interrupted uploads, files no document refers to and the temporary folders of stopped
    parsing processes. Safe while the app runs: what was written in the last hour is kept."""
    with _sessions()() as session:
        documents = session.execute(select(Document.id, Document.sha256)).all()
        waiting = ImportJob.status.in_([ImportStatus.QUEUED, ImportStatus.RUNNING])
        imports = set(session.scalars(select(ImportJob.id).where(waiting)))
    files = storage.files(current_app.config)
    shas, ids = {sha for _, sha in documents}, {id_ for id_, _ in documents}
    removed = storage.remove_leftovers(files, shas, ids, imports, grace_seconds=older_than)
    removed += sandbox.remove_leftover_temp()
    click.echo(f"Removed {len(removed)} leftover file(s).", err=True)


def init_app(app: Flask) -> None:
    """Register the commands."""
    for command_group in (users, tokens, database, documents, cleanup, backup, restore):
        app.cli.add_command(command_group)

"""OIA Desk: read, tag and export released official information."""

from flask import Flask

from app.config import INSTANCE, create_folders, load_settings


def create_app(**overrides) -> Flask:
    """Build the web app: config, database, sign-in, blueprints, errors, CLI."""
    app = Flask(__name__, instance_path=str(INSTANCE))
    app.config.update(load_settings(**overrides))
    create_folders(app.config)
    app.config.update(
        MAX_CONTENT_LENGTH=app.config["MAX_UPLOAD_MB"] * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=None,
    )

    from app import audit, auth, cli, errors, openapi, queue, web
    from app.admin import views as admin
    from app.annotations import views as annotations
    from app.audit import views as audit_views
    from app.auth import views as auth_views
    from app.documents import views as documents
    from app.exports import views as exports
    from app.projects import views as projects
    from app.redactions import views as redactions
    from app.releases import views as releases
    from app.search import views as search
    from app.suggestions import views as suggestions
    from app.tags import views as tags

    web.init_app(app)
    queue.init_app(app)
    auth.init_app(app)
    audit.init_app(app)
    app.register_blueprint(auth_views.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(audit_views.bp)
    app.register_blueprint(projects.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(tags.bp)
    app.register_blueprint(annotations.bp)
    app.register_blueprint(redactions.bp)
    app.register_blueprint(releases.bp)
    app.register_blueprint(suggestions.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(openapi.bp)
    errors.init_app(app)
    cli.init_app(app)
    return app

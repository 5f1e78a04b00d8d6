"""Files in an S3-compatible object store (STORAGE_URL=s3://bucket/prefix), against moto's S3
server on loopback: an upload's original and page images live there and nowhere else, page images
are streamed through the app to those who may open the document, exports draw from originals
copied out for the purpose, and deleting or cleaning up leaves nothing behind."""

from pathlib import Path

import pytest
from conftest import Api, create_user, upload
from pdfs import briefing_pdf
from services import keys, new_bucket, s3_server

from app.auth import service as auth_service


@pytest.fixture(scope="module")
def s3_variables():
    with s3_server() as variables:
        yield variables


@pytest.fixture
def store(make_app, s3_variables, monkeypatch):
    """An app whose files are in a new bucket under the prefix "desk", and an API client for it."""
    for name, value in s3_variables.items():
        monkeypatch.setenv(name, value)
    bucket = new_bucket(s3_variables)
    app = make_app(STORAGE_URL=f"s3://{bucket}/desk")
    return {"app": app, "api": _api(app, "reporter@example.nz"), "bucket": bucket, "variables": s3_variables}


def _api(app, email: str) -> Api:
    create_user(app, email)
    with app.extensions["sessions"]() as session:
        return Api(app.test_client(), auth_service.create_token_for(session, email))


def stored_keys(store) -> set[str]:
    return keys(store["variables"], store["bucket"])


def local_files(app) -> list[Path]:
    """The files left in the app's local upload folder."""
    return [path for path in Path(app.config["UPLOAD_FOLDER"]).rglob("*") if path.is_file()]


@pytest.fixture
def uploaded(store):
    project = store["api"].post("/api/projects", json={"name": "In the store"}).get_json()
    document = upload(store["api"], project["id"], ("a.pdf", briefing_pdf(3))).get_json()["documents"][0]
    return project, document


def test_an_upload_and_its_page_images_live_in_the_object_store_only(store, uploaded):
    _, document = uploaded
    shown = store["api"].get(f"/api/documents/{document['id']}").get_json()
    assert (shown["status"], shown["pages_done"]) == ("ready", 3)
    images = {f"desk/pages/{document['id']}/{n}{size}.png" for n in (1, 2, 3) for size in ("", "-thumb")}
    assert stored_keys(store) == {f"desk/originals/{document['sha256']}.pdf", *images}
    assert local_files(store["app"]) == []  # the copies read and drawn in scratch/ are gone


def test_page_images_are_streamed_through_the_app_to_those_who_may_open_them(store, uploaded):
    _, document = uploaded
    path = f"/documents/{document['id']}/pages/2.png"
    image = store["api"].get(path)
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.get_data().startswith(b"\x89PNG") and "private" in image.headers["Cache-Control"]
    again = store["api"].get(path, headers={"If-None-Match": image.headers["ETag"]})
    assert again.status_code == 304
    assert store["api"].get(f"/documents/{document['id']}/pages/9.png").status_code == 404
    outsider = _api(store["app"], "outsider@example.nz")
    assert outsider.get(path).status_code == 404


def test_exports_draw_from_originals_copied_out_of_the_store(store, uploaded):
    project, document = uploaded
    api = store["api"]
    body = {"page": 1, "start": 0, "end": 3, "tags": ["Risk"], "note": "from the store"}
    annotation = api.post(f"/api/documents/{document['id']}/annotations", json=body).get_json()
    pdf = api.get(f"/api/projects/{project['id']}/export", query_string={"format": "pdf"})
    assert pdf.status_code == 200 and pdf.get_data().startswith(b"%PDF")
    clip = api.get(f"/api/annotations/{annotation['id']}/clip.png")
    assert clip.status_code == 200 and clip.get_data().startswith(b"\x89PNG")
    assert local_files(store["app"]) == []


def test_deleting_a_document_deletes_its_objects(store, uploaded):
    _, document = uploaded
    assert store["api"].delete(f"/api/documents/{document['id']}").status_code == 204
    assert stored_keys(store) == set()


def test_cleanup_removes_objects_no_document_refers_to(store, uploaded):
    _, document = uploaded
    from services import client

    stray = ["desk/originals/" + "0" * 64 + ".pdf", "desk/pages/999/1.png", "desk/imports/5.json"]
    for key in stray:
        client(store["variables"]).put_object(Bucket=store["bucket"], Key=key, Body=b"left over")
    kept = stored_keys(store) - set(stray)
    runner = store["app"].test_cli_runner()
    assert runner.invoke(args=["cleanup"]).exit_code == 0
    assert set(stray) <= stored_keys(store)  # written in the last hour: perhaps an upload under way
    result = runner.invoke(args=["cleanup", "--older-than", "0"])
    assert result.exit_code == 0, result.output
    assert stored_keys(store) == kept
    assert f"desk/originals/{document['sha256']}.pdf" in kept

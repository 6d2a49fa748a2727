"""附件 in a real browser, at desktop and phone width: the promoter uploads the signed
agreement to the 签约 milestone, opens it from the project page, and a program renamed
``.pdf`` is refused in the dialog with the reason; another district's office cannot
open the file by its address.

The screenshots are saved under test-artifacts/browser/ to be looked at.
"""

import os

import pytest

from baton.core.tests.test_browser_refusals import WIDTHS, signed_in
from baton.files.models import Attachment
from baton.projects.tests.helpers import make_landed
from baton.tests.test_browser import CHROMIUM, browser  # noqa: F401 (a fixture)

from .helpers import EXE, PDF, PNG

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="未安装 Chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("screen", WIDTHS)
def test_upload_open_and_a_refused_type(browser, live_server, client, w, screen, tmp_path):  # noqa: F811
    project = make_landed(w, name="马巷新能源电池项目")
    agreement = tmp_path / "投资合作协议.pdf"
    agreement.write_bytes(PDF)
    photo = tmp_path / "项目现场.png"
    photo.write_bytes(PNG)
    renamed = tmp_path / "补充协议.pdf"
    renamed.write_bytes(EXE)

    unit = signed_in(browser, live_server, client, w.promoter, WIDTHS[screen])
    page = unit.page
    unit.go(f"/projects/{project.code}/")
    card = page.locator("#project-attachments")
    assert "暂无附件" in card.inner_text()
    page.evaluate("window.sameDocument = true")  # gone if the page loads again
    card.locator("a", has_text="上传").click()
    dialog = page.locator("#dialog")
    dialog.locator("#id_kind").select_option("agreement")
    dialog.locator("#id_milestone").select_option(label=str(project.milestones.get()))
    dialog.locator("#id_label").fill("双方盖章正式文本")
    dialog.locator("#id_file").set_input_files(str(agreement))
    unit.shot(f"attachments-1-upload-{screen}")
    unit.dialog_submit()
    card.locator("a.att-name", has_text="投资合作协议.pdf").wait_for()
    page.locator("#timeline", has_text="上传附件").wait_for()
    page.locator("ul.messages", has_text="附件已上传。").wait_for()
    assert page.evaluate("window.sameDocument === true"), "the upload loaded the page again"
    unit.shot(f"attachments-2-listed-{screen}")

    with page.expect_download() as download:
        card.locator("a.att-name", has_text="投资合作协议.pdf").click()
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "投资合作协议.pdf"
    assert saved.read_bytes() == PDF

    card.locator("a", has_text="上传").click()
    dialog.locator("#id_kind").select_option("document")
    dialog.locator("#id_file").set_input_files(str(renamed))
    unit.dialog_submit()
    dialog.locator(".has-error", has_text="附件“补充协议.pdf”不是允许的类型").wait_for()
    assert dialog.evaluate("d => d.open")
    unit.shot(f"attachments-3-refused-{screen}")
    dialog.locator("#id_kind").select_option("photo")
    dialog.locator("#id_file").set_input_files(str(photo))
    unit.dialog_submit()
    card.locator("a.att-name", has_text="项目现场.png").wait_for()
    unit.shot(f"attachments-4-two-files-{screen}")
    unit.close()
    assert sorted(Attachment.objects.values_list("name", flat=True)) == [
        "投资合作协议.pdf",
        "项目现场.png",
    ]

    kept = Attachment.objects.get(name="投资合作协议.pdf")
    outsider = signed_in(browser, live_server, client, w.tongan_office, WIDTHS[screen])
    response = outsider.go(f"/projects/attachments/{kept.pk}/")
    assert response.status == 404
    outsider.close()

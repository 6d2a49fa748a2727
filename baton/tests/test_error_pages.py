def test_a_missing_page_says_so_in_chinese(client, w):
    client.force_login(w.promoter)
    response = client.get("/projects/350213-1999-9999/")
    assert response.status_code == 404
    assert "页面不存在" in response.text and "不在您的查看范围内" in response.text


def test_an_anonymous_missing_page_is_chinese_too(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "页面不存在" in response.text

"""An API client as scripts use one: a bearer token, no cookies."""


class TokenClient:
    """A test client that sends `Authorization: Bearer <token>` and no cookies."""

    def __init__(self, client, token):
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def get(self, url, **kw):
        return self.client.get(url, headers=self.headers, **kw)

    def post(self, url, **kw):
        return self.client.post(url, headers=self.headers, **kw)

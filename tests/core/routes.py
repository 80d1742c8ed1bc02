from tests.isolation import PUBLIC, Case

ROUTES = {
    "core:home": Case(lambda w: "/en/", PUBLIC),
    "api:schema": Case(lambda w: "/api/v1/openapi.json", PUBLIC),
    "api:docs": Case(lambda w: "/api/v1/docs", PUBLIC),
    "api:auth-token": Case(
        lambda w: "/api/v1/auth/token",
        {"anonymous": 400, "outsider": 400, "member": 400, "coordinator": 400},
        method="post",
        data=lambda w: {"email": "nobody"},
    ),
}

"""``guozi serve``: the web application and its JSON API (contract §5)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from guozi.cli.app import app
from guozi.cli.common import CatalogOpt, LangOpt, StoreOpt, err, parse_lang, run
from guozi.kernel.text import pick


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="监听地址 address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口 port")] = 8000,
    store: StoreOpt = None,
    catalog: CatalogOpt = None,
    certfile: Annotated[Path | None, typer.Option("--ssl-certfile", help="TLS 证书 certificate (PEM)")] = None,
    keyfile: Annotated[Path | None, typer.Option("--ssl-keyfile", help="TLS 私钥 private key (PEM)")] = None,
    lang: LangOpt = "zh",
    warm: Annotated[
        bool,
        typer.Option("--warm/--no-warm", help="启动及数据变动后预先计算最新总览 compute the latest overview ahead"),
    ] = True,
    trusted_proxy: Annotated[
        list[str] | None,
        typer.Option(
            "--trusted-proxy",
            help="受信反向代理的地址或网段，仅信任其 X-Forwarded-For/-Proto，可重复；默认读取 "
            "GUOZI_TRUSTED_PROXIES，否则不信任任何代理 a reverse proxy (address or network) whose "
            "X-Forwarded-For/-Proto are believed; repeatable; default $GUOZI_TRUSTED_PROXIES, else none",
        ),
    ] = None,
) -> None:
    """启动 Web 应用（总览、下钻、填报审核）及 JSON 接口。 Serve the web application and its JSON API."""
    lang = parse_lang(lang)

    def body() -> None:
        import uvicorn

        from guozi.web.app import create_app

        application = create_app(store, catalog_files=catalog or [], warm_up=warm, proxies=trusted_proxy or None)
        scheme = "https" if certfile else "http"
        err.print(
            pick(
                lang,
                f"guozi 网页已启动：{scheme}://{host}:{port}/ （接口文档 /docs）",
                f"guozi is serving at {scheme}://{host}:{port}/ (API docs at /docs)",
            )
        )
        uvicorn.run(
            application,
            host=host,
            port=port,
            ssl_certfile=str(certfile) if certfile else None,
            ssl_keyfile=str(keyfile) if keyfile else None,
            # the app believes X-Forwarded-* only from --trusted-proxy (uvicorn's own default would
            # believe any client on 127.0.0.1, and a forged address would dodge the sign-in limits)
            proxy_headers=False,
            log_level="warning",
        )

    run(lang, body)

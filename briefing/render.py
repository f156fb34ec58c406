"""Rendering pages with Jinja2: autoescaping everywhere, one page object per output file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2

from briefing.content import Article, When
from briefing.errors import RenderError
from briefing.feedlinks import feed_links
from briefing.markdown import to_html
from briefing.site import Site

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
ASSETS_DIR = "assets"


@dataclass(frozen=True, slots=True)
class OutputFile:
    """One file of the built site: its path relative to site/ and its bytes."""

    path: str
    data: bytes


def human_date(value: When | None) -> str:
    """'March 24, 2026' or 'March 24, 2026, 7:00 PM UTC-04:00': locale-independent."""
    if value is None:
        return ""
    text = f"{_MONTHS[value.month - 1]} {value.day}, {value.year}"
    if isinstance(value, datetime):
        hour = value.hour % 12 or 12
        offset = value.strftime("%z")
        zone = f"UTC{offset[:3]}:{offset[3:]}" if offset else ""
        text += f", {hour}:{value.minute:02d} {'AM' if value.hour < 12 else 'PM'} {zone}".rstrip()
    return text


def iso_date(value: When | None) -> str:
    return value.isoformat() if isinstance(value, (date, datetime)) else ""


def make_environment(templates_dir: Path) -> jinja2.Environment:
    """A Jinja2 environment that escapes every template, whatever its extension."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["human_date"] = human_date
    env.filters["iso_date"] = iso_date
    return env


def _page(env: jinja2.Environment, template: str, path: str, **context: Any) -> OutputFile:
    depth = path.count("/")
    try:
        html = env.get_template(template).render(root="../" * depth, page_path=path, **context)
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(exc.message or "template syntax error",
                          f"templates/{exc.name or template}", exc.lineno) from None
    except jinja2.TemplateError as exc:
        raise RenderError(f"{type(exc).__name__}: {exc}", f"templates/{template}") from None
    return OutputFile(path, html.encode("utf-8"))


def article_html(article: Article) -> str:
    return to_html(article.body)


def render_pages(site: Site, templates_dir: Path) -> list[OutputFile]:
    """Every HTML page of the site, plus the static assets shipped with the templates."""
    env = make_environment(templates_dir)
    common = {"site": site, "config": site.config, "themes": site.themes,
              "feed_links": feed_links(site.config)}
    pages = [_page(env, "index.html", "index.html", **common)]
    for theme in site.themes:
        # A theme page announces its own feeds first, then the site's.
        pages.append(_page(env, "theme.html", f"themes/{theme.slug}/index.html", theme=theme,
                           articles=site.articles_in(theme.slug),
                           **common | {"feed_links": feed_links(site.config, theme)}))
    for article in site.articles:
        pages.append(_page(env, "article.html", f"articles/{article.slug}/index.html",
                           article=article, body_html=article_html(article),
                           scores=site.scores.get(article.slug, ()), **common))
    return pages + _assets(templates_dir)


def _assets(templates_dir: Path) -> list[OutputFile]:
    folder = templates_dir / ASSETS_DIR
    if not folder.is_dir():
        return []
    inside = folder.resolve()
    # A symlink leading out of templates/ would publish (and serve) whatever it points at.
    return [OutputFile(f"{ASSETS_DIR}/{p.relative_to(folder).as_posix()}", p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith(".")
            and p.resolve().is_relative_to(inside)]

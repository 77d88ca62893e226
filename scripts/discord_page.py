#!/usr/bin/env python3
"""Renders one slurmbot answer (the message JSON Discord receives, and its chart) as a Discord-like page.

Usage: discord_page.py MESSAGE.json [IMAGE.png] > page.html

Only what slurmbot sends is handled: an embed's colour bar, title, description and fields with Discord's markdown
(bold, inline code, code blocks), Discord timestamps (<t:UNIX:R>, <t:UNIX:f>, <t:UNIX:t>, shown in UTC), the image,
the footer with the embed's timestamp, and buttons. The page is 390 px wide, a phone's width, in Discord's dark
theme; its height goes into the title, so the caller can size the screenshot.
"""
import base64
import html
import json
import re
import sys
import time
from datetime import datetime, timezone

NOW = int(time.time())


def when(seconds, style):
    moment = datetime.fromtimestamp(seconds, timezone.utc)
    if style == "R":
        delta = NOW - seconds
        ahead = delta < 0
        delta = abs(delta)
        for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
            if delta >= size:
                count = delta // size
                text = f"{count} {unit}{'s' if count != 1 else ''}"
                return f"in {text}" if ahead else f"{text} ago"
        return "just now"
    if style == "t":
        return moment.strftime("%H:%M")
    return moment.strftime("%-d %B %Y %H:%M")


def markdown(text):
    """Discord's markdown, as far as slurmbot uses it; everything else is escaped."""
    out = []
    for index, part in enumerate(text.split("```")):
        if index % 2 == 1:
            out.append(f"<pre>{html.escape(part.strip(chr(10)))}</pre>")
            continue
        escaped = html.escape(part)
        escaped = re.sub(r"&lt;t:(\d+)(?::([RftF]))?&gt;", lambda m: f'<span class="ts">{when(int(m[1]), m[2] or "f")}</span>', escaped)
        escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
        escaped = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", escaped)
        out.append(escaped.replace("\n", "<br>"))
    return "".join(out)


def embed_html(embed, image):
    color = embed.get("color", 0x1E1F22)
    parts = [f'<div class="embed" style="border-left-color:#{color:06x}">']
    if embed.get("title"):
        parts.append(f'<div class="title">{html.escape(embed["title"])}</div>')
    if embed.get("description"):
        parts.append(f'<div class="description">{markdown(embed["description"])}</div>')
    fields = embed.get("fields") or []
    if fields:
        parts.append('<div class="fields">')
        for field in fields:
            inline = " inline" if field.get("inline") else ""
            parts.append(
                f'<div class="field{inline}"><div class="name">{markdown(field["name"])}</div>'
                f'<div class="value">{markdown(field["value"])}</div></div>')
        parts.append("</div>")
    if embed.get("image") and image:
        parts.append(f'<img class="image" src="data:image/png;base64,{image}">')
    footer = (embed.get("footer") or {}).get("text", "")
    if embed.get("timestamp"):
        stamp = datetime.strptime(embed["timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        footer += (" • " if footer else "") + when(int(stamp.timestamp()), "f")
    if footer:
        parts.append(f'<div class="footer">{html.escape(footer)}</div>')
    parts.append("</div>")
    return "".join(parts)


def main():
    message = json.load(open(sys.argv[1]))
    image = base64.b64encode(open(sys.argv[2], "rb").read()).decode() if len(sys.argv) > 2 else None
    body = []
    if message.get("content"):
        body.append(f'<div class="content">{markdown(message["content"])}</div>')
    for embed in message.get("embeds") or []:
        body.append(embed_html(embed, image))
    buttons = [b for row in message.get("components") or [] for b in row.get("components", [])]
    if buttons:
        body.append('<div class="buttons">' + "".join(
            f'<span class="button">{html.escape(b.get("label", ""))}</span>' for b in buttons) + "</div>")
    print(f"""<!doctype html><html><head><meta charset="utf-8"><title>page</title><style>
body {{ margin: 0; background: #313338; color: #dbdee1; width: 390px;
       font: 15px/1.375 "gg sans", "Noto Sans", "DejaVu Sans", "Noto Color Emoji", sans-serif; }}
.message {{ display: flex; padding: 12px 12px 16px 8px; }}
.avatar {{ width: 36px; height: 36px; border-radius: 50%; background: #5865f2; flex: none; margin-right: 10px;
          color: white; font-weight: bold; text-align: center; line-height: 36px; }}
.main {{ min-width: 0; flex: 1; }}
.author {{ font-weight: 600; color: #f2f3f5; }}
.tag {{ background: #5865f2; color: white; font-size: 10px; border-radius: 3px; padding: 1px 4px; margin-left: 4px; }}
.stamp {{ color: #949ba4; font-size: 12px; margin-left: 6px; }}
.embed {{ background: #2b2d31; border-left: 4px solid; border-radius: 4px; padding: 8px 12px 12px 12px;
         margin-top: 4px; max-width: 100%; box-sizing: border-box; overflow-wrap: anywhere; }}
.title {{ font-weight: 600; color: #f2f3f5; margin: 4px 0; }}
.description {{ font-size: 14px; }}
.fields {{ display: flex; flex-wrap: wrap; gap: 8px 16px; margin-top: 8px; font-size: 14px; }}
.field {{ flex: 1 1 100%; }} .field.inline {{ flex: 1 1 40%; }}
.name {{ font-weight: 600; color: #f2f3f5; margin-bottom: 2px; }}
code {{ background: #1e1f22; border-radius: 3px; padding: 0 3px; font: 13px "DejaVu Sans Mono", monospace; }}
pre {{ background: #1e1f22; border: 1px solid #1e1f22; border-radius: 4px; padding: 7px; margin: 6px 0;
      font: 12.5px/1.3 "DejaVu Sans Mono", monospace; white-space: pre-wrap; }}
.ts {{ background: #3f4147; border-radius: 3px; padding: 0 2px; }}
.image {{ display: block; width: 100%; border-radius: 4px; margin-top: 12px; }}
.footer {{ font-size: 12px; color: #b5bac1; margin-top: 8px; }}
.buttons {{ margin-top: 8px; }}
.button {{ display: inline-block; background: #4e5058; color: white; border-radius: 3px; padding: 4px 14px;
          font-size: 14px; }}
.content {{ margin-bottom: 2px; }}
</style></head><body><div class="message"><div class="avatar">S</div><div class="main">
<div><span class="author">slurmbot</span><span class="tag">APP</span><span class="stamp">Today at {datetime.fromtimestamp(NOW, timezone.utc).strftime("%H:%M")}</span></div>
{"".join(body)}</div></div>
<script>document.title = String(Math.ceil(document.body.scrollHeight));</script></body></html>""")


main()

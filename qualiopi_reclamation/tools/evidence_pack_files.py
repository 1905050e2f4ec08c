"""The files of the evidence pack, written without the ORM: file names from
any text, the .eml of a message, CSV cells, the streamed ZIP with its index,
manifest and checksums (used by ``qualiopi.evidence.pack``)."""

import base64
import csv
import hashlib
import html
import io
import json
import re
import uuid
import zipfile
from urllib.parse import quote

SAFE_NAME = re.compile(r"[^\w.-]+", re.UNICODE)


def safe_name(text, default="file", length=60):
    """A file or folder name from any text (record names are typed by users
    and visitors): no path separator, no '..', no control character."""
    name = SAFE_NAME.sub("-", str(text or ""))
    name = re.sub(r"\.{2,}", ".", name).strip("-.")[:length].strip("-.")
    return name or default


def _base64_lines(data):
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


def eml_bytes(headers, html_body, files):
    """A MIME email written directly (CRLF, base64 parts, headers unfolded:
    a folded Message-Id reads back with a leading space in some tools).
    Python's email generator parsed and refolded every header, most of the
    pack's time for 20,000 messages."""
    boundary = f"qualiopi_{uuid.uuid4().hex}"  # "_" is not base64: never in a part
    lines = [f"{name}: {value}".encode() for name, value in headers]
    lines.append(b"MIME-Version: 1.0")
    html_part = (
        b'Content-Type: text/html; charset="utf-8"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + _base64_lines(html_body.encode())
    )
    if not files:
        return b"\r\n".join(lines) + b"\r\n" + html_part
    lines.append(f'Content-Type: multipart/mixed; boundary="{boundary}"'.encode())
    parts = [html_part]
    for name, mimetype, raw in files:
        filename = quote(name or "file")
        parts.append(
            f"Content-Type: {mimetype or 'application/octet-stream'}\r\n"
            f"Content-Disposition: attachment; filename*=utf-8''{filename}\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n".encode()
            + _base64_lines(raw)
        )
    separator = f"\r\n--{boundary}\r\n".encode()
    return (
        b"\r\n".join(lines)
        + b"\r\n\r\n"
        + separator.lstrip(b"\r\n")
        + separator.join(parts)
        + f"\r\n--{boundary}--\r\n".encode()
    )


def _csv_cell(value):
    """A CSV cell that a spreadsheet never reads as a formula."""
    if value is None or value is False:
        return ""
    text = str(value)
    if isinstance(value, str) and text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def csv_bytes(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    # A BOM so that spreadsheets read the accents right.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


class PackWriter:
    """A ZIP written file by file to disk, with the hash of each file kept
    for the manifest and the index."""

    def __init__(self, path, labels):
        self.labels = labels
        self.zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self.entries = []
        self.names = set()

    def _unique(self, name):
        stem, dot, ext = name.rpartition(".")
        candidate, counter = name, 1
        while candidate in self.names:
            counter += 1
            candidate = f"{stem}-{counter}.{ext}" if dot else f"{name}-{counter}"
        self.names.add(candidate)
        return candidate

    def add(self, name, content, section, title):
        name = self._unique(name)
        if isinstance(content, str):
            content = content.encode("utf-8")
        self.zip.writestr(name, content)
        self.entries.append(
            {
                "path": name,
                "sha256": hashlib.sha256(content).hexdigest(),
                "size": len(content),
                "section": section,
                "title": title,
            }
        )

    def note(self, section, text):
        """A line of the index with no file (what the pack does not hold)."""
        self.entries.append({"path": None, "section": section, "title": text})

    def close(self, header):
        """Write the index, the manifest and SHA256SUMS; return the manifest's
        SHA-256 and the count of files."""
        index = _index_html(header, self.entries, self.labels).encode("utf-8")
        self.add("index.html", index, "", header["title"])
        files = [
            {key: entry[key] for key in ("path", "sha256", "size")}
            for entry in self.entries
            if entry["path"]
        ]
        manifest = json.dumps({**header, "files": files}, indent=2, ensure_ascii=False).encode()
        self.zip.writestr("manifest.json", manifest)
        sums = "".join(f"{entry['sha256']}  {entry['path']}\n" for entry in files)
        self.zip.writestr("SHA256SUMS", sums)
        self.zip.close()
        return hashlib.sha256(manifest).hexdigest(), len(files) + 2


def _standard_html(header, labels):
    """The version of the national standard the pack cites, if any."""
    standard = header.get("standard") or {}
    if not (standard.get("version") and labels.get("standard")):
        return ""
    text = labels["standard"] % {
        "version": standard["version"],
        "decree": standard.get("decree") or "-",
        "date": standard.get("in_force_from") or "-",
    }
    return f"<p class='standard'>{html.escape(text)}</p>"


def _index_html(header, entries, labels):
    """index.html: every file linked, grouped by section; every name escaped."""
    esc = html.escape
    parts = [
        f"<!DOCTYPE html><html lang='{esc(labels['lang'])}'><head><meta charset='utf-8'>",
        f"<title>{esc(header['title'])}</title>",
        "<style>body{font-family:sans-serif;margin:2em;color:#222}"
        "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;"
        "padding:4px 8px;text-align:left;font-size:13px}th{background:#eef}"
        "h2{margin-top:1.5em;font-size:1.1em}.hash{font-family:monospace;font-size:11px;"
        "color:#555}.missing td{color:#8a4b00;font-style:italic}</style></head><body>",
        f"<h1>{esc(header['title'])}</h1>",
        "<p>",
        f"{esc(header['company'])}: {esc(header['date_from'])} &rarr; {esc(header['date_to'])}",
        "<br/>",
        esc(
            labels["generated"]
            % {
                "date": header["generated_on_local"],
                "user": f"{header['generated_by']['name']} ({header['generated_by']['login']})",
            }
        ),
        "</p>",
        _standard_html(header, labels),
        "<p><a href='manifest.json'>manifest.json</a> &middot; "
        f"<a href='SHA256SUMS'>SHA256SUMS</a> ({esc(labels['check'])} "
        "<code>sha256sum -c SHA256SUMS</code>)</p>",
    ]
    current = None
    for entry in entries:
        if entry["section"] != current:
            if current is not None:
                parts.append("</table>")
            current = entry["section"]
            parts.append(
                f"<h2>{esc(current)}</h2><table><tr><th>{esc(labels['file'])}</th>"
                f"<th>{esc(labels['path'])}</th><th>{esc(labels['size'])}</th>"
                "<th>SHA-256</th></tr>"
            )
        if not entry["path"]:
            parts.append(f"<tr class='missing'><td colspan='4'>{esc(entry['title'])}</td></tr>")
            continue
        parts.append(
            f'<tr><td><a href="{esc(quote(entry["path"]))}">{esc(entry["title"])}</a></td>'
            f"<td>{esc(entry['path'])}</td><td>{entry['size']}</td>"
            f"<td class='hash'>{entry['sha256']}</td></tr>"
        )
    if current is not None:
        parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)

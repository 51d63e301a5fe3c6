"""PDFs generated for the tests: fpdf2 for realistic documents, a tiny raw writer for odd ones."""

from __future__ import annotations

import base64
import io
import zlib
from pathlib import Path

import matplotlib

from fpdf import FPDF
from PIL import Image  # a dependency of fpdf2

# DejaVuSans as shipped inside matplotlib (a test dependency): no system font package needed.
FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def text_pdf(pages: list[str], user_password: str | None = None) -> bytes:
    """A PDF with one page per string, in a Unicode font; RC4-encrypted if a password is given."""
    pdf = FPDF()
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=12)
    if user_password is not None:
        pdf.set_encryption(owner_password="proprietaire", user_password=user_password)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def image_only_pdf() -> bytes:
    """One page holding a picture and no text, like a scanned document."""
    picture = Image.new("RGB", (200, 100), "white")
    for x in range(20, 180):
        picture.putpixel((x, 50), (0, 0, 0))
    pdf = FPDF()
    pdf.add_page()
    pdf.image(picture, x=10, y=10, w=150)
    return bytes(pdf.output())


def blank_pdf(pages: int = 2) -> bytes:
    """Pages without any content."""
    pdf = FPDF()
    for _ in range(pages):
        pdf.add_page()
    return bytes(pdf.output())


def raw_pdf(contents: list[bytes]) -> bytes:
    """A minimal valid PDF, one page per (Flate-compressed) content stream, Helvetica font."""
    count = len(contents)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, content in enumerate(contents):
        stream = zlib.compress(content)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {5 + 2 * i} 0 R "
            "/Resources << /Font << /F1 3 0 R >> >> >>".encode()
        )
        header = f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode()
        objects.append(header + stream + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    out.write(b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets))
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    out.write(trailer.encode())
    return out.getvalue()


def heavy_pdf(operators: int) -> bytes:
    """A page of a few KB that pypdf is slow and memory-hungry to read: many text operators.

    Measured here: 20 000 operators take ~0.7 s and ~50 MB, 100 000 take 5 to 8 s; pypdf refuses
    a content stream of more than about 300 000 operators (token limit).
    """
    content = b"BT /F1 12 Tf 72 700 Td " + b"(Contrat de ville) Tj 1 0 Td " * operators + b"ET"
    return raw_pdf([content])


# AES-encrypted PDFs with an EMPTY user password (owner password only: a common "protected" PDF),
# made once with fpdf2 and the "cryptography" package, which the project venv does not have:
#   pdf.set_encryption("proprietaire", "", EncryptionMethod.AES_128 or AES_256),
#   one Helvetica page reading AES_TEXT.
AES_TEXT = "Contrat de ville chiffre en AES, sans mot de passe utilisateur."
AES_PDFS_B64 = {
    "AES_128": (
        "JVBERi0xLjYKJenr8b8KMSAwIG9iago8PAovQ291bnQgMQovS2lkcyBbMyAwIFJdCi9NZWRpYUJveCBbMCAwIDU5"
        "NS4yOCA4NDEuODldCi9UeXBlIC9QYWdlcwo+PgplbmRvYmoKMiAwIG9iago8PAovT3BlbkFjdGlvbiBbMyAwIFIg"
        "L0ZpdEggbnVsbF0KL1BhZ2VMYXlvdXQgL09uZUNvbHVtbgovUGFnZXMgMSAwIFIKL1R5cGUgL0NhdGFsb2cKPj4K"
        "ZW5kb2JqCjMgMCBvYmoKPDwKL0NvbnRlbnRzIDQgMCBSCi9Hcm91cCA8PC9UeXBlIC9Hcm91cCAvUyAvVHJhbnNw"
        "YXJlbmN5IC9DUyAvRGV2aWNlUkdCPj4KL1BhcmVudCAxIDAgUgovUmVzb3VyY2VzIDYgMCBSCi9UeXBlIC9QYWdl"
        "Cj4+CmVuZG9iago0IDAgb2JqCjw8Ci9GaWx0ZXIgL0ZsYXRlRGVjb2RlCi9MZW5ndGggMTQ0Cj4+CnN0cmVhbQoN"
        "EeYKTyxNcIrncCwQvd8h1mOmAG6Ykso0rSSNzDRM7Qdb27kiIXVNs5QqzopJUaW+A9syOQqKg8nNzVG9JqRX0+IX"
        "80o4KMRNrgzdPZKHXhGcRCTrurVId9P0hczJ2pDPpanso03sZ7d4kr0MFLHgLR3NQfr180SPwJbPIFGjsJ8y+S2m"
        "M7gQ2qwCAi0ynF8KZW5kc3RyZWFtCmVuZG9iago1IDAgb2JqCjw8Ci9CYXNlRm9udCAvSGVsdmV0aWNhCi9FbmNv"
        "ZGluZyAvV2luQW5zaUVuY29kaW5nCi9TdWJ0eXBlIC9UeXBlMQovVHlwZSAvRm9udAo+PgplbmRvYmoKNiAwIG9i"
        "ago8PAovRm9udCA8PC9GMSA1IDAgUj4+Ci9Qcm9jU2V0IFsvUERGIC9UZXh0IC9JbWFnZUIgL0ltYWdlQyAvSW1h"
        "Z2VJXQo+PgplbmRvYmoKNyAwIG9iago8PAovQ3JlYXRpb25EYXRlIDw1NTQ4Rjg4MTlERUIzMjNFQzJDMzAxRjAx"
        "ODJFNTVBQjgxRkY4QjZERUI1RkI0Q0E3MkI1QTY3QkVBMDczNzY1RDA4MUYzNkU4RTM1ODA0QzcwQjJCNTIwNjcw"
        "MTkyQjY+Cj4+CmVuZG9iago4IDAgb2JqCjw8Ci9DRiA8PC9TdGRDRiA8PC9DRk0gL0FFU1YyCi9MZW5ndGggMTYK"
        "L1R5cGUgL0NyeXB0RmlsdGVyPj4+PgovRW5jcnlwdE1ldGFkYXRhIGZhbHNlCi9GaWx0ZXIgL1N0YW5kYXJkCi9M"
        "ZW5ndGggMTI4Ci9PIDw5MTUyNDVENzI1QzAzQTAwMUFBMDM4MUE5Q0U1MUNCMzM2QjE0RjYzQTJEMjI3MUQyOThF"
        "NDZDOEYxRDA1QkVFPgovUCAtNAovUiA0Ci9TdG1GIC9TdGRDRgovU3RyRiAvU3RkQ0YKL1UgPEIxMTYwOEFBRDk5"
        "MTMwN0Y4RjVCNURFRjcyQ0I1ODE5OTlBOTQ2RjQ5N0U0QkEzRUVCNUIxM0I5OEQzMTU5MTE+Ci9WIDQKPj4KZW5k"
        "b2JqCnhyZWYKMCA5CjAwMDAwMDAwMDAgNjU1MzUgZiAKMDAwMDAwMDAxNSAwMDAwMCBuIAowMDAwMDAwMTAyIDAw"
        "MDAwIG4gCjAwMDAwMDAyMDUgMDAwMDAgbiAKMDAwMDAwMDM0MSAwMDAwMCBuIAowMDAwMDAwNTU3IDAwMDAwIG4g"
        "CjAwMDAwMDA2NTQgMDAwMDAgbiAKMDAwMDAwMDc0MSAwMDAwMCBuIAowMDAwMDAwODc1IDAwMDAwIG4gCnRyYWls"
        "ZXIKPDwKL1NpemUgOQovUm9vdCAyIDAgUgovSW5mbyA3IDAgUgovRW5jcnlwdCA4IDAgUgovSUQgWzw2MDg0QzYz"
        "OEVEODUyQjQ5NjU1MkQyNjc4NDkyRkEwNT48NjA4NEM2MzhFRDg1MkI0OTY1NTJEMjY3ODQ5MkZBMDU+XQo+Pgpz"
        "dGFydHhyZWYKMTE5MgolJUVPRgo="
    ),
    "AES_256": (
        "JVBERi0yLjAKJenr8b8KMSAwIG9iago8PAovQ291bnQgMQovS2lkcyBbMyAwIFJdCi9NZWRpYUJveCBbMCAwIDU5"
        "NS4yOCA4NDEuODldCi9UeXBlIC9QYWdlcwo+PgplbmRvYmoKMiAwIG9iago8PAovT3BlbkFjdGlvbiBbMyAwIFIg"
        "L0ZpdEggbnVsbF0KL1BhZ2VMYXlvdXQgL09uZUNvbHVtbgovUGFnZXMgMSAwIFIKL1R5cGUgL0NhdGFsb2cKPj4K"
        "ZW5kb2JqCjMgMCBvYmoKPDwKL0NvbnRlbnRzIDQgMCBSCi9Hcm91cCA8PC9UeXBlIC9Hcm91cCAvUyAvVHJhbnNw"
        "YXJlbmN5IC9DUyAvRGV2aWNlUkdCPj4KL1BhcmVudCAxIDAgUgovUmVzb3VyY2VzIDYgMCBSCi9UeXBlIC9QYWdl"
        "Cj4+CmVuZG9iago0IDAgb2JqCjw8Ci9GaWx0ZXIgL0ZsYXRlRGVjb2RlCi9MZW5ndGggMTQ0Cj4+CnN0cmVhbQpJ"
        "a9zkedwAWoP1+5Q8l202B8uLC5BpRuCMP4FsAe13c2ZUdycRhqMeIZIM4ewUy9Wgajbt8v7WYKfDWpR0t3wnTMll"
        "1wy8Wg7UsyOna5mnfeNh/D9uxsc0TniUr2UhGVtB1f4ncTX7rP8J4IzX88c3ykFFWM/JQOOz5yV6Iz0DPkxVfZDJ"
        "WG2sDLD5N45fAEUKZW5kc3RyZWFtCmVuZG9iago1IDAgb2JqCjw8Ci9CYXNlRm9udCAvSGVsdmV0aWNhCi9FbmNv"
        "ZGluZyAvV2luQW5zaUVuY29kaW5nCi9TdWJ0eXBlIC9UeXBlMQovVHlwZSAvRm9udAo+PgplbmRvYmoKNiAwIG9i"
        "ago8PAovRm9udCA8PC9GMSA1IDAgUj4+Ci9Qcm9jU2V0IFsvUERGIC9UZXh0IC9JbWFnZUIgL0ltYWdlQyAvSW1h"
        "Z2VJXQo+PgplbmRvYmoKNyAwIG9iago8PAovQ3JlYXRpb25EYXRlIDxFMkI1RDExNEIyQTEyRkM1OEQzRDYwNDJD"
        "MkU5MEE2OTM5RDAwQ0ZDNTYwNzdFNkQwM0Y1NzFDNTQxMjZGMjY2RURENTMzNTYxRTU4QURDRTQ4NTNCMDAxODI1"
        "NERGRkY+Cj4+CmVuZG9iago4IDAgb2JqCjw8Ci9DRiA8PC9TdGRDRiA8PC9DRk0gL0FFU1YzCi9MZW5ndGggMzIK"
        "L1R5cGUgL0NyeXB0RmlsdGVyPj4+PgovRW5jcnlwdE1ldGFkYXRhIGZhbHNlCi9GaWx0ZXIgL1N0YW5kYXJkCi9M"
        "ZW5ndGggMjU2Ci9PIDxEOENFREVDOEVENjk5RDZDQUUzMzQwN0E3RUQwQjFGQTVBRTU5QjNBOTNDRkI2MTg4NTIw"
        "NjkxNDJGNzhBRTNFNzdDN0Q3RkQxRkVBMTRDQkIwMEJBNzk1QjJFRUY3ODA+Ci9PRSA8QjFDRERCN0M3MkMyNjNE"
        "MEQ4MzA1QUQ4Qzk0OUU2QTcwRTZGN0Q0NEIxRjQwRUYwMTM4NUZGMjVCQzdBNzNGRD4KL1AgLTQKL1Blcm1zIDxD"
        "RUUyMTc5RTBGMTYyNzkwMzYyRDEyRDVGNUYyMTA3NT4KL1IgNgovU3RtRiAvU3RkQ0YKL1N0ckYgL1N0ZENGCi9V"
        "IDxGNEI1RDk4MDI2QzkyN0RCRUE3NjdDNjE2ODM4M0Q3Mzc5MUU4NkU4RjI4MEEzOEE0ODM4Q0JCMzhFMDY5RThE"
        "MDIyNDU1NkREM0E2NUExM0M3RTYzNDMzRUYxRENCMUU+Ci9VRSA8NjVBRjgwNUU1NzhFNTJGREVFQTlDMDk0OEZF"
        "NEFCRjM2ODUwQUVEODAzQkU5MDAzQUE5MDBDMzNCMUVGRTk0Nj4KL1YgNQo+PgplbmRvYmoKeHJlZgowIDkKMDAw"
        "MDAwMDAwMCA2NTUzNSBmIAowMDAwMDAwMDE1IDAwMDAwIG4gCjAwMDAwMDAxMDIgMDAwMDAgbiAKMDAwMDAwMDIw"
        "NSAwMDAwMCBuIAowMDAwMDAwMzQxIDAwMDAwIG4gCjAwMDAwMDA1NTcgMDAwMDAgbiAKMDAwMDAwMDY1NCAwMDAw"
        "MCBuIAowMDAwMDAwNzQxIDAwMDAwIG4gCjAwMDAwMDA4NzUgMDAwMDAgbiAKdHJhaWxlcgo8PAovU2l6ZSA5Ci9S"
        "b290IDIgMCBSCi9JbmZvIDcgMCBSCi9FbmNyeXB0IDggMCBSCi9JRCBbPDYwODRDNjM4RUQ4NTJCNDk2NTUyRDI2"
        "Nzg0OTJGQTA1Pjw2MDg0QzYzOEVEODUyQjQ5NjU1MkQyNjc4NDkyRkEwNT5dCj4+CnN0YXJ0eHJlZgoxNDQwCiUl"
        "RU9GCg=="
    ),
}


def aes_pdf(method: str) -> bytes:
    return base64.b64decode(AES_PDFS_B64[method])

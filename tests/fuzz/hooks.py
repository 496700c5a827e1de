"""Schemathesis hooks for tests/fuzz/schemathesis.sh (SCHEMATHESIS_HOOKS=hooks).

Schemathesis makes PNG and JPEG bodies by itself (small real files), but no
PDF: an evidence upload (`POST /api/v1/evidence`) declares application/pdf,
so give it a minimal PDF, or bytes that are none (which the server must
refuse with a declared 422, never a 5xx).
"""

import schemathesis
from hypothesis import strategies as st

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj\n<</Type/Catalog>>\nendobj\ntrailer\n<</Root 1 0 R>>\n%%EOF\n"

schemathesis.openapi.media_type("application/pdf", st.just(MINIMAL_PDF) | st.binary(max_size=64))
